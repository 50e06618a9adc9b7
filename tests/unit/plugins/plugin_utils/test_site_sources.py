"""The allow-lists every layer shares, and the two ways a site description can admit everyone."""

import pytest

EVERYONE = "together admit every address; list narrower networks (SIP open to the world is pbx_sip_open_to_world: true)"
VARIABLES = {
    "sip": "pbx_lan_networks, pbx_remote_sites, pbx_trunks and pbx_vpn_network",
    "iax2": "pbx_remote_sites and pbx_trunks (IAX2)",
    "admin": "pbx_admin_networks and pbx_controller_address",
}
TRUSTED = (
    "pbx_lan_networks, pbx_admin_networks, pbx_remote_sites, pbx_trunks and pbx_vpn_network: together hold"
    " every address, so fail2ban would never ban anyone; list narrower networks"
)
NO_SIP = (
    "pbx_lan_networks: no source may reach SIP: pbx_lan_networks, pbx_remote_sites, pbx_trunks (pjsip) and the VPN"
    " are all empty and pbx_sip_open_to_world is false, so every phone would be cut off. This is"
    " usually a group_vars file that does not apply to this host: check the inventory's groups,"
    " or list the networks the phones use"
)


@pytest.mark.parametrize(
    ("variables", "groups"),
    [
        ({"pbx_lan_networks": ["0.0.0.0/1", "128.0.0.0/1"]}, ["sip"]),
        ({"pbx_lan_networks": ["10.1.0.0/24", "::/1", "8000::/1"]}, ["sip"]),
        ({"pbx_admin_networks": ["0.0.0.0/1", "128.0.0.0/1"]}, ["admin"]),
        ({"pbx_trunks": [{"name": "t", "addresses": ["0.0.0.0/1", "128.0.0.0/1"], "protocol": "iax2"}]},
         ["iax2"]),
        # Halves in two allow-lists: no service admits everyone, but nobody would ever be banned.
        ({"pbx_lan_networks": ["0.0.0.0/1"], "pbx_admin_networks": ["128.0.0.0/1"]}, ["trusted"]),
        ({"pbx_lan_networks": ["0.0.0.0/1"], "pbx_controller_address": "128.0.0.0/1"}, None),
    ],
    ids=["lan-halves", "lan-ipv6-halves", "admin-halves", "iax2-trunk-halves", "lan-and-admin-halves",
         "controller-is-never-a-network"],
)
def test_halves_that_merge_into_everything(problems, variables, groups):
    if groups is None:
        assert problems(variables) == ["pbx_controller_address: 128.0.0.0/1 is a network, not one address"]
    else:
        assert problems(variables) == [
            TRUSTED if group == "trusted" else f"{VARIABLES[group]}: {EVERYONE}" for group in groups
        ]


def test_no_sip_source(problems):
    assert problems({"pbx_lan_networks": [], "pbx_admin_networks": ["10.0.0.0/8"],
                     "pbx_trunks": [{"name": "t", "addresses": ["192.0.2.7"], "protocol": "iax2"}]}) == [NO_SIP]


@pytest.mark.parametrize(
    "variables",
    [
        {"pbx_remote_sites": [{"name": "b", "networks": ["203.0.113.16/28"]}]},
        {"pbx_trunks": [{"name": "t", "addresses": ["192.0.2.7"]}]},
        {"pbx_vpn_enabled": True},
    ],
    ids=["remote-site", "pjsip-trunk", "vpn"],
)
def test_any_sip_source_is_enough(site, variables):
    assert site({"pbx_lan_networks": [], **variables})["sources"]["sip"]["ipv4"]


@pytest.mark.parametrize("world", [True, "true", "YES"], ids=repr)
def test_open_to_the_world_needs_no_source_and_warns(site, world):
    built = site({"pbx_lan_networks": [], "pbx_sip_open_to_world": world})
    assert built["sip_open_to_world"] is True
    assert built["sources"]["sip"] == {"ipv4": [], "ipv6": []}
    assert built["warnings"] == [
        "pbx_sip_open_to_world is true. This weakens the host: SIP from any address is admitted,"
        " limited per source address, and known scanner User-Agents are dropped. Prefer the VPN"
        " (pbx_vpn_enabled) for roaming phones."
    ]


def test_bad_world_switch_is_reported_once(problems):
    assert problems({"pbx_lan_networks": [], "pbx_sip_open_to_world": "sometimes"}) == [
        "pbx_sip_open_to_world: text 'sometimes' is not a boolean; write true or false"
    ]


def test_trusted_is_every_source_merged(site):
    built = site({"pbx_lan_networks": ["10.1.0.0/25", "10.1.0.128/25"], "pbx_admin_networks": ["10.1.0.0/28"],
                  "pbx_trunks": [{"name": "t", "addresses": ["2001:db8::7"], "protocol": "iax2"}]},
                 ssh_client="198.51.100.200 51000 22")
    assert built["sources"] == {
        "sip": {"ipv4": ["10.1.0.0/24"], "ipv6": []},
        "iax2": {"ipv4": [], "ipv6": ["2001:db8::7/128"]},
        "admin": {"ipv4": ["10.1.0.0/28", "198.51.100.200/32"], "ipv6": []},
        "vpn": {"ipv4": [], "ipv6": []},
        "trusted": {"ipv4": ["10.1.0.0/24", "198.51.100.200/32"], "ipv6": ["2001:db8::7/128"]},
    }
