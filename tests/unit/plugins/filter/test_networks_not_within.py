"""networks_not_within: containment across families, entries returned as given."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.networks_not_within import (
    FilterModule,
    networks_not_within,
)

ALLOWED = ["192.168.0.0/16", "10.8.0.0/24", "2001:db8::/32"]


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"networks_not_within": networks_not_within}


def test_everything_inside_gives_an_empty_list():
    assert networks_not_within(["192.168.1.0/24", "10.8.0.5", "2001:db8:1::/48", "192.168.0.0/16"], ALLOWED) == []


def test_outside_entries_are_returned_as_given_in_input_order():
    candidates = ["10.9.0.5", "192.168.1.0/24", "192.0.0.0/8", "2001:db9::1", "10.8.0.0/23"]
    assert networks_not_within(candidates, ALLOWED) == ["10.9.0.5", "192.0.0.0/8", "2001:db9::1", "10.8.0.0/23"]


def test_a_network_split_over_two_allowed_halves_is_not_inside_one():
    # "Entirely inside some network": halves are separate networks here, not merged.
    assert networks_not_within(["10.0.0.0/24"], ["10.0.0.0/25", "10.0.0.128/25"]) == ["10.0.0.0/24"]


def test_families_never_contain_each_other():
    assert networks_not_within(["::ffff:192.168.1.1"], ["192.168.0.0/16"]) == ["::ffff:192.168.1.1"]


def test_nothing_allowed_leaves_every_candidate_outside():
    assert networks_not_within(["10.0.0.1"], []) == ["10.0.0.1"]
    assert networks_not_within(["10.0.0.1"], None) == ["10.0.0.1"]


def test_single_strings_are_lists_of_one():
    assert networks_not_within("10.8.0.5", "10.8.0.0/24") == []


def test_no_candidates():
    assert networks_not_within(None, ALLOWED) == []
    assert networks_not_within([], ALLOWED) == []


def test_any_only_when_allowed():
    assert networks_not_within(["10.0.0.0/8", "::1"], ["0.0.0.0/0"], allow_any=True) == ["::1"]


@pytest.mark.parametrize(
    "candidates, allowed, message",
    [
        (["10.0.0.1/24"], ALLOWED, "'10.0.0.1/24' has host bits set; did you mean '10.0.0.0/24'\\?"),
        (["10.0.0.0/8"], ["192.168.1.1/16"], "'192.168.1.1/16' has host bits set; did you mean '192.168.0.0/16'\\?"),
        (["10.0.0.0/8"], ["0.0.0.0/0"], "'0.0.0.0/0' admits every address; set allow_any=true if that is really meant"),
        (["::/0"], ALLOWED, "'::/0' admits every address; set allow_any=true if that is really meant"),
        (["bogus"], ALLOWED, "'bogus' is not an IP address or CIDR"),
        ([42], ALLOWED, "int 42 is not an address or CIDR string"),
        (["10.0.0.1"], {"lan": "10.0.0.0/8"}, "allowed must be a list of addresses or CIDRs, got dict \\{'lan': '10.0.0.0/8'\\}"),
        (5, ALLOWED, "the input must be a list of addresses or CIDRs, got int 5"),
    ],
)
def test_rejections(candidates, allowed, message):
    with pytest.raises(AnsibleFilterError, match=f"^networks_not_within: {message}$"):
        networks_not_within(candidates, allowed)


def test_allow_any_must_be_a_bool():
    with pytest.raises(AnsibleFilterError, match="^networks_not_within: allow_any must be true or false, got 'no'$"):
        networks_not_within([], [], allow_any="no")
