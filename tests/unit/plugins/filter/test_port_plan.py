"""port_plan: protocols, null services, overlaps and the RTP checks."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.port_plan import FilterModule, port_plan

# The role's defaults (roles/pbx/vars/main.yml).
DEFAULTS = {
    "sip_udp": 5060,
    "sip_tcp": 5060,
    "sip_tls": 5061,
    "rtp": "10000-20000",
    "iax2": 4569,
    "ssh": 22,
    "http": 80,
    "https": 443,
    "ami": 5038,
    "openvpn": 1194,
}


def entry(protocol, start, end=None):
    end = start if end is None else end
    single = start == end
    return {
        "protocol": protocol,
        "start": start,
        "end": end,
        "count": end - start + 1,
        "iptables": str(start) if single else f"{start}:{end}",
        "nft": str(start) if single else f"{start}-{end}",
    }


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"port_plan": port_plan}


def test_defaults_of_the_role_give_each_known_protocol():
    assert port_plan(DEFAULTS, max_calls=20) == {
        "sip_udp": entry("udp", 5060),
        "sip_tcp": entry("tcp", 5060),
        "sip_tls": entry("tcp", 5061),
        "rtp": entry("udp", 10000, 20000),
        "iax2": entry("udp", 4569),
        "ssh": entry("tcp", 22),
        "http": entry("tcp", 80),
        "https": entry("tcp", 443),
        "ami": entry("tcp", 5038),
        "openvpn": entry("udp", 1194),
    }


def test_null_service_is_left_out():
    assert port_plan({"sip_udp": 5060, "iax2": None, "openvpn": None}, max_calls=1) == {"sip_udp": entry("udp", 5060)}


def test_empty_plan():
    assert port_plan({}, max_calls=1) == {}


def test_service_dict_overrides_the_protocol():
    # The role passes openvpn this way when pbx_vpn_protocol is tcp.
    assert port_plan({"openvpn": {"port": 1194, "protocol": "tcp"}}, max_calls=1) == {"openvpn": entry("tcp", 1194)}


def test_service_dict_without_protocol_keeps_the_default():
    assert port_plan({"ssh": {"port": "2222"}}, max_calls=1) == {"ssh": entry("tcp", 2222)}


def test_null_protocol_keeps_the_default():
    assert port_plan({"ssh": {"port": 22, "protocol": None}}, max_calls=1) == {"ssh": entry("tcp", 22)}


def test_unknown_service_with_protocol():
    assert port_plan({"provisioning": {"port": [8088, 8089], "protocol": "tcp"}}, max_calls=1) == {
        "provisioning": entry("tcp", 8088, 8089)
    }


def test_range_dict_as_service_value():
    assert port_plan({"rtp": {"start": 10000, "end": 10079}}, max_calls=20) == {"rtp": entry("udp", 10000, 10079)}


def test_same_port_on_two_protocols_is_no_overlap():
    assert set(port_plan({"sip_udp": 5060, "sip_tcp": 5060}, max_calls=1)) == {"sip_udp", "sip_tcp"}


def test_adjacent_ranges_do_not_overlap():
    assert port_plan({"rtp": "10000-10079", "other": {"port": "10080-10100", "protocol": "udp"}}, max_calls=20)


def test_overlap_names_both_services():
    with pytest.raises(AnsibleFilterError, match=r"^port_plan: sip_udp \(udp 5060\) overlaps rtp \(udp 5000-20000\)$"):
        port_plan({"sip_udp": 5060, "rtp": "5000-20000"}, max_calls=20)


def test_every_overlap_is_reported_in_one_error():
    services = dict(DEFAULTS, rtp="4000-20000", ssh=5038, openvpn=5060)
    with pytest.raises(AnsibleFilterError) as caught:
        port_plan(services, max_calls=20)
    assert str(caught.value) == (
        "port_plan: sip_udp (udp 5060) overlaps rtp (udp 4000-20000); "
        "sip_udp (udp 5060) overlaps openvpn (udp 5060); "
        "rtp (udp 4000-20000) overlaps iax2 (udp 4569); "
        "rtp (udp 4000-20000) overlaps openvpn (udp 5060); "
        "ssh (tcp 5038) overlaps ami (tcp 5038)"
    )


def test_rtp_exactly_large_enough():
    assert port_plan({"rtp": "10000-10079"}, max_calls=20)["rtp"]["count"] == 80


def test_rtp_too_small_says_how_many_ports_are_needed():
    with pytest.raises(
        AnsibleFilterError,
        match=r"^port_plan: rtp \(udp 10000-10078\) holds 79 ports, too few for 20 calls: 80 ports are needed \(4 a call\)$",
    ):
        port_plan({"rtp": "10000-10078"}, max_calls=20)


def test_rtp_below_1024():
    with pytest.raises(AnsibleFilterError, match=r"^port_plan: rtp \(udp 1023-20000\) starts below 1024; use unprivileged ports$"):
        port_plan({"rtp": "1023-20000"}, max_calls=20)


def test_rtp_starting_at_1024_is_accepted():
    assert port_plan({"rtp": "1024-2000"}, max_calls=20)["rtp"]["start"] == 1024


@pytest.mark.parametrize(
    "services, message",
    [
        (["sip_udp"], r"expected a dict of service name to port, got list \['sip_udp'\]"),
        (None, "expected a dict of service name to port, got NoneType None"),
        (
            {"provisioning": 8088},
            r"provisioning is not a known service \(ami, http, https, iax2, openvpn, rtp, sip_tcp, sip_tls, sip_udp, ssh\);"
            r" give its protocol, e.g. \{port: 8088, protocol: udp\}",
        ),
        ({"provisioning": {"port": 8088}}, "provisioning is not a known service"),
        ({"ssh": {"port": 22, "protocol": "sctp"}}, "ssh: protocol must be udp or tcp, got 'sctp'"),
        ({"ssh": {"port": 22, "protocol": "TCP"}}, "ssh: protocol must be udp or tcp, got 'TCP'"),
        ({"ssh": {"port": 22, "protocol": ""}}, "ssh: protocol must be udp or tcp, got ''"),
        ({"ssh": {"port": 22, "protocol": 6}}, "ssh: protocol must be udp or tcp, got 6"),
        ({"ssh": {"port": 22, "proto": "tcp"}}, r"ssh: unknown keys \['proto'\]; a service takes port and protocol"),
        ({"ssh": True}, "ssh: True is a boolean; give a port, or null to leave the service out"),
        ({"sip_tcp": False}, "sip_tcp: False is a boolean; give a port, or null to leave the service out"),
        ({"ssh": {"port": True}}, "ssh: True is a boolean, not a port number"),
        ({"ssh": 0}, "ssh: port 0 is out of range 1-65535"),
        ({"ssh": {"port": None}}, "ssh: empty port specification"),
        ({"rtp": "20000-10000"}, "rtp: start 20000 is greater than end 10000"),
        ({5060: 5060}, "service names must be non-empty strings, got 5060"),
        ({"": 5060}, "service names must be non-empty strings, got ''"),
    ],
)
def test_rejections(services, message):
    with pytest.raises(AnsibleFilterError, match=f"^port_plan: {message}"):
        port_plan(services, max_calls=20)


@pytest.mark.parametrize(
    "max_calls, message",
    [
        (True, "max_calls must be an integer, got bool True"),
        ("20", "max_calls must be an integer, got str '20'"),
        (20.0, "max_calls must be an integer, got float 20.0"),
        (None, "max_calls must be an integer, got NoneType None"),
        (0, "max_calls must be at least 1, got 0"),
        (-5, "max_calls must be at least 1, got -5"),
    ],
)
def test_max_calls_rejections(max_calls, message):
    with pytest.raises(AnsibleFilterError, match=f"^port_plan: {message}$"):
        port_plan(DEFAULTS, max_calls=max_calls)


def test_max_calls_is_required():
    with pytest.raises(TypeError):
        port_plan(DEFAULTS)  # pylint: disable=no-value-for-parameter
