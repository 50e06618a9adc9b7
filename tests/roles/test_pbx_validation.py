"""The pbx role derives the exact sources, ports and controller from a good description,
and stops a bad one with a message that names the variable and the fix."""

import pytest

# Every part of the model at once: IPv4 and IPv6, sites with and without IAX2, trunks of
# both protocols, the VPN over TCP on its own port, moved and disabled ports, an RTP range
# exactly as large as pbx_max_calls needs, and extensions of every kind.
FULL_SITE = {
    "pbx_lan_networks": ["192.168.10.0/25", "192.168.10.128/25", "fd00:10::/64"],
    "pbx_admin_networks": ["192.168.10.0/28", "2001:db8:a::/48"],
    "pbx_remote_sites": [
        {"name": "branch1", "networks": ["203.0.113.16/28"], "iax2": True},
        {"name": "branch2", "networks": ["198.51.100.64/27"]},
    ],
    "pbx_trunks": [
        {"name": "itsp", "addresses": ["192.0.2.7", "192.0.2.8"]},
        {"name": "iaxpeer", "addresses": ["2001:db8:1::7"], "protocol": "iax2", "max_channels": 4},
    ],
    "pbx_vpn_enabled": True,
    "pbx_vpn_network": "10.9.0.0/24",
    "pbx_vpn_protocol": "tcp",
    "pbx_ports": {"sip_udp": 5070, "sip_tcp": 5070, "sip_tls": 5071, "rtp": "12000-12399", "openvpn": 1195, "http": None},
    "pbx_max_calls": 100,
    "pbx_extensions": [
        {"number": "201", "networks": ["192.168.10.0/26"]},
        {"number": 202, "networks": ["fd00:10::/64"]},
        {"number": "301", "vpn_address": "10.9.0.10"},
    ],
    "pbx_controller_address": "172.16.5.9",
}


def port(protocol, start, end=None):
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


