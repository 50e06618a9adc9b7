"""Extensions: their numbers, and where each may register from."""

import pytest

VPN = {"pbx_vpn_enabled": True}
KEYS = "number, networks, vpn_address, roaming"


def test_extensions(site):
    built = site({
        **VPN,
        "pbx_lan_networks": ["10.1.0.0/24", "fd00:10::/64"],
        "pbx_trunks": [{"name": "t", "addresses": ["192.0.2.0/28"]}],
        "pbx_extensions": [
            {"number": "201", "networks": ["10.1.0.0/26", "10.1.0.64/26"]},
            {"number": 202, "networks": ["fd00:10::/64", "10.1.0.9"]},
            {"number": "0203", "networks": ["192.0.2.0/29"], "vpn_address": ""},
            {"number": "12345678", "vpn_address": "10.8.0.10"},
            {"number": "301", "vpn_address": "10.8.0.11", "networks": None},
        ],
    })
    assert built["extensions"] == [
        {"number": "201", "vpn_address": None, "permit": {"ipv4": ["10.1.0.0/25"], "ipv6": []}, "roaming": False},
        {"number": "202", "vpn_address": None, "permit": {"ipv4": ["10.1.0.9/32"], "ipv6": ["fd00:10::/64"]}, "roaming": False},
        {"number": "0203", "vpn_address": None, "permit": {"ipv4": ["192.0.2.0/29"], "ipv6": []}, "roaming": False},
        {"number": "12345678", "vpn_address": "10.8.0.10", "permit": {"ipv4": ["10.8.0.10/32"], "ipv6": []}, "roaming": False},
        {"number": "301", "vpn_address": "10.8.0.11", "permit": {"ipv4": ["10.8.0.11/32"], "ipv6": []}, "roaming": False},
    ]


OUTSIDE = (
    "is not inside pbx_lan_networks, pbx_remote_sites, pbx_trunks or the VPN, so the firewall would drop it."
    " Add the network there, or narrow the extension's networks"
)
NUMBER_HINT = "is not an extension number; use 2 to 8 digits"


