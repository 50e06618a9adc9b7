"""build() as a whole: the exact site of a full description, the defaults, unknown variables,
and every problem of a bad description at once."""

import copy

import pytest

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import SCHEMA_VERSION, SiteError, build
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.defaults import role_defaults

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

FULL_SOURCES = {
    # LAN halves merged; the two trunk hosts are not one aligned /31, so they stay apart.
    "sip": {
        "ipv4": ["10.9.0.0/24", "192.0.2.7/32", "192.0.2.8/32", "192.168.10.0/24", "198.51.100.64/27", "203.0.113.16/28"],
        "ipv6": ["fd00:10::/64"],
    },
    "iax2": {"ipv4": ["203.0.113.16/28"], "ipv6": ["2001:db8:1::7/128"]},
    "admin": {"ipv4": ["172.16.5.9/32", "192.168.10.0/28"], "ipv6": ["2001:db8:a::/48"]},
    "vpn": {"ipv4": ["10.9.0.0/24"], "ipv6": []},
    "trusted": {
        "ipv4": ["10.9.0.0/24", "172.16.5.9/32", "192.0.2.7/32", "192.0.2.8/32", "192.168.10.0/24",
                 "198.51.100.64/27", "203.0.113.16/28"],
        "ipv6": ["2001:db8:1::7/128", "2001:db8:a::/48", "fd00:10::/64"],
    },
}


def test_full_site_gives_the_exact_facts(site, port):
    built = site(FULL_SITE)
    assert built["schema_version"] == SCHEMA_VERSION == 1
    assert built["sources"] == FULL_SOURCES
    assert built["port_plan"] == {
        "sip_udp": port("udp", 5070),
        "sip_tcp": port("tcp", 5070),
        "sip_tls": port("tcp", 5071),
        "rtp": port("udp", 12000, 12399),
        "iax2": port("udp", 4569),
        "ssh": port("tcp", 22),
        "https": port("tcp", 443),
        "ami": port("tcp", 5038),
        "openvpn": port("tcp", 1195),
    }
    assert built["controller"] == {"address": "172.16.5.9", "family": 4}
    assert built["vpn"] == {"enabled": True, "network": "10.9.0.0/24", "protocol": "tcp"}
    assert built["max_calls"] == 100
    assert built["sip_open_to_world"] is False
    assert built["remote_sites"] == [
        {"name": "branch1", "networks": {"ipv4": ["203.0.113.16/28"], "ipv6": []}, "iax2": True},
        {"name": "branch2", "networks": {"ipv4": ["198.51.100.64/27"], "ipv6": []}, "iax2": False},
    ]
    assert built["trunks"] == [
        {"name": "itsp", "protocol": "pjsip", "max_channels": 2, "host": None, "port": 5060, "username": None,
         "registration": False, "provider_max_channels": None, "dids": {},
         "addresses": {"ipv4": ["192.0.2.7/32", "192.0.2.8/32"], "ipv6": []}},
        {"name": "iaxpeer", "protocol": "iax2", "max_channels": 4, "host": "2001:db8:1::7", "port": 4569,
         "username": "iaxpeer", "registration": False, "provider_max_channels": None, "dids": {},
         "addresses": {"ipv4": [], "ipv6": ["2001:db8:1::7/128"]}},
    ]
    assert built["extensions"] == [
        {"number": "201", "vpn_address": None, "permit": {"ipv4": ["192.168.10.0/26"], "ipv6": []}, "roaming": False},
        {"number": "202", "vpn_address": None, "permit": {"ipv4": [], "ipv6": ["fd00:10::/64"]}, "roaming": False},
        {"number": "301", "vpn_address": "10.9.0.10", "permit": {"ipv4": ["10.9.0.10/32"], "ipv6": []}, "roaming": False},
    ]
    assert built["warnings"] == []


def test_build_leaves_its_input_alone(defaults):
    variables = copy.deepcopy(FULL_SITE)
    frozen = copy.deepcopy(defaults)
    build(variables, defaults)
    assert (variables, defaults) == (FULL_SITE, frozen)


def test_defaults_and_controller_from_the_ssh_session(site, port):
    built = site(ssh_client="198.51.100.200 51000 22")
    empty = {"ipv4": [], "ipv6": []}
    assert built["sources"] == {
        "sip": {"ipv4": ["10.1.0.0/24"], "ipv6": []},
        "iax2": empty,
        "admin": {"ipv4": ["198.51.100.200/32"], "ipv6": []},
        "vpn": empty,
        "trusted": {"ipv4": ["10.1.0.0/24", "198.51.100.200/32"], "ipv6": []},
    }
    assert "openvpn" not in built["port_plan"]
    assert built["controller"] == {"address": "198.51.100.200", "family": 4}


