# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: networks_not_within
short_description: List the networks that lie outside a set of allowed networks
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Return the candidate entries, as they were given and in their order, that are not
    entirely inside one network of O(allowed). An empty result means every candidate is covered.
  - Both lists are validated like P(pbxguard.hardening.network_list#filter) does.
  - Used for checks across settings, such as "every extension network lies inside an admitted
    source".
requirements:
  - netaddr (on the controller)
options:
  _input:
    description:
      - The candidate addresses and CIDR networks. A single string is taken as a list of one;
        null or an empty string as an empty list.
    type: list
    elements: str
    required: true
  allowed:
    description:
      - The networks the candidates must lie in. A single string is taken as a list of one;
        null or an empty string as an empty list, which leaves every candidate outside.
    type: list
    elements: str
    required: true
  allow_any:
    description:
      - Accept V(0.0.0.0/0) and V(::/0) in either list.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Every extension network must be inside the admitted SIP sources
  ansible.builtin.assert:
    that: >-
      ['192.168.1.0/24', '10.9.0.5']
      | pbxguard.hardening.networks_not_within(['192.168.0.0/16', '10.8.0.0/24'])
      | length == 0
  # fails: 10.9.0.5 is outside; the filter returned ["10.9.0.5"]
"""

RETURN = r"""
_value:
  description: The candidate entries, unchanged and in input order, that no allowed network contains.
  type: list
  elements: str
"""

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._networks import (
    as_entries,
    check_allow_any,
    parse_network,
    require_netaddr,
)


def networks_not_within(candidates, allowed, allow_any=False):
    """Return the candidates that no network of allowed contains entirely."""
    name = "networks_not_within"
    require_netaddr(name)
    check_allow_any(name, allow_any)
    allowed_networks = [parse_network(name, entry, allow_any) for entry in as_entries(name, allowed, "allowed")]
    outside = []
    for entry in as_entries(name, candidates, "the input"):
        network = parse_network(name, entry, allow_any)
        # IPNetwork's "in" is containment of the whole network, and False across families.
        if not any(network in allowed_network for allowed_network in allowed_networks):
            outside.append(entry)
    return outside


class FilterModule:
    """Ansible filter networks_not_within."""

    def filters(self):
        return {"networks_not_within": networks_not_within}
