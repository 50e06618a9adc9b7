"""The site's own networks: LAN, admins, remote sites, and the controller's address."""

import pytest

WORLD_HINT = (
    "admits every address; SIP open to the world is pbx_sip_open_to_world: true"
    " (always rate-limited), never a network list"
)

SITE = {"name": "branch1", "networks": ["203.0.113.16/28"]}


def test_lan_and_admin_networks_of_both_families_and_bare_addresses(site):
    built = site({"pbx_lan_networks": ["10.1.0.0/24", "fd00:10::/64", "10.2.0.7"],
                  "pbx_admin_networks": ["2001:db8::5", "192.168.9.0/28"]})
    assert built["sources"]["sip"] == {"ipv4": ["10.1.0.0/24", "10.2.0.7/32"], "ipv6": ["fd00:10::/64"]}
    assert built["sources"]["admin"] == {"ipv4": ["192.168.9.0/28"], "ipv6": ["2001:db8::5/128"]}


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"pbx_lan_networks": ["10.1.0.0/24", "192.168.10.5/24"]},
         ["pbx_lan_networks[1]: '192.168.10.5/24' has host bits set; did you mean '192.168.10.0/24'?"]),
        ({"pbx_admin_networks": ["10.1.0.300"]}, ["pbx_admin_networks[0]: '10.1.0.300' is not an IP address or CIDR"]),
        ({"pbx_admin_networks": ["10.1.0.0/255.255.255.0"]},
         ["pbx_admin_networks[0]: '10.1.0.0/255.255.255.0' is not an IP address or CIDR"]),
        ({"pbx_admin_networks": ["10.1.0.0/33"]}, ["pbx_admin_networks[0]: '10.1.0.0/33' is not an IP address or CIDR"]),
        ({"pbx_admin_networks": ["office"]}, ["pbx_admin_networks[0]: 'office' is not an IP address or CIDR"]),
        ({"pbx_admin_networks": [{"bad": 1}]}, ["pbx_admin_networks[0]: dict {'bad': 1} is not an address or CIDR string"]),
        ({"pbx_admin_networks": "10.1.0.0/24"}, ["pbx_admin_networks: text '10.1.0.0/24' is not a list; write [item, ...]"]),
    ],
    ids=["host-bits", "bad-octet", "netmask", "prefix-too-long", "hostname", "mapping-entry", "text-not-list"],
)
def test_bad_network_entries(problems, variables, expected):
    assert problems(variables) == expected


ANY_ADDRESS_PATHS = [
    ({"pbx_lan_networks": ["10.1.0.0/24", "{any}"]}, "pbx_lan_networks[1]"),
    ({"pbx_admin_networks": ["{any}"]}, "pbx_admin_networks[0]"),
    ({"pbx_remote_sites": [{"name": "b", "networks": ["{any}"]}]}, "pbx_remote_sites[0].networks[0]"),
    ({"pbx_trunks": [{"name": "t", "addresses": ["{any}"]}]}, "pbx_trunks[0].addresses[0]"),
    ({"pbx_extensions": [{"number": "201", "networks": ["{any}"]}]}, "pbx_extensions[0].networks[0]"),
    ({"fail2ban_ignoreip_extra": ["{any}"]}, "fail2ban_ignoreip_extra[0]"),
]


def fill(value, any_address):
    if isinstance(value, str):
        return value.replace("{any}", any_address)
    if isinstance(value, list):
        return [fill(item, any_address) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, any_address) for key, item in value.items()}
    return value


@pytest.mark.parametrize("any_address", ["0.0.0.0/0", "::/0"])
@pytest.mark.parametrize(("variables", "path"), ANY_ADDRESS_PATHS, ids=[path for dummy, path in ANY_ADDRESS_PATHS])
def test_any_address_is_refused_in_every_list(problems, variables, path, any_address):
    assert problems(fill(variables, any_address)) == [f"{path}: {any_address!r} {WORLD_HINT}"]


def test_remote_sites(site):
    built = site({"pbx_remote_sites": [
        {"name": "branch1", "networks": ["203.0.113.16/28", "203.0.113.32/28"], "iax2": "yes"},
        {"name": "branch.2_b-c", "networks": ["2001:db8:2::/48"]},
    ]})
    assert built["remote_sites"] == [
        {"name": "branch1", "networks": {"ipv4": ["203.0.113.16/28", "203.0.113.32/28"], "ipv6": []}, "iax2": True},
        {"name": "branch.2_b-c", "networks": {"ipv4": [], "ipv6": ["2001:db8:2::/48"]}, "iax2": False},
    ]
    # Only the site with iax2 may speak IAX2; /28s that are not one aligned /27 stay apart.
    assert built["sources"]["iax2"] == {"ipv4": ["203.0.113.16/28", "203.0.113.32/28"], "ipv6": []}


