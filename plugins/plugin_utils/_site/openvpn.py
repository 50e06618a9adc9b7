# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The openvpn role's settings, and the server and phones it draws.

The VPN phones are the extensions of pbx_extensions bound to a vpn_address: each gets a
certificate named after its extension, its fixed address pushed from client-config-dir and
a profile on the controller. A phone listed in openvpn_revoked_phones gets none of that,
and its certificate goes into the CRL.
"""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._networks import netaddr
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types

# AEAD ciphers with 128-bit keys or more: the floor. CBC and 64-bit block ciphers (BF-CBC)
# are below it: no integrity of their own, SWEET32.
CIPHERS = ("AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305")
TLS_VERSIONS = ("1.2", "1.3")
NUMBER = re.compile(r"^[0-9]{2,8}$")
# What a phone dials: a DNS name or an address.
REMOTE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$")
PATH = re.compile(r"^/[A-Za-z0-9_./ -]+$")
PROTOCOLS = {"udp": {"server": "udp", "client": "udp"}, "tcp": {"server": "tcp-server", "client": "tcp-client"}}


def read_cipher(ctx):
    cipher = ctx.str("openvpn_cipher", allow_empty=False)
    if cipher is not None and cipher.upper() not in CIPHERS:
        ctx.problems.add("openvpn_cipher", f"{cipher!r} is below the floor; use one of {', '.join(CIPHERS)}"
                         " (AEAD ciphers only)")
        return None
    return cipher.upper() if cipher else None


def read_tls_version(ctx):
    value = ctx.vars.get("openvpn_tls_version_min")
    # YAML reads 1.2 as a number: take its text, never its truth.
    if isinstance(value, float):
        value = str(value)
    version = _types.read_str(ctx.problems, "openvpn_tls_version_min", value)
    if version is not None and version not in TLS_VERSIONS:
        ctx.problems.add("openvpn_tls_version_min", f"{version!r} is below the floor; use 1.2 or 1.3")
        return None
    return version


def read_revoked(ctx):
    revoked = []
    for index, entry in enumerate(ctx.list("openvpn_revoked_phones") or []):
        path = f"openvpn_revoked_phones[{index}]"
        number = _types.read_str(ctx.problems, path, entry)
        if number is not None and not NUMBER.match(number):
            ctx.problems.add(path, f"{number!r} is not an extension number; list the numbers of the phones to revoke")
            continue
        if number is not None and number not in revoked:
            revoked.append(number)
    return revoked


def optional_str(ctx, name):
    """Text, or None when the inventory leaves it unset (null or empty)."""
    value = ctx.vars.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return ctx.str(name)


def read_settings(ctx):
    settings = {
        "cipher": read_cipher(ctx),
        "tls_version_min": read_tls_version(ctx),
        "remote": optional_str(ctx, "openvpn_remote"),
        "profiles_dir": optional_str(ctx, "openvpn_profiles_dir"),
        "certificate_days": ctx.int("openvpn_certificate_days", minimum=30, maximum=36500, hint=" (days)"),
        "keepalive": ctx.int("openvpn_keepalive", minimum=5, maximum=3600, hint=" (seconds between pings)"),
        "revoked": read_revoked(ctx),
    }
    remote = settings["remote"]
    if remote and not REMOTE.match(remote):
        ctx.problems.add("openvpn_remote", f"{remote!r} is not a host name or an address")
    directory = settings["profiles_dir"]
    if directory and not PATH.match(directory):
        ctx.problems.add("openvpn_profiles_dir", f"{directory!r} must be an absolute path on the controller"
                         " (letters, digits, spaces and _ . / -)")
    return settings


def server_of(ctx, network):
    """The server's own address (the pool's first) and netmask, or None for a pool it cannot use."""
    if network.version != 4:
        ctx.problems.add("pbx_vpn_network", f"{network} is IPv6; the openvpn role needs an IPv4 pool for its phones")
        return None
    if network.prefixlen > 29:
        ctx.problems.add("pbx_vpn_network", f"{network} is too small for a server and its phones; use a /29 or larger")
        return None
    return {"address": str(netaddr.IPAddress(network.first + 1)), "netmask": str(network.netmask)}


def read_phones(ctx, network, server, revoked):
    phones = []
    seen = {}
    for extension in ctx.site["extensions"]:
        address = extension["vpn_address"]
        if address is None:
            continue
        number = extension["number"]
        ip = netaddr.IPAddress(address)
        path = f"pbx_extensions (extension {number}).vpn_address"
        if address in seen:
            ctx.problems.add(path, f"{address} is also the address of extension {seen[address]}; give each phone its own")
            continue
        seen[address] = number
        if server is not None and (ip in (network.network, network.broadcast) or address == server["address"]):
            ctx.problems.add(path, f"{address} is the VPN's network, broadcast or server address"
                             f" ({server['address']}); give the phone another address of {network}")
            continue
        if number not in revoked:
            phones.append({"number": number, "name": f"phone-{number}", "address": address})
    return phones


def read(ctx):
    settings = read_settings(ctx)
    vpn = ctx.site["vpn"]
    section = settings | {"enabled": vpn["enabled"], "phones": [], "revoked": [], "missing": []}
    if not vpn["enabled"] or not ctx.nets["vpn"]:
        ctx.site["openvpn"] = section
        return
    network = ctx.nets["vpn"][0]
    server = server_of(ctx, network)
    phones = read_phones(ctx, network, server, settings["revoked"])
    # Needed only where the openvpn role runs: its first task (and harden.yml's check) stops on these.
    missing = []
    if phones and not settings["remote"]:
        missing.append("openvpn_remote: is not set; give the name or address the phones reach the PBX at")
    if phones and not settings["profiles_dir"]:
        missing.append("openvpn_profiles_dir: is not set; name the folder on the controller for the phones' profiles")
    plan = ctx.site["port_plan"].get("openvpn")
    if plan and plan["count"] != 1:
        ctx.problems.add("pbx_ports.openvpn", f"{plan['nft']} is a range; the server listens on one port")
    ctx.site["openvpn"] = section | {
        "server": server,
        "network": str(network),
        "port": plan["start"] if plan else None,
        "protocol": PROTOCOLS[vpn["protocol"]],
        "phones": phones,
        "revoked": [{"number": number, "name": f"phone-{number}"} for number in settings["revoked"]],
        "missing": missing,
    }
