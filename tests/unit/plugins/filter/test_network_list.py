"""network_list: accepted forms, merging, sorting and every rejection."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.network_list import FilterModule, network_list
from ansible_collections.pbxguard.hardening.plugins.plugin_utils import _networks

EMPTY = {"ipv4": [], "ipv6": []}


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"network_list": network_list}


@pytest.mark.parametrize("entries", [None, "", [], ()])
def test_nothing_gives_empty_lists(entries):
    assert network_list(entries) == EMPTY


def test_single_string_is_a_list_of_one():
    assert network_list("192.168.1.0/24") == {"ipv4": ["192.168.1.0/24"], "ipv6": []}


def test_bare_addresses_become_host_networks():
    assert network_list(["10.0.0.1", "2001:db8::1"]) == {"ipv4": ["10.0.0.1/32"], "ipv6": ["2001:db8::1/128"]}


def test_halves_merge_into_one_network():
    assert network_list(["10.0.0.0/25", "10.0.0.128/25"]) == {"ipv4": ["10.0.0.0/24"], "ipv6": []}


def test_contained_and_duplicate_entries_merge():
    entries = ["10.0.0.0/16", "10.0.5.0/24", "10.0.0.7", "10.0.0.0/16"]
    assert network_list(entries) == {"ipv4": ["10.0.0.0/16"], "ipv6": []}


def test_sorted_by_address_and_split_by_family():
    entries = ["fd00::/8", "192.168.1.0/24", "10.1.0.0/16", "2001:db8::/32", "10.0.0.1"]
    assert network_list(entries) == {
        "ipv4": ["10.0.0.1/32", "10.1.0.0/16", "192.168.1.0/24"],
        "ipv6": ["2001:db8::/32", "fd00::/8"],
    }


def test_any_is_accepted_only_when_allowed():
    assert network_list(["0.0.0.0/0", "10.0.0.0/8", "::/0"], allow_any=True) == {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}


@pytest.mark.parametrize(
    "entry, message",
    [
        ("10.0.0.1/24", "'10.0.0.1/24' has host bits set; did you mean '10.0.0.0/24'\\?"),
        ("2001:db8::1/64", "'2001:db8::1/64' has host bits set; did you mean '2001:db8::/64'\\?"),
        ("0.0.0.0/0", "'0.0.0.0/0' admits every address; set allow_any=true if that is really meant"),
        ("::/0", "'::/0' admits every address; set allow_any=true if that is really meant"),
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IP address or CIDR: invalid IPNetwork 10.0.0.0/33"),
        ("::/129", "'::/129' is not an IP address or CIDR: invalid IPNetwork ::/129"),
        ("10.0.0.256", "'10.0.0.256' is not an IP address or CIDR: invalid IPNetwork 10.0.0.256"),
        ("10.1", "'10.1' is not an IP address or CIDR: invalid IPNetwork 10.1"),
        ("010.0.0.1", "'010.0.0.1' is not an IP address or CIDR: invalid IPNetwork 010.0.0.1"),
        ("pbx.example.com", "'pbx.example.com' is not an IP address or CIDR"),
        ("10.0.0.0/255.255.255.0", "'10.0.0.0/255.255.255.0' is not an IP address or CIDR"),
        ("10.0.0.0/08", "'10.0.0.0/08' is not an IP address or CIDR"),
        ("10.0.0.0/", "'10.0.0.0/' is not an IP address or CIDR"),
        (" 10.0.0.1", "' 10.0.0.1' is not an IP address or CIDR"),
        ("10.0.0.1\n", "'10.0.0.1\\\\n' is not an IP address or CIDR"),
        ("fe80::1%eth0", "'fe80::1%eth0' is not an IP address or CIDR"),
        ("", "'' is not an IP address or CIDR"),
        (10, "int 10 is not an address or CIDR string"),
        (None, "NoneType None is not an address or CIDR string"),
        (True, "bool True is not an address or CIDR string"),
        (["10.0.0.0/8"], "list \\['10.0.0.0/8'\\] is not an address or CIDR string"),
    ],
)
def test_rejected_entry_is_named(entry, message):
    # ansible-core 2.19 appends the message of the chained library error (netaddr's).
    with pytest.raises(AnsibleFilterError, match=f"^network_list: {message}$"):
        network_list(["192.168.1.0/24", entry])


@pytest.mark.parametrize(
    "entries, message",
    [
        ({"lan": "10.0.0.0/8"}, "the input must be a list of addresses or CIDRs, got dict \\{'lan': '10.0.0.0/8'\\}"),
        (10, "the input must be a list of addresses or CIDRs, got int 10"),
        (True, "the input must be a list of addresses or CIDRs, got bool True"),
    ],
)
def test_rejected_input(entries, message):
    with pytest.raises(AnsibleFilterError, match=f"^network_list: {message}$"):
        network_list(entries)


@pytest.mark.parametrize("allow_any", ["yes", 1, None])
def test_allow_any_must_be_a_bool(allow_any):
    with pytest.raises(AnsibleFilterError, match=f"^network_list: allow_any must be true or false, got {allow_any!r}$"):
        network_list([], allow_any=allow_any)


def test_library_error_is_chained():
    with pytest.raises(AnsibleFilterError) as caught:
        network_list(["10.0.0.300"])
    assert caught.value.__cause__ is not None


def test_missing_netaddr_is_reported(monkeypatch):
    # netaddr is installed here; take it away the way a controller without it would look.
    monkeypatch.setattr(_networks, "netaddr", None)
    monkeypatch.setattr(_networks, "NETADDR_IMPORT_ERROR", ImportError("No module named 'netaddr'"))
    with pytest.raises(AnsibleFilterError, match=r"^network_list: Failed to import the required Python library \(netaddr\)"):
        network_list(["10.0.0.0/8"])
