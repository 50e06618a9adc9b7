# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The firewall role's settings, and the ruleset it draws: sets, rules and ports per backend."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.services import SERVICES

BACKENDS = ("nftables", "iptables")
BACKEND_FILES = {"nftables": ["pbxguard.nft"], "iptables": ["ipsets", "rules.v4", "rules.v6"]}
SCANNER_FILES = ["scanner.v4", "scanner.v6"]
# What the role installs for each backend (ip6tables comes with iptables).
BACKEND_PACKAGES = {"nftables": ["nftables"], "iptables": ["iptables", "ipset"]}
# The allow-lists, in the order the rulesets define them.
SET_SOURCES = ("sip", "iax2", "admin")
CONFIG_DIR = re.compile(r"^/[A-Za-z0-9_./-]+$")
LOG_PREFIX_MAX = 28  # iptables' LOG target takes 29 bytes with the terminating NUL
# The per-source SIP budget: iptables' hashlimit keeps a byte burst in whole kilobytes, and a
# first registration (two REGISTERs of up to 800 bytes, a TCP handshake) needs about 2 KB.
BUDGET_UNIT = 1024
BUDGET_RANGE = (2048, 65536)
# How fast the budget refills. nftables: bytes an hour; iptables: its byte-mode hashlimit keeps
# no slower rate (measured: below 512 bytes a second with a 2 KB burst it stops limiting).
REFILL_NFT_PER_HOUR = 256
REFILL_IPTABLES = "512b/s"


def read_settings(ctx):
    problems = ctx.problems
    settings = {
        "backend": ctx.str("firewall_backend", choices=BACKENDS),
        "rollback_timeout": ctx.int(
            "firewall_rollback_timeout", minimum=20,
            hint=" (seconds: the controller must reconnect before the rollback runs)",
        ),
        "sip_world_bytes": ctx.int(
            "firewall_sip_world_bytes", minimum=BUDGET_RANGE[0], maximum=BUDGET_RANGE[1],
            hint=" (bytes of SIP an unlisted source may send; a first registration needs about 2048)",
        ),
        "log_rate": ctx.int("firewall_log_rate", minimum=1),
        "log_prefix": ctx.str("firewall_log_prefix"),
        "config_dir": ctx.str("firewall_config_dir"),
        "scanner_user_agents": [],
    }
    for index, agent in enumerate(ctx.list("firewall_scanner_user_agents") or []):
        path = f"firewall_scanner_user_agents[{index}]"
        if not isinstance(agent, str) or not agent.strip() or re.search(r'["\n\r\\]', agent):
            problems.add(path, f"{agent!r} must be non-empty text without double quotes, backslashes or line breaks")
        else:
            settings["scanner_user_agents"].append(agent)
    budget = settings["sip_world_bytes"]
    if budget is not None and budget % BUDGET_UNIT:
        problems.add("firewall_sip_world_bytes", f"{budget} is not a multiple of {BUDGET_UNIT} (iptables counts the"
                     f" budget in kilobytes); use {budget // BUDGET_UNIT * BUDGET_UNIT or BUDGET_UNIT}")
    prefix = settings["log_prefix"]
    if prefix is not None and (len(prefix) > LOG_PREFIX_MAX or re.search(r'["\n\r\\]', prefix)):
        problems.add("firewall_log_prefix", f"{prefix!r} must be {LOG_PREFIX_MAX} characters at most, without double quotes, backslashes or line breaks")
    directory = settings["config_dir"]
    if directory is not None and (not CONFIG_DIR.match(directory) or "/../" in f"{directory}/"):
        problems.add("firewall_config_dir", f"{directory!r} must be an absolute path of letters, digits and _ . / - without '..'")
    return settings


def ruleset(site, settings):
    """What the templates draw, with every port spelled for nftables and for iptables."""
    plan, sources = site["port_plan"], site["sources"]
    controller = site["controller"]
    world = site["sip_open_to_world"]
    ports = {name: {"nft": entry["nft"], "iptables": entry["iptables"]} for name, entry in plan.items()}
    sets = [
        {
            "name": f"{source}_v{family}",
            "ipset": f"pbxguard-{source}-v{family}",
            "family": family,
            "networks": sources[source][f"ipv{family}"],
        }
        for source in SET_SOURCES
        for family in (4, 6)
    ]
    rules = [
        {"service": service.name, "protocol": plan[service.name]["protocol"], "source": service.sources}
        | ports[service.name]
        for service in SERVICES
        if service.name in plan
    ]
    learned = world and site["roaming"]["numbers"] and site["roaming"]["admitted"]
    world_ports = {"udp": [], "tcp": []}
    plain_ports = {"udp": [], "tcp": []}
    for service in SERVICES:
        if service.world_limited and service.name in plan:
            world_ports[plan[service.name]["protocol"]].append(ports[service.name])
            if service.plaintext:
                plain_ports[plan[service.name]["protocol"]].append(ports[service.name])
    backend = settings["backend"]
    files = BACKEND_FILES.get(backend, []) + (SCANNER_FILES if world else [])
    every_file = [name for names in BACKEND_FILES.values() for name in names] + SCANNER_FILES
    return {
        "sets": sets,
        "rules": rules,
        "controller": controller | {"ssh": ports["ssh"]} if controller and "ssh" in ports else None,
        "world": {
            "enabled": world,
            # nftables' limit holds rate + burst bytes: together they make the budget.
            "bytes": settings["sip_world_bytes"],
            "nft_rate": REFILL_NFT_PER_HOUR,
            "nft_burst": settings["sip_world_bytes"] - REFILL_NFT_PER_HOUR,
            "iptables_rate": REFILL_IPTABLES,
            "ports": world_ports,
            "plain_ports": plain_ports,
        },
        # Sources that registered a roaming extension (fail2ban's learned jail adds them):
        # SIP without the budget, and RTP, for this many seconds after each registration.
        "learned": {
            "timeout": site["roaming"]["admitted"],
            "ports": {protocol: entries + ([ports["rtp"]] if protocol == "udp" and "rtp" in ports else [])
                      for protocol, entries in world_ports.items()},
        } if learned else None,
        "packages": BACKEND_PACKAGES.get(backend, []),
        "files": files,
        "stale_files": [name for name in every_file if name not in files],
    }


def read(ctx):
    settings = read_settings(ctx)
    if ctx.problems:
        ctx.site["firewall"] = settings
        return
    ctx.site["firewall"] = settings | ruleset(ctx.site, settings)