NAME_HINT = "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit"


@pytest.mark.parametrize(
    ("sites", "expected"),
    [
        ([{**SITE, "iax": True}],
         ["pbx_remote_sites[0].iax: unknown key; pbx_remote_sites[0] takes name, networks, iax2"]),
        ([{"networks": ["203.0.113.16/28"]}], ["pbx_remote_sites[0].name: is required"]),
        ([{"name": "b"}], ["pbx_remote_sites[0].networks: is required"]),
        ([{"name": "b", "networks": []}],
         ["pbx_remote_sites[0].networks: is empty; list the site's addresses or networks"]),
        ([SITE, {**SITE, "networks": ["203.0.113.32/28"]}],
         ["pbx_remote_sites[1].name: 'branch1' is used twice; rename the duplicate"]),
        ([{**SITE, "name": "-x"}], [f"pbx_remote_sites[0].name: '-x' is not a usable name; {NAME_HINT}"]),
        ([{**SITE, "name": "a b"}], [f"pbx_remote_sites[0].name: 'a b' is not a usable name; {NAME_HINT}"]),
        ([{**SITE, "name": "x" * 41}], [f"pbx_remote_sites[0].name: {'x' * 41!r} is not a usable name; {NAME_HINT}"]),
        ([{**SITE, "name": "a\nb"}], [f"pbx_remote_sites[0].name: 'a\\nb' is not a usable name; {NAME_HINT}"]),
        ([{**SITE, "name": {"a": 1}}], ["pbx_remote_sites[0].name: mapping {'a': 1} is not text"]),
        ([{**SITE, "iax2": "sometimes"}],
         ["pbx_remote_sites[0].iax2: text 'sometimes' is not a boolean; write true or false"]),
        (["branch1"], ["pbx_remote_sites[0]: text 'branch1' is not a mapping"]),
        ({"name": "b"}, ["pbx_remote_sites: mapping {'name': 'b'} is not a list; write [item, ...]"]),
    ],
    ids=["unknown-key-iax", "no-name", "no-networks", "empty-networks", "duplicate-name", "name-starts-with-dash",
         "name-with-space", "name-too-long", "name-with-newline", "name-mapping", "iax2-not-bool", "entry-text",
         "not-a-list"],
)
def test_bad_remote_sites(problems, sites, expected):
    assert problems({"pbx_remote_sites": sites}) == expected


def test_longest_usable_name(site):
    assert site({"pbx_remote_sites": [{**SITE, "name": "x" * 40}]})["remote_sites"][0]["name"] == "x" * 40


@pytest.mark.parametrize(
    ("address", "ssh_client", "expected"),
    [
        ("172.16.5.9", "", {"address": "172.16.5.9", "family": 4}),
        (" 172.16.5.9 ", "", {"address": "172.16.5.9", "family": 4}),
        ("172.16.5.9/32", "", {"address": "172.16.5.9", "family": 4}),
        ("2001:db8::9", "", {"address": "2001:db8::9", "family": 6}),
        ("172.16.5.9", "198.51.100.200 51000 22", {"address": "172.16.5.9", "family": 4}),
        ("", "198.51.100.200 51000 22", {"address": "198.51.100.200", "family": 4}),
        ("", "2001:db8::200 51000 22", {"address": "2001:db8::200", "family": 6}),
        ("", "", None),
    ],
    ids=["given", "given-with-spaces", "given-as-host-cidr", "given-ipv6", "given-wins-over-ssh",
         "from-ssh", "from-ssh-ipv6", "none"],
)
def test_controller(site, address, ssh_client, expected):
    built = site({"pbx_controller_address": address}, ssh_client=ssh_client)
    assert built["controller"] == expected
    assert built["warnings"] == []


def test_unusable_ssh_client_is_a_warning(site):
    built = site(ssh_client="localhost 51000 22")
    assert built["controller"] is None
    assert built["warnings"] == ["SSH_CLIENT names no address ('localhost'): set pbx_controller_address"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("10.1.0.300", "pbx_controller_address: '10.1.0.300' is not an IP address or CIDR"),
        ("10.1.0.0/24", "pbx_controller_address: 10.1.0.0/24 is a network, not one address"),
        ("10.1.0.5/24", "pbx_controller_address: '10.1.0.5/24' has host bits set; did you mean '10.1.0.0/24'?"),
        (["10.1.0.5"], "pbx_controller_address: list ['10.1.0.5'] is not text"),
        (True, "pbx_controller_address: boolean True is not text"),
    ],
    ids=["bad-octet", "network", "host-bits", "list", "bool"],
)
def test_bad_controller(problems, address, expected):
    assert problems({"pbx_controller_address": address}, ssh_client="198.51.100.200 51000 22") == [expected]
