"""The firewall role's settings, and the ruleset view its templates draw."""

import pytest

SETTINGS = {
    "backend": "nftables",
    "rollback_timeout": 60,
    "sip_world_bytes": 2048,
    "log_rate": 10,
    "log_prefix": "pbxguard-drop: ",
    "config_dir": "/etc/pbxguard/firewall",
    "scanner_user_agents": ["friendly-scanner", "sipvicious", "sipcli", "VaxSIPUserAgent", "sundayddr",
                            "sip-scan", "iWar", "SIVuS", "smap"],
}


def test_default_settings(site):
    firewall = site()["firewall"]
    assert {key: firewall[key] for key in SETTINGS} == SETTINGS


def test_settings_from_text(site):
    firewall = site({"firewall_backend": "iptables", "firewall_rollback_timeout": "20", "firewall_sip_world_bytes": "4096",
                     "firewall_log_rate": " 3 ", "firewall_log_prefix": "x" * 28,
                     "firewall_config_dir": "/opt/fw-1/a.b_c", "firewall_scanner_user_agents": ["it's"]})["firewall"]
    assert {key: firewall[key] for key in SETTINGS} == {
        "backend": "iptables", "rollback_timeout": 20, "sip_world_bytes": 4096, "log_rate": 3,
        "log_prefix": "x" * 28, "config_dir": "/opt/fw-1/a.b_c", "scanner_user_agents": ["it's"],
    }


ROLLBACK_HINT = " (seconds: the controller must reconnect before the rollback runs)"
AGENT = "must be non-empty text without double quotes, backslashes or line breaks"
PREFIX = "must be 28 characters at most, without double quotes, backslashes or line breaks"
BYTES_HINT = " (bytes of SIP an unlisted source may send; a first registration needs about 2048)"
CONFIG_DIR = "must be an absolute path of letters, digits and _ . / - without '..'"


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"firewall_backend": "ufw"}, "firewall_backend: 'ufw' is not one of nftables, iptables"),
        ({"firewall_backend": "NFTABLES"}, "firewall_backend: 'NFTABLES' is not one of nftables, iptables"),
        ({"firewall_rollback_timeout": 19}, f"firewall_rollback_timeout: 19 is below the minimum of 20{ROLLBACK_HINT}"),
        ({"firewall_rollback_timeout": "soon"},
         f"firewall_rollback_timeout: text 'soon' is not an integer{ROLLBACK_HINT}"),
        ({"firewall_sip_world_bytes": 1024}, f"firewall_sip_world_bytes: 1024 is below the minimum of 2048{BYTES_HINT}"),
        ({"firewall_sip_world_bytes": 131072},
         f"firewall_sip_world_bytes: 131072 is above the maximum of 65536{BYTES_HINT}"),
        ({"firewall_sip_world_bytes": 2.5}, f"firewall_sip_world_bytes: float 2.5 is not an integer{BYTES_HINT}"),
        ({"firewall_sip_world_bytes": True}, f"firewall_sip_world_bytes: boolean True is not an integer{BYTES_HINT}"),
        ({"firewall_sip_world_bytes": 3000},
         "firewall_sip_world_bytes: 3000 is not a multiple of 1024 (iptables counts the budget in kilobytes); use 2048"),
        ({"firewall_log_rate": "-1"}, "firewall_log_rate: -1 is below the minimum of 1"),
        ({"firewall_scanner_user_agents": ['say "hi"']}, f"firewall_scanner_user_agents[0]: 'say \"hi\"' {AGENT}"),
        ({"firewall_scanner_user_agents": ["a\nb"]}, f"firewall_scanner_user_agents[0]: 'a\\nb' {AGENT}"),
        ({"firewall_scanner_user_agents": ["a\rb"]}, f"firewall_scanner_user_agents[0]: 'a\\rb' {AGENT}"),
        ({"firewall_scanner_user_agents": ["a\\b"]}, f"firewall_scanner_user_agents[0]: 'a\\\\b' {AGENT}"),
        ({"firewall_scanner_user_agents": [""]}, f"firewall_scanner_user_agents[0]: '' {AGENT}"),
        ({"firewall_scanner_user_agents": ["  "]}, f"firewall_scanner_user_agents[0]: '  ' {AGENT}"),
        ({"firewall_scanner_user_agents": [7]}, f"firewall_scanner_user_agents[0]: 7 {AGENT}"),
        ({"firewall_scanner_user_agents": "sipvicious"},
         "firewall_scanner_user_agents: text 'sipvicious' is not a list; write [item, ...]"),
        ({"firewall_log_prefix": "x" * 29}, f"firewall_log_prefix: {'x' * 29!r} {PREFIX}"),
        ({"firewall_log_prefix": 'a"b'}, f"firewall_log_prefix: 'a\"b' {PREFIX}"),
        ({"firewall_log_prefix": "a\nb"}, f"firewall_log_prefix: 'a\\nb' {PREFIX}"),
        ({"firewall_log_prefix": ["x"]}, "firewall_log_prefix: list ['x'] is not text"),
        ({"firewall_config_dir": "etc/pbxguard"}, f"firewall_config_dir: 'etc/pbxguard' {CONFIG_DIR}"),
        ({"firewall_config_dir": "/etc/pbx guard"}, f"firewall_config_dir: '/etc/pbx guard' {CONFIG_DIR}"),
        ({"firewall_config_dir": ""}, f"firewall_config_dir: '' {CONFIG_DIR}"),
        ({"firewall_config_dir": "/etc/../root"}, f"firewall_config_dir: '/etc/../root' {CONFIG_DIR}"),
    ],
    ids=["backend-unknown", "backend-case", "rollback-19", "rollback-word", "bytes-low", "bytes-high",
         "bytes-float", "bytes-bool", "bytes-not-kb", "log-rate-negative", "agent-quote", "agent-newline", "agent-return", "agent-backslash",
         "agent-empty", "agent-blank", "agent-int", "agents-text", "prefix-too-long", "prefix-quote",
         "prefix-newline", "prefix-list", "config-dir-relative", "config-dir-space", "config-dir-empty",
         "config-dir-dotdot"],
)
def test_bad_setting(problems, variables, expected):
    assert problems(variables) == [expected]