def test_false_as_text_gives_the_same_site_as_false(site):
    as_text = site({**FULL_SITE, "pbx_sip_open_to_world": "false", "pbx_vpn_enabled": "false",
                    "pbx_extensions": FULL_SITE["pbx_extensions"][:2]})
    as_bool = site({**FULL_SITE, "pbx_sip_open_to_world": False, "pbx_vpn_enabled": False,
                    "pbx_extensions": FULL_SITE["pbx_extensions"][:2]})
    assert as_text == as_bool
    assert "openvpn" not in as_text["port_plan"]
    assert as_text["sources"]["vpn"] == {"ipv4": [], "ipv6": []}
    assert as_text["firewall"]["world"]["enabled"] is False
    assert as_text["sip_open_to_world"] is False


def test_defaults_come_from_the_defaults_given(defaults):
    changed = copy.deepcopy(defaults)
    changed["firewall"]["firewall_rollback_timeout"] = 99
    changed["pbx"]["pbx_lan_networks"] = ["10.7.0.0/16"]
    built = build({}, changed)
    assert built["firewall"]["rollback_timeout"] == 99
    assert built["sources"]["sip"] == {"ipv4": ["10.7.0.0/16"], "ipv6": []}


def test_role_defaults_reads_every_roles_defaults_file(tmp_path):
    for role, text in (("pbx", "pbx_a: 1\n"), ("firewall", "---\nfirewall_b: [x]\n"), ("empty", "---\n")):
        (tmp_path / role / "defaults").mkdir(parents=True)
        (tmp_path / role / "defaults" / "main.yml").write_text(text, encoding="utf-8")
    (tmp_path / "nodefaults" / "tasks").mkdir(parents=True)
    assert role_defaults(tmp_path) == {"empty": {}, "firewall": {"firewall_b": ["x"]}, "pbx": {"pbx_a": 1}}


def test_the_collection_s_roles_have_defaults(defaults):
    assert {"pbx", "firewall", "fail2ban"} <= set(defaults)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("pbx_lan_network", "did you mean pbx_lan_networks?"),
        ("firewall_backnd", "did you mean firewall_backend?"),
        ("fail2ban_bantim", "did you mean fail2ban_bantime?"),
        ("pbx_qqqqqqqqqqqqqqqq", "remove it or fix its spelling"),
        ("fail2ban_zzzzzzzzzzzzzzzzzz", "remove it or fix its spelling"),
    ],
    ids=["pbx", "firewall", "fail2ban", "pbx-no-close-match", "fail2ban-no-close-match"],
)
def test_unknown_variable(problems, name, hint):
    assert problems({name: 1}) == [f"{name}: unknown variable; {hint}"]


def test_other_variables_and_the_collection_s_facts_are_ignored(site):
    plain = site()
    assert site({"ansible_host": "x", "pbxguard": 1, "pbx_site": {"bogus": 1}, "pbx_host": "ignored"}) == plain


def test_every_problem_at_once_in_order(problems):
    assert problems({
        "pbx_lan_network": ["10.1.0.0/24"],
        "pbx_admin_networks": ["10.2.0.1/24"],
        "pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.7"], "max_channels": 0}],
        "pbx_vpn_enabled": "maybe",
        "pbx_ports": {"ssh": 5060},
        "pbx_extensions": [{"number": "2", "networks": ["10.1.0.0/24"]}],
        "firewall_rollback_timeout": 5,
        "fail2ban_maxretry": 0,
    }) == [
        "pbx_lan_network: unknown variable; did you mean pbx_lan_networks?",
        "pbx_admin_networks[0]: '10.2.0.1/24' has host bits set; did you mean '10.2.0.0/24'?",
        "pbx_trunks[0].max_channels: 0 is below the minimum of 1; 0 does not mean unlimited: give the trunk a cap"
        " of 1 or more (2 is the checklist's)",
        "pbx_vpn_enabled: text 'maybe' is not a boolean; write true or false",
        "pbx_ports: sip_tcp (tcp 5060) overlaps ssh (tcp 5060); give each service its own port",
        "pbx_extensions[0].number: '2' is not an extension number; use 2 to 8 digits",
        "firewall_rollback_timeout: 5 is below the minimum of 20 (seconds: the controller must reconnect"
        " before the rollback runs)",
        "fail2ban_maxretry: 0 is below the minimum of 1; with 0 fail2ban bans on nothing or on every line"
        " (3, 2 and 2 are the defaults)",
    ]


def test_site_error_message_is_every_problem_on_its_own_line():
    error = SiteError(["a: one", "b: two"])
    assert (str(error), error.problems) == ("a: one\nb: two", ["a: one", "b: two"])


# Variables that take any value, with the reason; none so far.
ANY_TYPE = {}


def test_every_default_variable_is_read(defaults):
    names = [name for role in defaults.values() for name in role]
    with pytest.raises(SiteError) as caught:
        build({name: {"bad": 1} for name in names}, defaults)
    paths = {problem.split(":", 1)[0] for problem in caught.value.problems}
    unread = [name for name in names if name not in ANY_TYPE
              and not any(path == name or path.startswith((f"{name}.", f"{name}[")) for path in paths)]
    assert unread == []
    # Each bad value is reported once.
    assert len(caught.value.problems) == len(set(caught.value.problems))
