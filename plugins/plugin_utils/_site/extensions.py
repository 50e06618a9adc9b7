# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Extensions and where each may register from: its networks, its phone's VPN address, or
anywhere (a roaming phone, only with pbx_sip_open_to_world)."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import (
    merged,
    outside,
    read_address,
)

KEYS = ("number", "networks", "vpn_address", "roaming")
# A roaming extension's endpoint ACL: every address (the firewall's limit and fail2ban guard it).
ANYWHERE = {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}
ROAMING_WARNING = (
    "extension {number} roams (roaming: true): it registers from any address. Its"
    " secret is all that stands between the world and its calls; each unlisted source gets a"
    " few guesses before fail2ban bans it. Prefer a fixed network, the VPN or a site link."
)
# Seconds a learned source stays admitted beyond its registration's lifetime: a phone
# re-registers a little before expiry, and a late one must not lose its call meanwhile.
ROAMING_GRACE = 60
NUMBER = re.compile(r"^[0-9]{2,8}$")


def read_binding(ctx, path, entry):
    """The networks an extension is bound to, or None when the entry is unusable."""
    has_networks = entry.get("networks") is not None
    has_vpn = entry.get("vpn_address") not in (None, "")
    if has_networks and has_vpn:
        ctx.problems.add(path, "has both networks and a vpn_address; give one of them")
        return None, None
    if not has_networks and not has_vpn:
        ctx.problems.add(path, "needs networks (where it may register from) or the vpn_address of its phone")
        return None, None
    if has_networks:
        networks = ctx.networks(None, entry["networks"], f"{path}.networks")
        if isinstance(entry["networks"], list) and not entry["networks"]:
            ctx.problems.add(f"{path}.networks", "is empty; list the networks the extension may register from")
        for network in outside(networks, ctx.nets["sip"]):
            ctx.problems.add(
                f"{path}.networks",
                f"{network} is not inside pbx_lan_networks, pbx_remote_sites, pbx_trunks or the VPN,"
                " so the firewall would drop it. Add the network there, or narrow the extension's networks",
            )
        return networks, None
    address = read_address(ctx.problems, f"{path}.vpn_address", entry["vpn_address"])
    if address is not None and not (ctx.nets["vpn"] and outside([address], ctx.nets["vpn"]) == []):
        ctx.problems.add(
            f"{path}.vpn_address",
            f"{address.ip} needs pbx_vpn_enabled: true and an address inside pbx_vpn_network"
            f" ({ctx.site['vpn']['network']})",
        )
        return None, None
    return ([address] if address is not None else []), address


def read_roaming(ctx, path, entry):
    """Whether an extension roams; a roaming one has neither networks nor a vpn_address."""
    roaming = _types.read_bool(ctx.problems, f"{path}.roaming", False if entry.get("roaming") is None else entry["roaming"])
    if not roaming:
        return roaming
    if not ctx.site["sip_open_to_world"]:
        ctx.problems.add(
            f"{path}.roaming",
            "is true, but pbx_sip_open_to_world is false: a roaming phone registers from addresses"
            " no allow-list holds. Set pbx_sip_open_to_world: true, or give the phone networks or a vpn_address",
        )
        return None
    given = [key for key in ("networks", "vpn_address") if entry.get(key) not in (None, "")]
    if given:
        ctx.problems.add(path, f"has roaming: true and {given[0]}; a roaming extension registers from anywhere: give one of them")
        return None
    return True


def read(ctx):
    extensions = []
    seen = {}
    for index, entry in enumerate(ctx.list("pbx_extensions") or []):
        path = f"pbx_extensions[{index}]"
        entry = _types.read_mapping(ctx.problems, path, entry, KEYS, ("number",))
        if entry is None:
            continue
        # A missing number is reported as required by read_mapping.
        number = entry.get("number")
        number = None if number is None else _types.read_str(ctx.problems, f"{path}.number", number)
        if number is not None and not NUMBER.match(number):
            ctx.problems.add(f"{path}.number", f"{number!r} is not an extension number; use 2 to 8 digits")
            number = None
        if number is not None and number in seen:
            ctx.problems.add(f"{path}.number", f"{number} is listed twice (also pbx_extensions[{seen[number]}]); each number once")
        seen.setdefault(number, index)
        roaming = read_roaming(ctx, path, entry)
        if roaming is None:
            continue
        if roaming:
            if number is not None:
                ctx.warnings.append(ROAMING_WARNING.format(number=number))
                permit = {family: list(networks) for family, networks in ANYWHERE.items()}
                extensions.append({"number": number, "vpn_address": None, "permit": permit, "roaming": True})
            continue
        permit, vpn_address = read_binding(ctx, path, entry)
        if number is None or permit is None:
            continue
        extensions.append({
            "number": number,
            "vpn_address": str(vpn_address.ip) if vpn_address is not None else None,
            "permit": merged(permit),
            "roaming": False,
        })
    ctx.site["extensions"] = extensions
    ctx.site["roaming"] = read_roaming_policy(ctx, [e["number"] for e in extensions if e["roaming"]])


def read_roaming_policy(ctx, numbers):
    """The roaming extensions, their registration lifetime, and how long a source that
    registered one stays admitted (the firewall's learned sets, fail2ban's learned jail)."""
    expiration = ctx.int("pbx_roaming_expiration", minimum=60, maximum=3600,
                         hint=" (seconds a roaming phone's registration lasts; it re-registers before that)")
    if expiration is None:
        return {"numbers": numbers, "expiration": None, "admitted": None}
    return {"numbers": numbers, "expiration": expiration, "admitted": expiration + ROAMING_GRACE}
