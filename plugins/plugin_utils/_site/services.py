# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The services a PBX offers, and the plan of their ports (private to this collection).

SERVICES is the one registry the port plan, the firewall and fail2ban read: adding a
service touches this table only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ansible_collections.pbxguard.hardening.plugins.module_utils._ports import parse_port_range


@dataclass(frozen=True)
class Service:
    name: str
    port: int | str  # the default port or range
    protocol: str  # udp or tcp; openvpn's follows pbx_vpn_protocol
    sources: str  # who may reach it: sip, iax2, admin (allow-lists) or any
    jail: str | None  # the fail2ban jail that bans on its port
    world_limited: bool  # rate-limited per source when SIP is open to the world
    plaintext: bool  # a string match can read its payload (the scanner drop)


# In the order the firewall writes its rules.
SERVICES = (
    Service("sip_udp", 5060, "udp", "sip", "asterisk", True, True),
    Service("sip_tcp", 5060, "tcp", "sip", "asterisk", True, True),
    Service("sip_tls", 5061, "tcp", "sip", "asterisk", True, False),
    Service("rtp", "10000-20000", "udp", "sip", None, False, False),
    Service("iax2", 4569, "udp", "iax2", "iax2", False, False),
    Service("ssh", 22, "tcp", "admin", "sshd", False, False),
    Service("http", 80, "tcp", "admin", "web", False, False),
    Service("https", 443, "tcp", "admin", "web", False, False),
    Service("ami", 5038, "tcp", "admin", "ami", False, False),
    Service("openvpn", 1194, "udp", "any", None, False, False),
)
BY_NAME = {service.name: service for service in SERVICES}
PROTOCOLS = ("udp", "tcp")
# RTP and RTCP, for each of the two legs of a call.
RTP_PORTS_PER_CALL = 4
# Ports below 1024 are privileged and crowded with well-known services.
RTP_LOWEST_START = 1024


def label(name, entry):
    return f"{name} ({entry['protocol']} {entry['nft']})"


def plan_service(name, value, protocol=None):
    """One service's {protocol, start, end, count, iptables, nft}; ValueError names the fault.

    value is a port specification, or {port, protocol} for a service the registry does
    not know (or to override its protocol).
    """
    protocol = protocol or (BY_NAME[name].protocol if name in BY_NAME else None)
    spec = value
    if isinstance(value, bool):
        # "sip_tcp: false" reads like "off", but off is null here.
        raise ValueError(f"{value!r} is a boolean; give a port, or null to leave the service out")
    # {port: ..., protocol: ...} describes a service; {start, end} is a range.
    if isinstance(value, Mapping) and "port" in value:
        unknown = sorted(set(map(str, value)) - {"port", "protocol"})
        if unknown:
            raise ValueError(f"unknown keys {unknown}; a service takes port and protocol")
        spec = value["port"]
        # An explicit null protocol means "the default", like a missing one.
        if value.get("protocol") is not None:
            protocol = value["protocol"]
    if protocol is None:
        known = ", ".join(sorted(BY_NAME))
        raise ValueError(f"is not a known service ({known}); give its protocol, e.g. {{port: {spec!r}, protocol: udp}}")
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be udp or tcp, got {protocol!r}")
    return dict(protocol=protocol, **parse_port_range(spec))


def rtp_problem(entry, max_calls):
    """Why an RTP range cannot carry max_calls calls, or None."""
    if entry["start"] < RTP_LOWEST_START:
        return f"{label('rtp', entry)} starts below {RTP_LOWEST_START}; use unprivileged ports"
    needed = max_calls * RTP_PORTS_PER_CALL
    if entry["count"] < needed:
        return (
            f"{label('rtp', entry)} holds {entry['count']} ports, too few for {max_calls} calls:"
            f" {needed} ports are needed ({RTP_PORTS_PER_CALL} a call)"
        )
    return None


def overlaps(plan):
    """Every pair of services on one protocol whose ranges share a port."""
    names = list(plan)
    clashes = []
    for index, first in enumerate(names):
        for second in names[index + 1:]:
            one, two = plan[first], plan[second]
            if one["protocol"] == two["protocol"] and one["start"] <= two["end"] and two["start"] <= one["end"]:
                clashes.append(f"{label(first, one)} overlaps {label(second, two)}")
    return clashes


def read(ctx):
    """pbx_ports and pbx_max_calls: site['port_plan'] for the services in use."""
    problems = ctx.problems
    max_calls = ctx.int("pbx_max_calls", minimum=1, hint=" (the simultaneous calls the PBX must carry)")
    ports = ctx.mapping("pbx_ports", known=[service.name for service in SERVICES])
    vpn = ctx.site["vpn"]
    plan = {}
    for service in SERVICES:
        if service.name == "openvpn" and not vpn["enabled"]:
            continue
        value = (ports or {}).get(service.name, service.port)
        if value is None:
            continue
        protocol = vpn["protocol"] if service.name == "openvpn" else None
        try:
            plan[service.name] = plan_service(service.name, value, protocol)
        except ValueError as exc:
            problems.add(f"pbx_ports.{service.name}", str(exc))
    if "rtp" in plan and max_calls is not None:
        problem = rtp_problem(plan["rtp"], max_calls)
        if problem:
            # Widening does not help a range that starts below RTP_LOWEST_START.
            advice = "" if plan["rtp"]["start"] < RTP_LOWEST_START else "; widen pbx_ports.rtp or lower pbx_max_calls"
            problems.add("pbx_ports.rtp", problem + advice)
    for clash in overlaps(plan):
        problems.add("pbx_ports", f"{clash}; give each service its own port")
    if "ssh" not in plan and (ports or {}).get("ssh", 22) is None:
        problems.add(
            "pbx_ports.ssh",
            "is null, but the firewall always admits SSH from the controller and the admin networks"
            " so that nobody is locked out: give SSH its port",
        )
    ctx.site["max_calls"] = max_calls
    ctx.site["port_plan"] = plan
    ctx.site["services"] = {
        service.name: {
            "protocol": plan[service.name]["protocol"],
            "sources": service.sources,
            "jail": service.jail,
            "world_limited": service.world_limited,
            "plaintext": service.plaintext,
        }
        for service in SERVICES
        if service.name in plan
    }
