# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The health gate's reading of Asterisk's and fail2ban's answers (private to this collection).

Pure functions over the text the commands print, so that each rule is unit-tested without
a PBX; the module pbx_health runs the commands.
"""

from __future__ import annotations

import re

ENDPOINT = re.compile(r"^\s*Endpoint:\s+([^\s/<]+)", re.MULTILINE)
# iax2 show peers: "name/username  host  (S)  mask  port  status"; the header starts with Name/Username.
IAX2_PEER = re.compile(r"^(?!Name/Username)([^\s/]+)(?:/\S*)?\s+\S+.*?\s(OK \(\d+ ms\)|UNREACHABLE|LAGGED \(\d+ ms\)|UNKNOWN|Unmonitored)",
                       re.MULTILINE)
JAIL_LIST = re.compile(r"Jail list:\s*(.*)$", re.MULTILINE)


def endpoints(text):
    """The endpoint names of `pjsip show endpoints`."""
    return set(ENDPOINT.findall(text or ""))


def iax2_peers(text):
    """{peer name: status} of `iax2 show peers`."""
    return dict(IAX2_PEER.findall(text or ""))


def registered(text, name):
    """Whether `pjsip show registrations` shows registration name as Registered."""
    pattern = re.compile(rf"^\s*{re.escape(name)}/\S+.*\sRegistered\b", re.MULTILINE)
    return bool(pattern.search(text or ""))


def jails(text):
    """The jails of `fail2ban-client status`."""
    found = JAIL_LIST.search(text or "")
    if not found:
        return set()
    return {name.strip() for name in found.group(1).split(",") if name.strip()}


def missing(expected, present):
    """The expected names that are not present, in the order given."""
    return [name for name in expected if name not in present]


def gate(expected, answers):
    """The checks of the gate: [{name, ok, detail}] from what was expected and what the host answered.

    expected: asterisk (bool), endpoints, iax2_peers, reachable_peers, registrations, firewall, jails.
    answers: booted (bool), endpoints, iax2, registrations (texts), firewall_loaded (bool), jails (text).
    """
    checks = []

    def add(name, problems):
        checks.append({"name": name, "ok": not problems, "detail": "; ".join(problems) if problems else "ok"})

    if expected["asterisk"]:
        add("asterisk booted", [] if answers["booted"] else ["Asterisk is not running or has not fully booted"])
        gone = missing(expected["endpoints"], endpoints(answers["endpoints"]))
        add("endpoints loaded", [f"PJSIP endpoints not loaded: {', '.join(gone)}"] if gone else [])
        peers = iax2_peers(answers["iax2"])
        gone = missing(expected["iax2_peers"], peers)
        add("iax2 peers loaded", [f"IAX2 peers not loaded: {', '.join(gone)}"] if gone else [])
        down = [f"{name} ({peers.get(name, 'not loaded')})" for name in expected["reachable_peers"]
                if not peers.get(name, "").startswith("OK")]
        add("trunks reachable", [f"IAX2 peers not reachable: {', '.join(down)}"] if down else [])
        gone = [name for name in expected["registrations"] if not registered(answers["registrations"], name)]
        add("trunks registered", [f"PJSIP registrations not registered: {', '.join(gone)}"] if gone else [])
    if expected["firewall"] != "none":
        add("firewall loaded", [] if answers["firewall_loaded"] else
            [f"the collection's {expected['firewall']} ruleset is not loaded"])
    gone = missing(expected["jails"], jails(answers["jails"]))
    add("jails active", [f"fail2ban jails not active: {', '.join(gone)}"] if gone else [])
    return checks