def test_sets_and_rules(site):
    firewall = site({"pbx_lan_networks": ["10.1.0.0/24", "fd00::/64"], "pbx_admin_networks": ["192.168.9.0/28"],
                     "pbx_ports": {"http": None, "rtp": "10000-10100"}, "pbx_max_calls": 10})["firewall"]
    assert firewall["sets"] == [
        {"name": "sip_v4", "ipset": "pbxguard-sip-v4", "family": 4, "networks": ["10.1.0.0/24"]},
        {"name": "sip_v6", "ipset": "pbxguard-sip-v6", "family": 6, "networks": ["fd00::/64"]},
        {"name": "iax2_v4", "ipset": "pbxguard-iax2-v4", "family": 4, "networks": []},
        {"name": "iax2_v6", "ipset": "pbxguard-iax2-v6", "family": 6, "networks": []},
        {"name": "admin_v4", "ipset": "pbxguard-admin-v4", "family": 4, "networks": ["192.168.9.0/28"]},
        {"name": "admin_v6", "ipset": "pbxguard-admin-v6", "family": 6, "networks": []},
    ]
    assert firewall["rules"] == [
        {"service": "sip_udp", "protocol": "udp", "source": "sip", "nft": "5060", "iptables": "5060"},
        {"service": "sip_tcp", "protocol": "tcp", "source": "sip", "nft": "5060", "iptables": "5060"},
        {"service": "sip_tls", "protocol": "tcp", "source": "sip", "nft": "5061", "iptables": "5061"},
        {"service": "rtp", "protocol": "udp", "source": "sip", "nft": "10000-10100", "iptables": "10000:10100"},
        {"service": "iax2", "protocol": "udp", "source": "iax2", "nft": "4569", "iptables": "4569"},
        {"service": "ssh", "protocol": "tcp", "source": "admin", "nft": "22", "iptables": "22"},
        {"service": "https", "protocol": "tcp", "source": "admin", "nft": "443", "iptables": "443"},
        {"service": "ami", "protocol": "tcp", "source": "admin", "nft": "5038", "iptables": "5038"},
    ]


def test_openvpn_rule_is_open_to_any_source(site):
    rules = site({"pbx_vpn_enabled": True})["firewall"]["rules"]
    assert rules[-1] == {"service": "openvpn", "protocol": "udp", "source": "any", "nft": "1194", "iptables": "1194"}


