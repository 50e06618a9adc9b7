"""The port plan: every port form, services turned off, and the plan's own checks."""

import pytest

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import services

KNOWN = "sip_udp, sip_tcp, sip_tls, rtp, iax2, ssh, http, https, ami, openvpn"


def test_default_plan(site, port):
    assert site()["port_plan"] == {
        "sip_udp": port("udp", 5060),
        "sip_tcp": port("tcp", 5060),
        "sip_tls": port("tcp", 5061),
        "rtp": port("udp", 10000, 20000),
        "iax2": port("udp", 4569),
        "ssh": port("tcp", 22),
        "http": port("tcp", 80),
        "https": port("tcp", 443),
        "ami": port("tcp", 5038),
    }


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        (2222, 2222, 2222),
        ("2222", 2222, 2222),
        (" 2222 ", 2222, 2222),
        ("2222-2223", 2222, 2223),
        ("2222:2223", 2222, 2223),
        (" 2222 - 2223 ", 2222, 2223),
        ([2222, 2223], 2222, 2223),
        (["2222", "2223"], 2222, 2223),
        ({"start": 2222, "end": 2223}, 2222, 2223),
        ({"port": "2222-2223"}, 2222, 2223),
        ({"port": 2222, "protocol": None}, 2222, 2222),
        ({"port": {"start": 2222, "end": 2222}, "protocol": "tcp"}, 2222, 2222),
    ],
    ids=["int", "text", "text-spaces", "dash-range", "colon-range", "range-spaces", "list", "list-of-text",
         "start-end", "service-mapping", "null-protocol-is-default", "service-mapping-with-range"],
)
def test_port_forms(site, port, spec, start, end):
    assert site({"pbx_ports": {"ssh": spec}})["port_plan"]["ssh"] == port("tcp", start, end)


def test_protocol_override(site, port):
    plan = site({"pbx_ports": {"sip_tls": {"port": 5061, "protocol": "udp"}}})["port_plan"]
    assert plan["sip_tls"] == port("udp", 5061)


@pytest.mark.parametrize("name", ["sip_udp", "sip_tcp", "sip_tls", "iax2", "http", "https", "ami", "rtp"])
def test_null_turns_a_service_off(site, name):
    built = site({"pbx_ports": {name: None}})
    assert name not in built["port_plan"]
    assert name not in built["services"]
    assert name not in [rule["service"] for rule in built["firewall"]["rules"]]


def test_null_pbx_ports_keeps_the_defaults(site):
    assert site({"pbx_ports": None})["port_plan"] == site()["port_plan"]


def test_services_view(site):
    assert site()["services"]["sip_udp"] == {
        "protocol": "udp", "sources": "sip", "jail": "asterisk", "world_limited": True, "plaintext": True,
    }
    assert list(site()["services"]) == [name for name in KNOWN.split(", ") if name != "openvpn"]


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ({"sip_udpp": 5070}, [f"pbx_ports.sip_udpp: unknown key; pbx_ports takes {KNOWN}"]),
        ({"sip_tcp": False},
         ["pbx_ports.sip_tcp: False is a boolean; give a port, or null to leave the service out"]),
        ({"ssh": 0}, ["pbx_ports.ssh: port 0 is out of range 1-65535"]),
        ({"ssh": 65536}, ["pbx_ports.ssh: port 65536 is out of range 1-65535"]),
        ({"ssh": "2223-2222"}, ["pbx_ports.ssh: start 2223 is greater than end 2222"]),
        ({"ssh": "ssh"}, ["pbx_ports.ssh: 'ssh' is not a port or a range like '10000-20000' or '10000:20000'"]),
        ({"ssh": 22.0}, ["pbx_ports.ssh: 22.0 is a float, not a port number"]),
        ({"ssh": [22]}, ["pbx_ports.ssh: a range list needs exactly 2 items [start, end], got 1"]),
        ({"ssh": {"port": 22, "proto": "tcp"}},
         ["pbx_ports.ssh: unknown keys ['proto']; a service takes port and protocol"]),
        ({"ssh": {"port": 22, "protocol": "sctp"}}, ["pbx_ports.ssh: protocol must be udp or tcp, got 'sctp'"]),
        ({"ssh": {"port": 22, "protocol": ["tcp"]}}, ["pbx_ports.ssh: protocol must be udp or tcp, got ['tcp']"]),
        ({"ssh": {"begin": 22}}, ["pbx_ports.ssh: a range dict needs exactly the keys start and end, got ['begin']"]),
        (["ssh"], ["pbx_ports: list ['ssh'] is not a mapping"]),
    ],
    ids=["unknown-service", "bool", "zero", "too-high", "reversed", "word", "float", "short-list",
         "unknown-service-key", "bad-protocol", "protocol-list", "bad-range-dict", "not-a-mapping"],
)
def test_bad_ports(problems, ports, expected):
    assert problems({"pbx_ports": ports}) == expected