@pytest.mark.parametrize(
    ("variables", "extensions", "expected"),
    [
        ({}, [{"number": "201", "network": ["10.1.0.0/24"]}],
         [f"pbx_extensions[0].network: unknown key; pbx_extensions[0] takes {KEYS}",
          "pbx_extensions[0]: needs networks (where it may register from) or the vpn_address of its phone"]),
        ({}, [{"networks": ["10.1.0.0/24"]}], ["pbx_extensions[0].number: is required"]),
        ({}, [{"number": "201"}],
         ["pbx_extensions[0]: needs networks (where it may register from) or the vpn_address of its phone"]),
        (VPN, [{"number": "201", "networks": ["10.1.0.0/24"], "vpn_address": "10.8.0.10"}],
         ["pbx_extensions[0]: has both networks and a vpn_address; give one of them"]),
        ({}, [{"number": "201", "networks": []}],
         ["pbx_extensions[0].networks: is empty; list the networks the extension may register from"]),
        ({}, [{"number": "201", "networks": ["10.1.0.0/23"]}], [f"pbx_extensions[0].networks: 10.1.0.0/23 {OUTSIDE}"]),
        ({}, [{"number": "201", "networks": ["10.1.0.0/24", "fd00::/64"]}],
         [f"pbx_extensions[0].networks: fd00::/64 {OUTSIDE}"]),
        ({}, [{"number": "201", "networks": ["10.1.0.5/24"]}],
         ["pbx_extensions[0].networks[0]: '10.1.0.5/24' has host bits set; did you mean '10.1.0.0/24'?"]),
        ({}, [{"number": "201", "networks": "10.1.0.0/24"}],
         ["pbx_extensions[0].networks: text '10.1.0.0/24' is not a list; write [item, ...]"]),
        ({}, [{"number": "301", "vpn_address": "10.8.0.10"}],
         ["pbx_extensions[0].vpn_address: 10.8.0.10 needs pbx_vpn_enabled: true and an address inside"
          " pbx_vpn_network (10.8.0.0/24)"]),
        (VPN, [{"number": "301", "vpn_address": "10.9.0.10"}],
         ["pbx_extensions[0].vpn_address: 10.9.0.10 needs pbx_vpn_enabled: true and an address inside"
          " pbx_vpn_network (10.8.0.0/24)"]),
        (VPN, [{"number": "301", "vpn_address": "10.8.0.0/30"}],
         ["pbx_extensions[0].vpn_address: 10.8.0.0/30 is a network, not one address"]),
        (VPN, [{"number": "301", "vpn_address": "10.8.0.300"}],
         ["pbx_extensions[0].vpn_address: '10.8.0.300' is not an IP address or CIDR"]),
        (VPN, [{"number": "301", "vpn_address": {"a": 1}}],
         ["pbx_extensions[0].vpn_address: dict {'a': 1} is not an address or CIDR string"]),
        ({}, [{"number": "1", "networks": ["10.1.0.0/24"]}], [f"pbx_extensions[0].number: '1' {NUMBER_HINT}"]),
        ({}, [{"number": "123456789", "networks": ["10.1.0.0/24"]}],
         [f"pbx_extensions[0].number: '123456789' {NUMBER_HINT}"]),
        ({}, [{"number": "20a", "networks": ["10.1.0.0/24"]}], [f"pbx_extensions[0].number: '20a' {NUMBER_HINT}"]),
        ({}, [{"number": " 201", "networks": ["10.1.0.0/24"]}], [f"pbx_extensions[0].number: ' 201' {NUMBER_HINT}"]),
        ({}, [{"number": -201, "networks": ["10.1.0.0/24"]}], [f"pbx_extensions[0].number: '-201' {NUMBER_HINT}"]),
        ({}, [{"number": True, "networks": ["10.1.0.0/24"]}], ["pbx_extensions[0].number: boolean True is not text"]),
        ({}, [{"number": 201.0, "networks": ["10.1.0.0/24"]}], ["pbx_extensions[0].number: float 201.0 is not text"]),
        ({}, ["201"], ["pbx_extensions[0]: text '201' is not a mapping"]),
    ],
    ids=["unknown-key-network", "no-number", "neither", "both", "empty-networks", "outside-sources",
         "other-family-outside", "host-bits", "networks-text", "vpn-off", "vpn-outside-pool", "vpn-network",
         "vpn-bad-address", "vpn-mapping", "number-too-short", "number-too-long", "number-letters",
         "number-space", "number-negative", "number-bool", "number-float", "entry-text"],
)
def test_bad_extension(problems, variables, extensions, expected):
    assert problems({**variables, "pbx_extensions": extensions}) == expected


def test_duplicate_numbers_as_text_and_integer(problems):
    assert problems({"pbx_extensions": [
        {"number": "201", "networks": ["10.1.0.0/24"]},
        {"number": "202", "networks": ["10.1.0.0/24"]},
        {"number": 201, "networks": ["10.1.0.0/25"]},
    ]}) == ["pbx_extensions[2].number: 201 is listed twice (also pbx_extensions[0]); each number once"]


# An extension may span networks the inventory lists in pieces (two halves of one /24).
def test_extension_network_across_adjacent_sources(site):
    built = site({
        "pbx_lan_networks": ["10.242.0.0/25"],
        "pbx_remote_sites": [{"name": "upstairs", "networks": ["10.242.0.128/25"]}],
        "pbx_extensions": [{"number": "201", "networks": ["10.242.0.0/24"]}],
    })
    assert built["extensions"][0]["permit"] == {"ipv4": ["10.242.0.0/24"], "ipv6": []}


