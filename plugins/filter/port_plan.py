# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: port_plan
short_description: Check a PBX's service ports for clashes and RTP capacity
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Turn a dict of service names and port specifications into ranges with protocols, and fail
    on anything the firewall could not express safely.
  - Every overlap between two services on the same protocol is reported, by both names, in one
    error.
  - The C(rtp) range must start at 1024 or above and hold four ports a call (RTP and RTCP on
    both legs) for O(max_calls) calls.
options:
  _input:
    description:
      - A dict of service name to a port specification (anything
        P(pbxguard.hardening.port_range#filter) accepts), or to a dict with the keys C(port)
        (the specification) and C(protocol) (V(udp) or V(tcp)).
      - These names have a default protocol, so C(protocol) may be left out for them -
        C(sip_udp) udp, C(sip_tcp) tcp, C(sip_tls) tcp, C(rtp) udp, C(iax2) udp, C(ssh) tcp,
        C(http) tcp, C(https) tcp, C(ami) tcp, C(openvpn) udp. Any other name needs C(protocol).
      - A null value means the service is not used; it is left out of the result.
    type: dict
    required: true
  max_calls:
    description:
      - Simultaneous calls the RTP range must carry; each needs four ports.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Plan the ports of a PBX for 20 calls
  ansible.builtin.set_fact:
    pbx_port_plan: >-
      {{ {'sip_udp': 5060, 'rtp': '10000-20000', 'ssh': 22,
          'openvpn': {'port': 1194, 'protocol': 'tcp'}, 'iax2': none}
         | pbxguard.hardening.port_plan(max_calls=20) }}
  # => pbx_port_plan.rtp == {"protocol": "udp", "start": 10000, "end": 20000, "count": 10001,
  #                          "iptables": "10000:20000", "nft": "10000-20000"}
  # iax2 is left out.

- name: A clash fails with every overlap named
  ansible.builtin.debug:
    msg: "{{ {'sip_udp': 5060, 'rtp': '5000-20000'} | pbxguard.hardening.port_plan(max_calls=20) }}"
  # fails: port_plan: sip_udp (udp 5060) overlaps rtp (udp 5000-20000)
"""

RETURN = r"""
_value:
  description: A dict of service name to its ports, for each service that is used.
  type: dict
  contains:
    protocol:
      description: V(udp) or V(tcp).
      type: str
    start:
      description: First port.
      type: int
    end:
      description: Last port.
      type: int
    count:
      description: Number of ports.
      type: int
    iptables:
      description: The ports as C(iptables) writes them (V(10000:20000) or V(5060)).
      type: str
    nft:
      description: The ports as C(nftables) writes them (V(10000-20000) or V(5060)).
      type: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.services import (
    overlaps,
    plan_service,
    rtp_problem,
)


def _fail(message):
    return AnsibleFilterError(f"port_plan: {message}")


def port_plan(services, max_calls):
    """Return name -> {protocol, start, end, count, iptables, nft} for the services in use."""
    if not isinstance(services, Mapping):
        raise _fail(f"expected a dict of service name to port, got {type(services).__name__} {services!r}")
    if isinstance(max_calls, bool) or not isinstance(max_calls, int):
        raise _fail(f"max_calls must be an integer, got {type(max_calls).__name__} {max_calls!r}")
    if max_calls < 1:
        raise _fail(f"max_calls must be at least 1, got {max_calls}")

    plan = {}
    for name, value in services.items():
        if not isinstance(name, str) or not name:
            raise _fail(f"service names must be non-empty strings, got {name!r}")
        if value is None:
            continue
        try:
            plan[name] = plan_service(name, value)
        except ValueError as exc:
            # "from None": Ansible would append the cause's text, which the message already holds.
            raise _fail(f"{name}: {exc}" if not str(exc).startswith("is not a known") else f"{name} {exc}") from None

    if "rtp" in plan:
        problem = rtp_problem(plan["rtp"], max_calls)
        if problem:
            raise _fail(problem)
    clashes = overlaps(plan)
    if clashes:
        raise _fail("; ".join(clashes))
    return plan


class FilterModule:
    """Ansible filter port_plan."""

    def filters(self):
        return {"port_plan": port_plan}
