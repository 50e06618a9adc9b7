# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Networks in the site model: read with their paths, merged, compared (private to this collection)."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._networks import (
    AnyAddressError,
    merge,
    netaddr,
    parse_cidr,
)
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._types import read_list

# Said instead of parse_cidr's "admits every address", which the model never allows.
WORLD_HINT = (
    "admits every address; SIP open to the world is pbx_sip_open_to_world: true"
    " (always rate-limited), never a network list"
)


def read_networks(problems, path, value, allow_any=False):
    """The entries of a list of addresses and CIDRs as netaddr networks; bad ones are named."""
    entries = read_list(problems, path, value)
    networks = [
        read_network(problems, f"{path}[{index}]", entry, allow_any) for index, entry in enumerate(entries or [])
    ]
    return [network for network in networks if network is not None]


def read_network(problems, path, value, allow_any=False):
    """One address or CIDR as a netaddr network, or None; the problem names path itself."""
    try:
        return parse_cidr(value, allow_any)
    except AnyAddressError:
        problems.add(path, f"{value!r} {WORLD_HINT}")
    except ValueError as exc:
        problems.add(path, str(exc))
    return None


def read_address(problems, path, value):
    """One address (not a network) as a netaddr network of one host, or None."""
    network = read_network(problems, path, value)
    if network is None:
        return None
    if network.size != 1:
        problems.add(path, f"{value} is a network, not one address")
        return None
    return network


def outside(candidates, allowed):
    """The candidates that the allowed networks do not contain entirely.

    The allowed networks are merged first: 10.0.0.0/24 lies inside 10.0.0.0/25 and 10.0.0.128/25.
    """
    merged_allowed = netaddr.cidr_merge(allowed)
    return [network for network in candidates if not any(network in net for net in merged_allowed)]


def overlapping(one, other):
    """The networks of one that share an address with a network of other."""
    return [a for a in one if any(a.version == b.version and (a in b or b in a) for b in other)]


def merged(networks):
    """{ipv4: [...], ipv6: [...]} of sorted, merged CIDR strings."""
    return merge(networks)


def admits_everyone(networks):
    """Whether merging made a network of every address (0.0.0.0/1 and 128.0.0.0/1)."""
    return any(text.endswith("/0") for family in merged(networks).values() for text in family)
