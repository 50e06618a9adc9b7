# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: network_list
short_description: Validate, sort and merge a list of IP addresses and networks
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Check every entry of a list of IPv4 and IPv6 addresses and CIDR networks and return them
    split by family, sorted and merged into the fewest CIDRs (V(10.0.0.0/25) and
    V(10.0.0.128/25) become V(10.0.0.0/24)).
  - A bare address becomes a V(/32) or V(/128) network.
  - An entry that is not an address or C(address/prefix), a network with host bits set
    (V(10.0.0.1/24)) or, unless O(allow_any=true), V(0.0.0.0/0) or V(::/0) is an error that
    names the entry.
requirements:
  - netaddr (on the controller)
options:
  _input:
    description:
      - The addresses and CIDR networks. A single string is taken as a list of one;
        null or an empty string gives empty lists.
    type: list
    elements: str
    required: true
  allow_any:
    description:
      - Accept V(0.0.0.0/0) and V(::/0), which admit every address.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Merge the LAN networks
  ansible.builtin.debug:
    msg: "{{ ['10.0.0.128/25', '2001:db8::1', '10.0.0.0/25'] | pbxguard.hardening.network_list }}"
  # => {"ipv4": ["10.0.0.0/24"], "ipv6": ["2001:db8::1/128"]}

- name: A typo fails and names the entry
  ansible.builtin.debug:
    msg: "{{ ['10.0.0.1/24'] | pbxguard.hardening.network_list }}"
  # fails: network_list: '10.0.0.1/24' has host bits set; did you mean '10.0.0.0/24'?
"""

RETURN = r"""
_value:
  description: The networks by family, as sorted and merged CIDR strings.
  type: dict
  contains:
    ipv4:
      description: IPv4 networks.
      type: list
      elements: str
    ipv6:
      description: IPv6 networks.
      type: list
      elements: str
"""

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._networks import (
    as_entries,
    check_allow_any,
    merge,
    parse_network,
    require_netaddr,
)


def network_list(entries, allow_any=False):
    """Return {ipv4: [...], ipv6: [...]} as sorted, merged CIDR strings."""
    require_netaddr("network_list")
    check_allow_any("network_list", allow_any)
    networks = [parse_network("network_list", entry, allow_any) for entry in as_entries("network_list", entries, "the input")]
    return merge(networks)


class FilterModule:
    """Ansible filter network_list."""

    def filters(self):
        return {"network_list": network_list}