DEFAULT_PORTS = {
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


def test_full_site_gives_the_exact_facts(run_pbx_role):
    run = run_pbx_role(FULL_SITE)
    assert run.rc == 0, run
    assert run.facts == {
        "pbx_sources": {
            # LAN halves merged; the two trunk hosts are not one aligned /31, so they stay apart.
            "sip": {
                "ipv4": [
                    "10.9.0.0/24",
                    "192.0.2.7/32",
                    "192.0.2.8/32",
                    "192.168.10.0/24",
                    "198.51.100.64/27",
                    "203.0.113.16/28",
                ],
                "ipv6": ["fd00:10::/64"],
            },
            "iax2": {"ipv4": ["203.0.113.16/28"], "ipv6": ["2001:db8:1::7/128"]},
            "admin": {"ipv4": ["172.16.5.9/32", "192.168.10.0/28"], "ipv6": ["2001:db8:a::/48"]},
            "vpn": {"ipv4": ["10.9.0.0/24"], "ipv6": []},
            "trusted": {
                "ipv4": [
                    "10.9.0.0/24",
                    "172.16.5.9/32",
                    "192.0.2.7/32",
                    "192.0.2.8/32",
                    "192.168.10.0/24",
                    "198.51.100.64/27",
                    "203.0.113.16/28",
                ],
                "ipv6": ["2001:db8:1::7/128", "2001:db8:a::/48", "fd00:10::/64"],
            },
        },
        "pbx_port_plan": {
            "sip_udp": port("udp", 5070),
            "sip_tcp": port("tcp", 5070),
            "sip_tls": port("tcp", 5071),
            "rtp": port("udp", 12000, 12399),
            "iax2": port("udp", 4569),
            "ssh": port("tcp", 22),
            "https": port("tcp", 443),
            "ami": port("tcp", 5038),
            "openvpn": port("tcp", 1195),
        },
        "pbx_controller": "172.16.5.9",
    }


def test_defaults_and_controller_from_the_ssh_session(run_pbx_role):
    run = run_pbx_role({"pbx_lan_networks": ["10.1.0.0/24"]}, env={"SSH_CLIENT": "198.51.100.200 51000 22"})
    assert run.rc == 0, run
    empty = {"ipv4": [], "ipv6": []}
    assert run.facts == {
        "pbx_sources": {
            "sip": {"ipv4": ["10.1.0.0/24"], "ipv6": []},
            "iax2": empty,
            "admin": {"ipv4": ["198.51.100.200/32"], "ipv6": []},
            "vpn": empty,
            "trusted": {"ipv4": ["10.1.0.0/24", "198.51.100.200/32"], "ipv6": []},
        },
        # The VPN is off: no OpenVPN port.
        "pbx_port_plan": DEFAULT_PORTS,
        "pbx_controller": "198.51.100.200",
    }


# name: (variables, phrases the final error must contain)
BAD_INPUTS = {
    "host bits set": (
        {"pbx_lan_networks": ["10.1.0.0/24", "192.168.10.5/24"]},
        ["pbx_lan_networks is invalid", "'192.168.10.5/24' has host bits set", "did you mean '192.168.10.0/24'?"],
    ),
    "any IPv4 in a network list": (
        {"pbx_lan_networks": ["10.1.0.0/24", "0.0.0.0/0"]},
        ["pbx_lan_networks holds 0.0.0.0/0 or ::/0", "pbx_sip_open_to_world: true", "never a network list"],
    ),
    "any IPv6 in trunk addresses": (
        {"pbx_trunks": [{"name": "itsp", "addresses": ["::/0"]}]},
        ["pbx_trunks addresses holds 0.0.0.0/0 or ::/0", "pbx_sip_open_to_world: true"],
    ),
    "overlapping ports": (
        {"pbx_ports": {"ssh": 5060}},
        ["pbx_ports is invalid", "sip_tcp (tcp 5060)", "overlaps", "ssh (tcp 5060)"],
    ),
    "RTP one port short for pbx_max_calls": (
        {"pbx_ports": {"rtp": "12000-12398"}, "pbx_max_calls": 100},
        ["pbx_ports is invalid", "rtp (udp 12000-12398) holds 399 ports, too few for 100 calls", "400 ports are needed"],
    ),
    "unknown key in pbx_ports": (
        {"pbx_ports": {"sip_udpp": 5070}},
        ["pbx_ports.sip_udpp", "Supported parameters include:", "sip_udp"],
    ),
    "misspelt variable": (
        {"pbx_lan_network": ["10.1.0.0/24"]},
        ["Unknown variable(s) pbx_lan_network:", "pbx_lan_networks", "Fix the spelling"],
    ),
    "unknown trunk protocol": (
        {"pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.7"], "protocol": "sip"}]},
        ["value of protocol must be one of: pjsip, iax2, got: sip found in pbx_trunks"],
    ),
    "duplicate site names": (
        {
            "pbx_remote_sites": [
                {"name": "branch1", "networks": ["203.0.113.16/28"]},
                {"name": "branch1", "networks": ["203.0.113.32/28"]},
            ]
        },
        ["pbx_remote_sites and pbx_trunks need unique names", "rename the duplicates"],
    ),
    "duplicate trunk names": (
        {
            "pbx_trunks": [
                {"name": "itsp", "addresses": ["192.0.2.7"]},
                {"name": "itsp", "addresses": ["192.0.2.8"]},
            ]
        },
        ["pbx_remote_sites and pbx_trunks need unique names", "rename the duplicates"],
    ),
    # A number written as a string and as an integer is still the same extension.
    "duplicate extension numbers": (
        {
            "pbx_lan_networks": ["10.1.0.0/24"],
            "pbx_extensions": [
                {"number": "201", "networks": ["10.1.0.0/24"]},
                {"number": 201, "networks": ["10.1.0.0/25"]},
            ],
        },
        ["pbx_extensions lists 201 more than once", "each number once"],
    ),
    "extension network outside the sources": (
        {"pbx_lan_networks": ["10.1.0.0/24"], "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/23"]}]},
        [
            "pbx_extensions entry 201: 10.1.0.0/23 is not inside pbx_lan_networks",
            "Add the network there, or narrow the extension's networks",
        ],
    ),
    "VPN extension with the VPN off": (
        {"pbx_extensions": [{"number": "301", "vpn_address": "10.8.0.10"}]},
        ["pbx_extensions entry 301: vpn_address 10.8.0.10 needs pbx_vpn_enabled: true"],
    ),
    "VPN extension outside the VPN": (
        {"pbx_vpn_enabled": True, "pbx_extensions": [{"number": "301", "vpn_address": "10.9.0.10"}]},
        ["pbx_extensions entry 301: vpn_address 10.9.0.10", "inside pbx_vpn_network (10.8.0.0/24)"],
    ),
    "invalid controller address": (
        {"pbx_controller_address": "10.1.0.300"},
        ["pbx_controller_address must be the one address", "'10.1.0.300' is not an IP address or CIDR"],
    ),
}


@pytest.mark.parametrize(("variables", "phrases"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_stops_the_play_and_says_how_to_fix_it(run_pbx_role, variables, phrases):
    run = run_pbx_role(variables)
    assert run.rc == 2, run
    assert run.facts is None, "the play went on past the role"
    for phrase in phrases:
        assert phrase in run.error


# The rescues must pass on the filter's own words, without Ansible's wrapping.
def test_bad_extension_network_message_has_no_ansible_internals(run_pbx_role):
    run = run_pbx_role(
        {"pbx_lan_networks": ["10.1.0.0/24"], "pbx_extensions": [{"number": "201", "networks": ["10.1.0.5/24"]}]}
    )
    assert run.rc == 2, run
    assert run.error == (
        "pbx_extensions holds an invalid network or vpn_address:"
        " network_list: '10.1.0.5/24' has host bits set; did you mean '10.1.0.0/24'?"
    )


def test_bad_controller_message_has_no_ansible_internals(run_pbx_role):
    run = run_pbx_role({"pbx_controller_address": "10.1.0.300"})
    assert run.rc == 2, run
    assert "Task failed" not in run.error
    assert "The filter plugin" not in run.error


def test_controller_network_is_refused(run_pbx_role):
    run = run_pbx_role({"pbx_controller_address": "10.1.0.0/24"})
    assert run.rc == 2, run
    assert "pbx_controller_address" in run.error
    assert "10.1.0.0/24 is a network, not one address" in run.error


def test_zero_max_calls_names_pbx_max_calls(run_pbx_role):
    run = run_pbx_role({"pbx_max_calls": 0})
    assert run.rc == 2, run
    assert run.error.startswith("pbx_max_calls must be at least 1")
