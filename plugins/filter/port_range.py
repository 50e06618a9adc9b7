# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: port_range
short_description: Parse a port or a port range
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Validate one port or one range of ports written in any of the usual forms and return its
    bounds, its size and its spelling for C(iptables) and C(nftables).
options:
  _input:
    description:
      - A port (V(5060) or V("5060")), a range as text (V("10000-20000") or V("10000:20000")),
        a list V([10000, 20000]) or a dict with the keys C(start) and C(end).
      - Ports are integers from 1 to 65535 and the start must not exceed the end.
        Booleans, floats and empty values are rejected.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: A single port
  ansible.builtin.debug:
    msg: "{{ 5060 | pbxguard.hardening.port_range }}"
  # => {"start": 5060, "end": 5060, "count": 1, "iptables": "5060", "nft": "5060"}

- name: The RTP range, written for iptables
  ansible.builtin.debug:
    msg: "--dport {{ ('10000-20000' | pbxguard.hardening.port_range).iptables }}"
  # => "--dport 10000:20000"
"""

RETURN = r"""
_value:
  description: The range.
  type: dict
  contains:
    start:
      description: First port.
      type: int
    end:
      description: Last port (the same as the first for a single port).
      type: int
    count:
      description: Number of ports in the range.
      type: int
    iptables:
      description: The range as C(iptables) writes it (V(10000:20000)), or the single port (V(5060)).
      type: str
    nft:
      description: The range as C(nftables) writes it (V(10000-20000)), or the single port (V(5060)).
      type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.module_utils._ports import parse_port_range


def port_range(spec):
    """Return start, end, count and the iptables/nft spellings of a port or range."""
    try:
        return parse_port_range(spec)
    except ValueError as exc:
        raise AnsibleFilterError(f"port_range: {exc}") from exc


class FilterModule:
    """Ansible filter port_range."""

    def filters(self):
        return {"port_range": port_range}
