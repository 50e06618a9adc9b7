"""Road 4, a stolen secret: extension 201's real secret, used from an address the extension
does not permit, neither registers nor calls - from the LAN (the endpoint ACL) or from an
unlisted address (the firewall; with SIP open to the world, the endpoint ACL again)."""

import pytest
from lab import OUTSIDE_NUMBER, REFUSED, TEST_NUMBER, legitimate_path

# Who tries the secret on which PBX, over which family (see lab.py for each address's part).
THIEVES = [("insider", "office", "ipv4"), ("insider", "office", "ipv6"), ("outsider", "office", "ipv4"),
           ("insider", "world", "ipv4"), ("outsider", "world", "ipv6")]


@pytest.mark.parametrize(("thief", "pbx", "family"), THIEVES)
def test_road04_a_stolen_secret_does_not_register(lab, thief, pbx, family):
    assert lab.register(thief, pbx, lab.secret(pbx), family) in REFUSED


@pytest.mark.parametrize(("thief", "pbx", "family"), THIEVES)
def test_road04_a_stolen_secret_does_not_call(lab, thief, pbx, family):
    before = len(lab.outside_calls(pbx))
    for number in (TEST_NUMBER, OUTSIDE_NUMBER):
        assert lab.call(thief, pbx, lab.secret(pbx), number, family) in REFUSED
    assert len(lab.outside_calls(pbx)) == before


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road04_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