def test_world_view(site):
    world = site({"pbx_sip_open_to_world": True, "firewall_sip_world_bytes": 8192,
                  "pbx_ports": {"sip_udp": "5070-5071", "sip_tls": None}})["firewall"]["world"]
    assert world == {
        "enabled": True,
        # nftables: 256 bytes an hour plus a burst, together the budget; iptables: its slowest byte rate.
        "bytes": 8192,
        "nft_rate": 256,
        "nft_burst": 7936,
        "iptables_rate": "512b/s",
        "ports": {"udp": [{"nft": "5070-5071", "iptables": "5070:5071"}], "tcp": [{"nft": "5060", "iptables": "5060"}]},
        "plain_ports": {"udp": [{"nft": "5070-5071", "iptables": "5070:5071"}],
                        "tcp": [{"nft": "5060", "iptables": "5060"}]},
    }


def test_learned_registrants_get_sip_and_rtp_for_the_registration_and_a_minute(site):
    firewall = site({"pbx_sip_open_to_world": True, "pbx_roaming_expiration": 120, "pbx_ports": {"sip_tls": None},
                     "pbx_extensions": [{"number": "401", "roaming": True}]})["firewall"]
    assert firewall["learned"] == {
        "timeout": 180,
        "ports": {"udp": [{"nft": "5060", "iptables": "5060"}, {"nft": "10000-20000", "iptables": "10000:20000"}],
                  "tcp": [{"nft": "5060", "iptables": "5060"}]},
    }


@pytest.mark.parametrize("variables", [{}, {"pbx_sip_open_to_world": True}], ids=["closed", "world-no-roaming"])
def test_nothing_is_learned_without_a_roaming_extension(site, variables):
    assert site(variables)["firewall"]["learned"] is None


def test_tls_is_world_limited_but_never_string_matched(site):
    world = site({"pbx_sip_open_to_world": True})["firewall"]["world"]
    assert {"nft": "5061", "iptables": "5061"} in world["ports"]["tcp"]
    assert {"nft": "5061", "iptables": "5061"} not in world["plain_ports"]["tcp"]


@pytest.mark.parametrize(
    ("backend", "world", "files", "stale"),
    [
        ("nftables", False, ["pbxguard.nft"], ["ipsets", "rules.v4", "rules.v6", "scanner.v4", "scanner.v6"]),
        ("nftables", True, ["pbxguard.nft", "scanner.v4", "scanner.v6"], ["ipsets", "rules.v4", "rules.v6"]),
        ("iptables", False, ["ipsets", "rules.v4", "rules.v6"], ["pbxguard.nft", "scanner.v4", "scanner.v6"]),
        ("iptables", True, ["ipsets", "rules.v4", "rules.v6", "scanner.v4", "scanner.v6"], ["pbxguard.nft"]),
    ],
    ids=["nftables", "nftables-world", "iptables", "iptables-world"],
)
def test_files_per_backend(site, backend, world, files, stale):
    firewall = site({"firewall_backend": backend, "pbx_sip_open_to_world": world})["firewall"]
    assert (firewall["files"], firewall["stale_files"]) == (files, stale)


@pytest.mark.parametrize(
    ("ssh_client", "ssh", "expected"),
    [
        ("198.51.100.200 51000 22", 22, {"address": "198.51.100.200", "family": 4, "ssh": {"nft": "22", "iptables": "22"}}),
        ("2001:db8::200 51000 22", "2222-2223",
         {"address": "2001:db8::200", "family": 6, "ssh": {"nft": "2222-2223", "iptables": "2222:2223"}}),
        ("", 22, None),
    ],
    ids=["ipv4", "ipv6-on-a-range", "no-controller"],
)
def test_controller_rule(site, ssh_client, ssh, expected):
    assert site({"pbx_ports": {"ssh": ssh}}, ssh_client=ssh_client)["firewall"]["controller"] == expected


@pytest.mark.parametrize(
    ("backend", "packages"),
    [("nftables", ["nftables"]), ("iptables", ["iptables", "ipset"])],
    ids=["nftables", "iptables"],
)
def test_packages_per_backend(site, backend, packages):
    assert site({"firewall_backend": backend})["firewall"]["packages"] == packages