WORLD = {"pbx_sip_open_to_world": True}
ROAMING_WARNING = (
    "extension 401 roams (roaming: true): it registers from any address. Its secret is all that"
    " stands between the world and its calls; each unlisted source gets a few guesses before fail2ban bans"
    " it. Prefer a fixed network, the VPN or a site link."
)


@pytest.mark.parametrize("roaming", [True, "true", "yes"], ids=["bool", "text", "yes"])
def test_roaming_extension_registers_from_anywhere_with_a_warning(site, roaming):
    built = site({**WORLD, "pbx_extensions": [{"number": "401", "roaming": roaming},
                                              {"number": "201", "networks": ["10.1.0.0/24"], "roaming": "false"}]})
    assert built["extensions"] == [
        {"number": "401", "vpn_address": None, "permit": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}, "roaming": True},
        {"number": "201", "vpn_address": None, "permit": {"ipv4": ["10.1.0.0/24"], "ipv6": []}, "roaming": False},
    ]
    assert built["roaming"] == {"numbers": ["401"], "expiration": 300, "admitted": 360}
    assert ROAMING_WARNING in built["warnings"]


def test_no_roaming_extension_no_warning(site):
    built = site({**WORLD, "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"], "roaming": None}]})
    assert built["roaming"] == {"numbers": [], "expiration": 300, "admitted": 360}
    assert not [warning for warning in built["warnings"] if "roams" in warning]


EXPIRATION_HINT = " (seconds a roaming phone's registration lasts; it re-registers before that)"


@pytest.mark.parametrize(
    ("variables", "extensions", "expected"),
    [
        ({}, [{"number": "401", "roaming": True}],
         ["pbx_extensions[0].roaming: is true, but pbx_sip_open_to_world is false: a roaming phone registers from"
          " addresses no allow-list holds. Set pbx_sip_open_to_world: true, or give the phone networks or a vpn_address"]),
        ({"pbx_sip_open_to_world": "false"}, [{"number": "401", "roaming": "true"}],
         ["pbx_extensions[0].roaming: is true, but pbx_sip_open_to_world is false: a roaming phone registers from"
          " addresses no allow-list holds. Set pbx_sip_open_to_world: true, or give the phone networks or a vpn_address"]),
        (WORLD, [{"number": "401", "roaming": True, "networks": ["10.1.0.0/24"]}],
         ["pbx_extensions[0]: has roaming: true and networks; a roaming extension registers from anywhere: give one of them"]),
        ({**WORLD, **VPN}, [{"number": "401", "roaming": True, "vpn_address": "10.8.0.10"}],
         ["pbx_extensions[0]: has roaming: true and vpn_address; a roaming extension registers from anywhere:"
          " give one of them"]),
        (WORLD, [{"number": "401", "roaming": "sometimes"}],
         ["pbx_extensions[0].roaming: text 'sometimes' is not a boolean; write true or false"]),
        (WORLD, [{"number": "401", "roaming": 1}],
         ["pbx_extensions[0].roaming: integer 1 is not a boolean; write true or false"]),
        ({**WORLD, "pbx_roaming_expiration": 59}, [{"number": "401", "roaming": True}],
         [f"pbx_roaming_expiration: 59 is below the minimum of 60{EXPIRATION_HINT}"]),
        ({**WORLD, "pbx_roaming_expiration": "1h"}, [{"number": "401", "roaming": True}],
         [f"pbx_roaming_expiration: text '1h' is not an integer{EXPIRATION_HINT}"]),
        ({**WORLD, "pbx_roaming_expiration": 3601}, [],
         [f"pbx_roaming_expiration: 3601 is above the maximum of 3600{EXPIRATION_HINT}"]),
    ],
    ids=["closed", "closed-as-text", "with-networks", "with-vpn", "roaming-word", "roaming-int", "expiration-short",
         "expiration-text", "expiration-long"],
)
def test_bad_roaming_extension(problems, variables, extensions, expected):
    assert problems({**variables, "pbx_extensions": extensions}) == expected
