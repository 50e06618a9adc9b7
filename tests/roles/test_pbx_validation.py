"""The pbx role end to end, through the real ansible-playbook: the action plugin builds the
fact, text booleans from -e are read as booleans, and a bad description stops the play
with every problem named. The model's rules themselves are unit-tested in
tests/unit/plugins/plugin_utils/."""


def test_the_fact_reaches_the_play(run_pbx_role):
    run = run_pbx_role({
        "pbx_lan_networks": ["192.168.10.0/25", "192.168.10.128/25", "fd00:10::/64"],
        "pbx_extensions": [{"number": 201, "networks": ["192.168.10.0/26"]}],
        "pbx_controller_address": "172.16.5.9",
    })
    assert run.rc == 0, run
    site = run.facts
    assert site["schema_version"] == 1
    assert site["sources"]["sip"] == {"ipv4": ["192.168.10.0/24"], "ipv6": ["fd00:10::/64"]}
    assert site["controller"] == {"address": "172.16.5.9", "family": 4}
    assert site["extensions"] == [
        {"number": "201", "vpn_address": None, "permit": {"ipv4": ["192.168.10.0/26"], "ipv6": []}, "roaming": False}
    ]


def test_the_controller_comes_from_the_ssh_session(run_pbx_role):
    run = run_pbx_role({"pbx_lan_networks": ["10.1.0.0/24"]}, env={"SSH_CLIENT": "198.51.100.200 51000 22"})
    assert run.rc == 0, run
    assert run.facts["controller"] == {"address": "198.51.100.200", "family": 4}
    assert run.facts["sources"]["admin"] == {"ipv4": ["198.51.100.200/32"], "ipv6": []}


# What -e and AWX surveys pass: text. "false" must close what it names.
def test_text_false_from_extra_vars_is_false(run_pbx_role):
    run = run_pbx_role({
        "pbx_lan_networks": ["10.1.0.0/24"],
        "pbx_sip_open_to_world": "false",
        "pbx_vpn_enabled": "false",
        "pbx_controller_address": "10.1.0.9",
    })
    assert run.rc == 0, run
    assert run.facts["sip_open_to_world"] is False
    assert run.facts["firewall"]["world"]["enabled"] is False
    assert run.facts["vpn"]["enabled"] is False
    assert "openvpn" not in run.facts["port_plan"]
    assert run.facts["sources"]["vpn"] == {"ipv4": [], "ipv6": []}


def test_a_bad_description_stops_the_play_with_every_problem(run_pbx_role):
    run = run_pbx_role({
        "pbx_lan_networks": ["10.1.0.5/24"],
        "pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.7"], "max_channel": 2}],
        "pbx_sip_open_to_world": "maybe",
        "fail2ban_maxretry": 0,
    })
    assert run.rc == 2, run
    assert run.facts is None, "the play went on past the role"
    assert run.error.splitlines() == [
        "The site description has 4 problems:",
        "pbx_lan_networks[0]: '10.1.0.5/24' has host bits set; did you mean '10.1.0.0/24'?",
        "pbx_trunks[0].max_channel: unknown key; pbx_trunks[0] takes name, addresses, protocol, max_channels, host,"
        " port, username, registration, provider_max_channels, dids",
        "pbx_sip_open_to_world: text 'maybe' is not a boolean; write true or false",
        "fail2ban_maxretry: 0 is below the minimum of 1;"
        " with 0 fail2ban bans on nothing or on every line (3, 2 and 2 are the defaults)",
    ]
    assert "Task failed" not in run.error
