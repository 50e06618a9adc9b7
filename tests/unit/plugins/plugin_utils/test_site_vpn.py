"""The OpenVPN pool: on or off, its own addresses, and its port."""

import pytest


@pytest.mark.parametrize("enabled", [True, "true", " Yes ", "on", "1"], ids=repr)
def test_vpn_on(site, port, enabled):
    built = site({"pbx_vpn_enabled": enabled})
    assert built["vpn"] == {"enabled": True, "network": "10.8.0.0/24", "protocol": "udp"}
    assert built["sources"]["vpn"] == {"ipv4": ["10.8.0.0/24"], "ipv6": []}
    assert built["port_plan"]["openvpn"] == port("udp", 1194)


def test_vpn_over_tcp_on_its_own_port(site, port):
    # An IPv6 pool is refused by the openvpn role's part of the model (test_site_openvpn.py).
    built = site({"pbx_vpn_enabled": True, "pbx_vpn_protocol": "tcp", "pbx_vpn_network": "10.9.0.0/24",
                  "pbx_ports": {"openvpn": 1195}})
    assert built["vpn"] == {"enabled": True, "network": "10.9.0.0/24", "protocol": "tcp"}
    assert built["port_plan"]["openvpn"] == port("tcp", 1195)


@pytest.mark.parametrize("enabled", [False, "false", "No", "off", "0"], ids=repr)
def test_vpn_off(site, enabled):
    built = site({"pbx_vpn_enabled": enabled})
    assert built["vpn"] == {"enabled": False, "network": "10.8.0.0/24", "protocol": "udp"}
    assert built["sources"]["vpn"] == {"ipv4": [], "ipv6": []}
    assert "openvpn" not in built["port_plan"]


def test_vpn_alone_is_a_sip_source(site):
    built = site({"pbx_lan_networks": [], "pbx_vpn_enabled": True})
    assert built["sources"]["sip"] == {"ipv4": ["10.8.0.0/24"], "ipv6": []}


@pytest.mark.parametrize(
    ("variables", "clash"),
    [
        ({"pbx_lan_networks": ["10.8.0.0/16"]}, "10.8.0.0/16 of pbx_lan_networks"),
        ({"pbx_admin_networks": ["10.8.0.5"]}, "10.8.0.5/32 of pbx_admin_networks"),
        ({"pbx_remote_sites": [{"name": "b", "networks": ["10.8.0.128/25"]}]}, "10.8.0.128/25 of pbx_remote_sites"),
        ({"pbx_trunks": [{"name": "t", "addresses": ["10.8.0.9"], "protocol": "iax2"}]}, "10.8.0.9/32 of pbx_trunks"),
    ],
    ids=["lan", "admin", "site", "trunk"],
)
def test_vpn_pool_must_be_its_own(problems, variables, clash):
    assert problems({"pbx_vpn_enabled": True, **variables}) == [
        f"pbx_vpn_network: 10.8.0.0/24 overlaps {clash}; give the VPN a pool of its own"
    ]


def test_vpn_pool_may_overlap_while_the_vpn_is_off(site):
    assert site({"pbx_lan_networks": ["10.8.0.0/16"]})["vpn"]["enabled"] is False


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"pbx_vpn_network": "10.8.0.1"},
         "pbx_vpn_network: 10.8.0.1/32 is one address; give the VPN's pool, e.g. 10.8.0.0/24"),
        ({"pbx_vpn_network": "10.8.0.1/24"},
         "pbx_vpn_network: '10.8.0.1/24' has host bits set; did you mean '10.8.0.0/24'?"),
        ({"pbx_vpn_network": ["10.8.0.0/24"]},
         "pbx_vpn_network: list ['10.8.0.0/24'] is not an address or CIDR string"),
        ({"pbx_vpn_network": None}, "pbx_vpn_network: NoneType None is not an address or CIDR string"),
        ({"pbx_vpn_protocol": "sctp"}, "pbx_vpn_protocol: 'sctp' is not one of udp, tcp"),
        ({"pbx_vpn_enabled": "enabled"}, "pbx_vpn_enabled: text 'enabled' is not a boolean; write true or false"),
    ],
    ids=["one-address", "host-bits", "list", "null", "bad-protocol", "bad-switch"],
)
def test_bad_vpn(problems, variables, expected):
    assert problems({"pbx_vpn_enabled": True, **variables} if "pbx_vpn_enabled" not in variables else variables) == [
        expected
    ]
