"""Inter-site trunks derived from the whole inventory: each branch office to its headquarters."""

import pytest

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import SiteError, build

LAN = {"pbx_lan_networks": ["10.1.0.0/24"]}
INVENTORY = {
    "hq": {"site_links_address": "192.0.2.10", "pbx_extensions": [{"number": "101", "networks": ["10.1.0.0/24"]}]},
    "north": {"site_links_hq": "hq", "site_links_address": "192.0.2.20",
              "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"]}]},
    "south": {"site_links_hq": "hq", "site_links_address": "2001:db8::30",
              "pbx_extensions": [{"number": 301, "networks": ["10.1.0.0/24"]}]},
    "lab": {},
}


def build_for(defaults, me, inventory=None, **changes):
    inventory = {name: dict(variables) for name, variables in (inventory or INVENTORY).items()}
    inventory.setdefault(me, {}).update(changes)
    return build({**LAN, **inventory[me]}, defaults, None, "", {"self": me, "hosts": inventory})


def problems_for(defaults, me, inventory=None, **changes):
    with pytest.raises(SiteError) as caught:
        build_for(defaults, me, inventory, **changes)
    return caught.value.problems


SECRET = {"hq": "Kx7RmQ2vTzN9wLp4HbY6cJ3sDf8GaE5u"}


def test_a_branch_links_to_its_headquarters(defaults):
    site = build_for(defaults, "north", trunks_secrets=SECRET)
    assert site["site_links"] == {"hq": "hq", "address": "192.0.2.20", "links": [{
        "name": "hq", "address": "192.0.2.10", "username": "north", "secret_host": "hq",
        "secret_name": "site_link_north", "numbers": ["101"], "reachable": True, "max_channels": 4}]}
    # The firewall admits the headquarters' IAX2, fail2ban never bans it.
    assert site["sources"]["iax2"] == {"ipv4": ["192.0.2.10/32"], "ipv6": []}
    assert "192.0.2.10/32" in site["fail2ban"]["ignoreip"]
    # The trunks role's peer, pinned to the address, answering the own numbers only.
    peer = site["trunks_role"]["iax2"]
    assert [(p["name"], p["host"], p["username"], p["acl"]["permit"]) for p in peer] == [
        ("hq", "192.0.2.10", "north", ["192.0.2.10/32"])]
    assert [t["dids"] for t in site["trunks"]] == [{"201": "201"}]
    # The headquarters' numbers, and only them, go through the link.
    assert [(r["name"], r["patterns"], r["trunks"]) for r in site["trunks_role"]["routes"]] == [
        ("site-hq", ["101"], ["hq"])]


def test_the_trunks_wait_for_the_link_secret(defaults):
    # The site_links role reads it from the headquarters' store and hands it to the trunks role.
    assert build_for(defaults, "north")["trunks_role"]["blockers"] == [
        "trunks_secrets.hq: is required: an IAX2 peer authenticates with it (md5); give the provider's secret (in a vault)"]


def test_the_headquarters_links_to_every_branch(defaults):
    site = build_for(defaults, "hq", trunks_secrets={"north": "Kx7RmQ2vTzN9wLp4HbY6cJ3sDf8GaE5u",
                                                     "south": "Pq8WnR3xUzM6vKt5JcX7bH2sGd9FaL4y"})
    links = site["site_links"]["links"]
    assert [(link["name"], link["address"], link["secret_name"], link["reachable"]) for link in links] == [
        ("north", "192.0.2.20", "site_link_north", False), ("south", "2001:db8::30", "site_link_south", False)]
    assert site["sources"]["iax2"] == {"ipv4": ["192.0.2.20/32"], "ipv6": ["2001:db8::30/128"]}
    assert [(r["name"], r["patterns"]) for r in site["trunks_role"]["routes"]] == [
        ("site-north", ["201"]), ("site-south", ["301"])]
    assert site["trunks_role"]["blockers"] == []


def test_a_provider_keeps_the_default_route(defaults):
    site = build_for(defaults, "north", pbx_trunks=[{"name": "itsp", "addresses": ["198.51.100.7"]}],
                     trunks_secrets=SECRET)
    assert [(r["name"], r["trunks"]) for r in site["trunks_role"]["routes"]] == [
        ("outbound", ["itsp"]), ("site-hq", ["hq"])]


def test_a_site_without_links_has_none(defaults):
    site = build_for(defaults, "lab")
    assert site["site_links"] == {"hq": None, "address": None, "links": []}
    assert site["trunks"] == []


@pytest.mark.parametrize(
    ("me", "changes", "expected"),
    [
        ("north", {"site_links_hq": "hq2"}, ["site_links_hq: 'hq2' is not a host of the inventory; did you mean hq?"]),
        ("north", {"site_links_hq": "headquarters"},
         ["site_links_hq: 'headquarters' is not a host of the inventory;"
          " name the headquarters' host as the inventory spells it"]),
        ("north", {"site_links_hq": "north"},
         ["site_links_hq: names this host itself (north); leave it empty on the headquarters"]),
        ("north", {"site_links_hq": "south"},
         ["site_links_hq: south is itself a branch (its site_links_hq is hq); a branch links to its headquarters,"
          " not to another branch"]),
        ("north", {"site_links_address": ""},
         ["site_links_address: is required: this site links to hq; give the address the other sites reach it at"]),
        ("north", {"site_links_address": "192.0.2.0/24"}, ["site_links_address: 192.0.2.0/24 is a network, not one address"]),
        ("north", {"pbx_extensions": [{"number": "101", "networks": ["10.1.0.0/24"]}]},
         ["pbx_extensions: 101 also is an extension of hq; linked sites dial each other by extension number,"
          " so give each site its own numbers"]),
        ("north", {"pbx_extensions": [{"number": "301", "networks": ["10.1.0.0/24"]}]},
         ["pbx_extensions: 301 also is an extension of south; linked sites dial each other by extension number,"
          " so give each site its own numbers"]),
        ("north", {"site_links_max_channels": 0},
         ["site_links_max_channels: 0 is below the minimum of 1; the calls the link carries at once"]),
        ("north", {"pbx_trunks": [{"name": "hq", "addresses": ["198.51.100.7"]}]},
         ["pbx_trunks: a trunk is named hq, like the site link to that host; rename the trunk"]),
    ],
    ids=["hq-typo", "hq-unknown", "hq-self", "hq-is-branch", "no-address", "address-network",
         "number-on-hq", "number-on-other-branch", "channels-0", "trunk-name-clash"],
)
def test_bad_links(defaults, me, changes, expected):
    assert problems_for(defaults, me, **changes) == expected


def test_the_headquarters_without_an_address(defaults):
    inventory = {**INVENTORY, "hq": {**INVENTORY["hq"], "site_links_address": ""}}
    assert problems_for(defaults, "north", inventory) == [
        "site_links_hq: hq has no usable site_links_address; give the headquarters the address its branches reach it at"]
    assert problems_for(defaults, "hq", inventory) == [
        "site_links_address: is required: this site links to north, south; give the address the other sites reach it at"]


def test_a_branch_that_is_named_as_headquarters(defaults):
    inventory = {**INVENTORY, "lab": {"site_links_hq": "north"}}
    assert problems_for(defaults, "north", inventory) == [
        "site_links_hq: this host is a branch of hq, but lab name it as their headquarters;"
        " a headquarters leaves site_links_hq empty"]


def test_the_health_gate_timeout(site, problems):
    assert site({"health_timeout": "20"})["health"] == {"timeout": 20}
    assert problems({"health_timeout": 601}) == [
        "health_timeout: 601 is above the maximum of 600 (seconds the health gate waits)"]