def test_ssh_null_is_refused(problems):
    assert problems({"pbx_ports": {"ssh": None}}) == [
        "pbx_ports.ssh: is null, but the firewall always admits SSH from the controller and the admin networks"
        " so that nobody is locked out: give SSH its port"
    ]


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ({"ssh": 5060}, ["pbx_ports: sip_tcp (tcp 5060) overlaps ssh (tcp 5060); give each service its own port"]),
        ({"iax2": "19999-20001"},
         ["pbx_ports: rtp (udp 10000-20000) overlaps iax2 (udp 19999-20001); give each service its own port"]),
        ({"http": 443, "ami": 443},
         ["pbx_ports: http (tcp 443) overlaps https (tcp 443); give each service its own port",
          "pbx_ports: http (tcp 443) overlaps ami (tcp 443); give each service its own port",
          "pbx_ports: https (tcp 443) overlaps ami (tcp 443); give each service its own port"]),
    ],
    ids=["single-ports", "range", "three-ways"],
)
def test_overlapping_ports(problems, ports, expected):
    assert problems({"pbx_ports": ports}) == expected


def test_same_port_on_two_protocols_is_no_overlap(site):
    # sip_udp and sip_tcp share 5060 by default; openvpn over tcp on an udp port is fine too.
    assert site({"pbx_vpn_enabled": True, "pbx_vpn_protocol": "tcp", "pbx_ports": {"openvpn": 4569}})


def test_rtp_exactly_large_enough(site, port):
    built = site({"pbx_ports": {"rtp": "12000-12399"}, "pbx_max_calls": "100"})
    assert built["port_plan"]["rtp"] == port("udp", 12000, 12399)
    assert built["max_calls"] == 100


def test_rtp_one_port_short(problems):
    assert problems({"pbx_ports": {"rtp": "12000-12398"}, "pbx_max_calls": 100}) == [
        "pbx_ports.rtp: rtp (udp 12000-12398) holds 399 ports, too few for 100 calls:"
        " 400 ports are needed (4 a call); widen pbx_ports.rtp or lower pbx_max_calls"
    ]


def test_rtp_below_1024(problems):
    assert problems({"pbx_ports": {"rtp": "1023-2000"}}) == [
        "pbx_ports.rtp: rtp (udp 1023-2000) starts below 1024; use unprivileged ports"
    ]


def test_rtp_from_1024(site):
    assert site({"pbx_ports": {"rtp": "1024-2000"}})["port_plan"]["rtp"]["start"] == 1024


def test_rtp_off_skips_the_capacity_check(site):
    assert "rtp" not in site({"pbx_ports": {"rtp": None}, "pbx_max_calls": 100000})["port_plan"]


HINT = " (the simultaneous calls the PBX must carry)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, f"pbx_max_calls: 0 is below the minimum of 1{HINT}"),
        ("0", f"pbx_max_calls: 0 is below the minimum of 1{HINT}"),
        (True, f"pbx_max_calls: boolean True is not an integer{HINT}"),
        (20.5, f"pbx_max_calls: float 20.5 is not an integer{HINT}"),
        ("twenty", f"pbx_max_calls: text 'twenty' is not an integer{HINT}"),
    ],
    ids=["zero", "zero-text", "bool", "float", "word"],
)
def test_bad_max_calls(problems, value, expected):
    assert problems({"pbx_max_calls": value}) == [expected]


def test_plan_service_for_a_service_the_registry_does_not_know():
    assert services.plan_service("sips", {"port": 5062, "protocol": "tcp"})["protocol"] == "tcp"
    with pytest.raises(ValueError, match=r"^is not a known service \(ami, .*\); give its protocol, e\.g\. "
                                         r"\{port: 5062, protocol: udp\}$"):
        services.plan_service("sips", 5062)
