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
    for name in ("maxretry", "sip_world_maxretry", "recidive_maxretry"):
        settings[name] = ctx.int(
            f"fail2ban_{name}", minimum=1, hint="; with 0 fail2ban bans on nothing or on every line (3, 2 and 2 are the defaults)"
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


def asterisk_missing(host):
    """Whether the host facts say Asterisk is not installed (no facts: not known, so not missing)."""
    return (host.get("asterisk") or {}).get("installed") is False


def stock_sshd(jails, sshd_journal):
    """What becomes of Debian's own sshd jail (enabled in jail.d/defaults-debian.conf, reading
    /var/log/auth.log): off where the collection's sshd jail replaces it, on the journal where
    sshd logs nowhere else (a jail without its log stops fail2ban), else as Debian left it."""
    if "sshd" in jails:
        return "disabled"
    return "journal" if sshd_journal else "unchanged"


def packages(banaction, log_backend, sshd_journal):
    """What the role installs: fail2ban, conntrack and the bans' firewall, pyinotify for the
    pyinotify backend, python3-systemd where an sshd jail reads the journal."""
    extra = (["python3-pyinotify"] if log_backend == "pyinotify" else []) + (["python3-systemd"] if sshd_journal else [])
    return PACKAGES[banaction] + extra


def learned(ctx, s, jails):
    """The learned jail: it admits the sources of roaming extensions' registrations in the
    firewall (whose backend holds the sets), reading the SIP jail's watcher; None without them."""
    roaming = ctx.site["roaming"]
    if not roaming["numbers"]:
        return None
    if not s["asterisk_enabled"]:
        ctx.problems.add(
            "fail2ban_asterisk_enabled",
            f"is false, but extension {roaming['numbers'][0]} roams: the SIP jail bans its guessers, and its"
            " watcher tells the firewall where the phone registered from; set it to true",
        )
        return None
    if "asterisk" not in jails:
        return None
    return {"accounts": roaming["numbers"], "timeout": roaming["admitted"], "backend": ctx.site["firewall"]["backend"]}


def view(ctx, s):
    site, host = ctx.site, ctx.host
    plan = site["port_plan"]
    trusted = site["sources"]["trusted"]
    ignoreip = []
    for entry in ALWAYS_TRUSTED + trusted["ipv4"] + trusted["ipv6"] + s["ignoreip_extra"]:
        if entry not in ignoreip:
            ignoreip.append(entry)
    ports = jail_ports(plan, s["banaction"])
    # A host that is not a PBX yet (Asterisk not installed) still gets its SSH and recidive
    # jails; the Asterisk jails follow on the first run after Asterisk is installed.
    no_asterisk = asterisk_missing(host)
    if no_asterisk and (s["asterisk_enabled"] or s["iax2_enabled"] or s["ami_enabled"]):
        ctx.warnings.append(
            "Asterisk is not installed on this host (/etc/asterisk/logger.conf is missing): fail2ban's SIP,"
            " IAX2 and AMI jails are left out. Run the playbook again once Asterisk or FreePBX is installed."
        )
    enabled = {
        "asterisk": s["asterisk_enabled"] and not no_asterisk,
        "iax2": s["iax2_enabled"] and not no_asterisk,
        "ami": s["ami_enabled"] and not no_asterisk,
        "sshd": s["sshd_enabled"],
        "web": s["web_enabled"] and bool(host.get("web")),
    }
    jails = {name: ports[name] for name, on in enabled.items() if on and name in ports}
    sshd_journal = bool(host.get("sshd_journal"))
    # auto: pyinotify, which the role installs (it bans sooner than polling).
    log_backend = "polling" if s["log_backend"] == "polling" else "pyinotify"
    return {
        "jails": jails,
        # With SIP open to the world, the firewall's byte budget lets a guesser that fetches a
        # fresh nonce per guess (two requests a guess) land about 2: the SIP jail must ban there.
        "sip_maxretry": s["sip_world_maxretry"] if site["sip_open_to_world"] else s["maxretry"],
        "learned": learned(ctx, s, jails),
        "ignoreip": ignoreip,
        "log_backend": log_backend,
        "mode": "aggressive" if s["asterisk_ban_auth_errors"] else "normal",
        "dbpurgeage": max(s["bantime"], s["recidive_bantime"] if s["recidive_enabled"] else 0),
        "web": host.get("web") or "",
        "sshd_journal": sshd_journal,
        "stock_sshd": stock_sshd(jails, sshd_journal),
        "packages": packages(s["banaction"], log_backend, sshd_journal),
    }


def read(ctx):
    settings = read_settings(ctx)
    if ctx.problems:
        ctx.site["fail2ban"] = settings
        return
    ctx.site["fail2ban"] = settings | view(ctx, settings)
