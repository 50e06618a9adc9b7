# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fail2ban role's settings, and what its jails draw: ports, never-banned sources, backends."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import read_networks
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.services import SERVICES

LOG_BACKENDS = ("auto", "pyinotify", "polling")
BANACTIONS = ("nftables", "iptables")
SWITCHES = ("recidive_enabled", "asterisk_enabled", "iax2_enabled", "ami_enabled", "sshd_enabled",
            "web_enabled", "asterisk_ban_auth_errors", "ignoreip_all_jails")
TIMES = ("findtime", "bantime", "recidive_findtime", "recidive_bantime")
PACKAGES = {"nftables": ["fail2ban", "conntrack", "nftables"], "iptables": ["fail2ban", "conntrack", "iptables"]}
ALWAYS_TRUSTED = ["127.0.0.1/8", "::1"]


def read_settings(ctx):
    settings = {name: ctx.bool(f"fail2ban_{name}") for name in SWITCHES}
    for name in ("maxretry", "recidive_maxretry"):
        settings[name] = ctx.int(
            f"fail2ban_{name}", minimum=1, hint="; with 0 fail2ban bans on nothing or on every line (3 and 2 are the defaults)"
        )
    for name in TIMES:
        settings[name] = ctx.int(f"fail2ban_{name}", minimum=1, hint=" (seconds)")
    settings["log_backend"] = ctx.str("fail2ban_log_backend", choices=LOG_BACKENDS)
    # Empty: the bans go into the firewall role's backend.
    # The firewall topic has read (and, if bad, reported) firewall_backend already.
    banaction = ctx.str("fail2ban_banaction_backend") or ctx.site["firewall"]["backend"] or "nftables"
    settings["banaction"] = _types.read_str(ctx.problems, "fail2ban_banaction_backend", banaction, choices=BANACTIONS)
    # Host names would make fail2ban resolve names an attacker may control.
    extra = read_networks(ctx.problems, "fail2ban_ignoreip_extra", ctx.vars.get("fail2ban_ignoreip_extra"))
    settings["ignoreip_extra"] = [str(network) for network in extra]
    check_times(ctx.problems, settings)
    return settings


def check_times(problems, s):
    if None in (s["findtime"], s["bantime"], s["recidive_findtime"], s["recidive_bantime"]):
        return
    if s["bantime"] < s["findtime"]:
        problems.add(
            "fail2ban_bantime",
            f"{s['bantime']} s is shorter than fail2ban_findtime ({s['findtime']} s): a banned guesser is back"
            " before his failures are forgotten; raise fail2ban_bantime to at least fail2ban_findtime",
        )
    if s["recidive_enabled"] and s["recidive_findtime"] <= s["bantime"]:
        problems.add(
            "fail2ban_recidive_findtime",
            f"{s['recidive_findtime']} s must be longer than fail2ban_bantime ({s['bantime']} s), or no"
            " second ban ever falls in its window; raise it",
        )
    if s["recidive_enabled"] and s["recidive_bantime"] < s["bantime"]:
        problems.add(
            "fail2ban_recidive_bantime",
            f"{s['recidive_bantime']} s must be at least fail2ban_bantime ({s['bantime']} s); raise it",
        )


def jail_ports(plan, banaction):
    """Each jail's ports and protocols, in the ban action's spelling, for the services in use."""
    spelling = "nft" if banaction == "nftables" else "iptables"
    jails = {}
    for service in SERVICES:
        if service.jail and service.name in plan:
            jail = jails.setdefault(service.jail, {"ports": [], "protocols": []})
            for key, value in (("ports", plan[service.name][spelling]), ("protocols", plan[service.name]["protocol"])):
                if value not in jail[key]:
                    jail[key].append(value)
    return {name: {"port": ",".join(jail["ports"]), "protocol": ",".join(jail["protocols"])} for name, jail in jails.items()}


def host_blockers(settings, host):
    """What stops the role on this host; checked when the role runs (the host may lack Asterisk)."""
    if not host:
        return []
    blockers = []
    if settings["log_backend"] == "pyinotify" and not host.get("pyinotify"):
        blockers.append(
            "fail2ban_log_backend is pyinotify but python3-pyinotify is not installed on this host:"
            " install it, or set fail2ban_log_backend to auto."
        )
    asterisk_jails = settings["asterisk_enabled"] or settings["iax2_enabled"] or settings["ami_enabled"]
    if asterisk_jails and not host.get("asterisk", {}).get("installed"):
        blockers.append(
            "/etc/asterisk/logger.conf is missing: install Asterisk first, or set fail2ban_asterisk_enabled,"
            " fail2ban_iax2_enabled and fail2ban_ami_enabled to false."
        )
    return blockers


def view(site, s, host):
    plan = site["port_plan"]
    trusted = site["sources"]["trusted"]
    ignoreip = []
    for entry in ALWAYS_TRUSTED + trusted["ipv4"] + trusted["ipv6"] + s["ignoreip_extra"]:
        if entry not in ignoreip:
            ignoreip.append(entry)
    ports = jail_ports(plan, s["banaction"])
    enabled = {
        "asterisk": s["asterisk_enabled"],
        "iax2": s["iax2_enabled"],
        "ami": s["ami_enabled"],
        "sshd": s["sshd_enabled"],
        "web": s["web_enabled"] and bool(host.get("web")),
    }
    sshd_journal = bool(host.get("sshd_journal"))
    log_backend = s["log_backend"]
    if log_backend == "auto":
        log_backend = "pyinotify" if host.get("pyinotify") else "polling"
    return {
        "jails": {name: ports[name] for name, on in enabled.items() if on and name in ports},
        "ignoreip": ignoreip,
        "log_backend": log_backend,
        "mode": "aggressive" if s["asterisk_ban_auth_errors"] else "normal",
        "dbpurgeage": max(s["bantime"], s["recidive_bantime"] if s["recidive_enabled"] else 0),
        "web": host.get("web") or "",
        "sshd_journal": sshd_journal,
        "packages": PACKAGES[s["banaction"]] + (["python3-systemd"] if s["sshd_enabled"] and sshd_journal else []),
        "blockers": host_blockers(s, host),
    }


def read(ctx):
    settings = read_settings(ctx)
    if ctx.problems:
        ctx.site["fail2ban"] = settings
        return
    ctx.site["fail2ban"] = settings | view(ctx.site, settings, ctx.host)
