"""Road 5, the guest call: an INVITE without authentication to an outside number is refused
and never reaches the outside route, from the LAN phone's own address, from another LAN
address, on both PBXs. (From an unlisted address the firewall drops it, road 10; on the
world-open PBX the thief of road 4 is banned by now.)"""

import pytest
from lab import OUTSIDE_NUMBER, REFUSED, legitimate_path

CALLERS = [("phone", "office", "ipv4"), ("insider", "office", "ipv4"), ("insider", "office", "ipv6"),
           ("insider", "world", "ipv4")]


@pytest.mark.parametrize(("caller", "pbx", "family"), CALLERS)
@pytest.mark.parametrize("user", ["anonymous", "201"])
def test_road05_an_unauthenticated_outside_call_is_refused(lab, caller, pbx, family, user):
    before = len(lab.outside_calls(pbx))
    status = lab.sip(caller, "invite", server=lab.address(pbx, family), user=user, to=OUTSIDE_NUMBER)
    assert status in REFUSED
    assert len(lab.outside_calls(pbx)) == before


def test_road05_the_outside_route_works_for_the_authenticated_phone(lab):
    """The control: the route the attacks must not reach does answer a legitimate call."""
    before = len(lab.outside_calls("office"))
    assert lab.call("phone", "office", lab.secret("office"), OUTSIDE_NUMBER) == "200"
    assert len(lab.outside_calls("office")) == before + 1


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road05_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
