# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Trunk providers, pinned to their addresses, each with a cap on simultaneous calls.

Beyond the addresses the firewall admits, each entry says how the trunks role talks to the
provider: where calls go (host, port), whether the PBX registers (PJSIP) or the provider is
identified by its addresses, the account name, what the provider's account allows at once,
and the DIDs the provider delivers (each to one destination, checked by the trunks role's
topic once the extensions are known).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import merged
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.networks import read_name, unique_names

KEYS = ("name", "addresses", "protocol", "max_channels", "host", "port", "username", "registration",
        "provider_max_channels", "dids")
PROTOCOLS = ("pjsip", "iax2")
DEFAULT_PORTS = {"pjsip": 5060, "iax2": 4569}
DEFAULT_MAX_CHANNELS = 2
# A leaked trunk costs what it can carry at once: the checklist's cap is 1 to 2.
CHANNELS_HINT = "; 0 does not mean unlimited: give the trunk a cap of 1 or more (2 is the checklist's)"
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{1,64}$")
# A DID as the provider delivers it: digits, optionally with a leading +.
DID = re.compile(r"^\+?[0-9]{1,15}$")


def read_host(ctx, path, entry, nets):
    """Where calls to the provider go: the host given, else the one address of the trunk."""
    if entry.get("host") is not None:
        host = _types.read_str(ctx.problems, f"{path}.host", entry["host"], allow_empty=False)
        if host is not None and not HOST.match(host):
            ctx.problems.add(f"{path}.host", f"{host!r} is not an address or a host name")
            return None
        return host
    # Only the trunks role needs it: it reports a trunk without one before it changes anything.
    if nets and len(nets) == 1 and nets[0].size == 1:
        return str(nets[0].ip)
    return None


def read_dids(ctx, path, value):
    """{did: destination as text}; the destinations are checked by the trunks role's topic."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        ctx.problems.add(path, f"{_types.describe(value)} is not a mapping of DIDs to destinations,"
                               " such as {'5551000': '201'}")
        return {}
    dids = {}
    for key, destination in value.items():
        did = str(key)
        if not DID.match(did):
            ctx.problems.add(f"{path}.{did}", "is not a DID: digits only, at most 15, optionally after a +")
            continue
        destination = _types.read_str(ctx.problems, f"{path}.{did}", destination, allow_empty=False)
        if destination is not None:
            dids[did] = destination
    return dids


def read_entry(ctx, path, entry):
    nets = ctx.networks(None, entry.get("addresses"), f"{path}.addresses")
    if "addresses" in entry and entry["addresses"] is not None and not entry["addresses"]:
        ctx.problems.add(f"{path}.addresses", "is empty; list the provider's signalling and media addresses")
    protocol = _types.read_str(ctx.problems, f"{path}.protocol", entry.get("protocol", "pjsip"), choices=PROTOCOLS)
    name = read_name(ctx.problems, f"{path}.name", entry.get("name"))
    max_channels = _types.read_int(ctx.problems, f"{path}.max_channels", entry.get("max_channels", DEFAULT_MAX_CHANNELS),
                                   minimum=1, hint=CHANNELS_HINT)
    provider = entry.get("provider_max_channels")
    if provider is not None:
        provider = _types.read_int(ctx.problems, f"{path}.provider_max_channels", provider, minimum=1,
                                   hint=" (the simultaneous calls the provider's account allows)")
    if provider is not None and max_channels is not None and max_channels > provider:
        ctx.problems.add(f"{path}.max_channels", f"{max_channels} is above the provider's {provider}"
                                                 " (provider_max_channels): calls past it would fail at the provider; lower it")
    registration = _types.read_bool(ctx.problems, f"{path}.registration", entry.get("registration", False))
    if registration and protocol == "iax2":
        ctx.problems.add(f"{path}.registration", "is for PJSIP trunks; an IAX2 peer is pinned to its addresses")
    username = entry.get("username")
    if username is not None:
        username = _types.read_str(ctx.problems, f"{path}.username", username, allow_empty=False)
        if username is not None and not USERNAME.match(username):
            ctx.problems.add(f"{path}.username", f"{username!r} must be 1 to 64 letters, digits and _ . @ + -")
            username = None
    elif registration:
        ctx.problems.add(f"{path}.username", "is required with registration: the account name at the provider")
    elif protocol == "iax2":
        username = name
    port = _types.read_int(ctx.problems, f"{path}.port", entry.get("port", DEFAULT_PORTS.get(protocol, 5060)),
                           minimum=1, maximum=65535)
    return {
        "name": name,
        "nets": nets,
        "protocol": protocol,
        "max_channels": max_channels,
        "host": read_host(ctx, path, entry, nets),
        "port": port,
        "username": username,
        "registration": bool(registration),
        "provider_max_channels": provider,
        "dids": read_dids(ctx, f"{path}.dids", entry.get("dids")),
    }


def read(ctx):
    trunks = []
    for index, entry in enumerate(ctx.list("pbx_trunks") or []):
        path = f"pbx_trunks[{index}]"
        entry = _types.read_mapping(ctx.problems, path, entry, KEYS, ("name", "addresses"))
        if entry is None:
            continue
        trunks.append(read_entry(ctx, path, entry))
    unique_names(ctx.problems, "pbx_trunks", [trunk["name"] for trunk in trunks])
    ctx.nets["sip_trunks"] = [net for trunk in trunks if trunk["protocol"] == "pjsip" for net in trunk["nets"]]
    ctx.nets["iax2_trunks"] = [net for trunk in trunks if trunk["protocol"] == "iax2" for net in trunk["nets"]]
    ctx.site["trunks"] = [
        {key: value for key, value in trunk.items() if key != "nets"} | {"addresses": merged(trunk["nets"])}
        for trunk in trunks
    ]
