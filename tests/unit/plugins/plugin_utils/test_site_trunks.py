"""Trunk providers: pinned addresses, a protocol, and a cap on simultaneous calls."""

import pytest

TRUNK = {"name": "itsp", "addresses": ["192.0.2.7"]}
CHANNELS_HINT = "; 0 does not mean unlimited: give the trunk a cap of 1 or more (2 is the checklist's)"


def test_trunk_defaults_and_sources(site):
    built = site({"pbx_lan_networks": [], "pbx_trunks": [
        TRUNK,
        {"name": "peer", "addresses": ["2001:db8:1::7"], "protocol": "iax2", "max_channels": "4"},
    ]})
    assert built["trunks"] == [
        {"name": "itsp", "protocol": "pjsip", "max_channels": 2, "host": "192.0.2.7", "port": 5060, "username": None,
         "registration": False, "provider_max_channels": None, "dids": {},
         "addresses": {"ipv4": ["192.0.2.7/32"], "ipv6": []}},
        {"name": "peer", "protocol": "iax2", "max_channels": 4, "host": "2001:db8:1::7", "port": 4569, "username": "peer",
         "registration": False, "provider_max_channels": None, "dids": {},
         "addresses": {"ipv4": [], "ipv6": ["2001:db8:1::7/128"]}},
    ]
    # A pjsip trunk is a SIP source (enough for the site to have one); an iax2 trunk only an IAX2 one.
    assert built["sources"]["sip"] == {"ipv4": ["192.0.2.7/32"], "ipv6": []}
    assert built["sources"]["iax2"] == {"ipv4": [], "ipv6": ["2001:db8:1::7/128"]}


@pytest.mark.parametrize(
    ("trunk", "expected"),
    [
        ({**TRUNK, "max_channel": 2},
         ["pbx_trunks[0].max_channel: unknown key; pbx_trunks[0] takes name, addresses, protocol, max_channels, host, port,"
          " username, registration, provider_max_channels, dids"]),
        ({"addresses": ["192.0.2.7"]}, ["pbx_trunks[0].name: is required"]),
        ({"name": "itsp"}, ["pbx_trunks[0].addresses: is required"]),
        ({**TRUNK, "addresses": []},
         ["pbx_trunks[0].addresses: is empty; list the provider's signalling and media addresses"]),
        ({**TRUNK, "max_channels": 0}, [f"pbx_trunks[0].max_channels: 0 is below the minimum of 1{CHANNELS_HINT}"]),
        ({**TRUNK, "max_channels": -1}, [f"pbx_trunks[0].max_channels: -1 is below the minimum of 1{CHANNELS_HINT}"]),
        ({**TRUNK, "max_channels": "0"}, [f"pbx_trunks[0].max_channels: 0 is below the minimum of 1{CHANNELS_HINT}"]),
        ({**TRUNK, "max_channels": True}, [f"pbx_trunks[0].max_channels: boolean True is not an integer{CHANNELS_HINT}"]),
        ({**TRUNK, "max_channels": None}, [f"pbx_trunks[0].max_channels: null is not an integer{CHANNELS_HINT}"]),
        ({**TRUNK, "protocol": "sip"}, ["pbx_trunks[0].protocol: 'sip' is not one of pjsip, iax2"]),
        ({**TRUNK, "protocol": ["pjsip"]}, ["pbx_trunks[0].protocol: list ['pjsip'] is not text"]),
        ({**TRUNK, "addresses": "192.0.2.7"}, ["pbx_trunks[0].addresses: text '192.0.2.7' is not a list; write [item, ...]"]),
        ({**TRUNK, "name": "it sp"},
         ["pbx_trunks[0].name: 'it sp' is not a usable name;"
          " use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit"]),
    ],
    ids=["unknown-key-max_channel", "no-name", "no-addresses", "empty-addresses", "channels-0", "channels-minus-1",
         "channels-text-0", "channels-true", "channels-null", "unknown-protocol", "protocol-list", "addresses-text",
         "bad-name"],
)
def test_bad_trunk(problems, trunk, expected):
    assert problems({"pbx_trunks": [trunk]}) == expected


def test_duplicate_trunk_names(problems):
    assert problems({"pbx_trunks": [TRUNK, {**TRUNK, "addresses": ["192.0.2.8"]}]}) == [
        "pbx_trunks[1].name: 'itsp' is used twice; rename the duplicate"
    ]
