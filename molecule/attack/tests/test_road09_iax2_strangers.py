"""Road 9, IAX2 from an address that is not a peer: an IAX2 POKE and an IAX2 call (NEW) get
no answer at all - from the LAN (listed for SIP, not for IAX2) or an unlisted address, over
either family, on office (which has an IAX2 peer) and on world (which has none). The peer
itself, the provider, gets an answer: the probe does reach chan_iax2."""

import pytest
from lab import legitimate_path

STRANGERS = [("insider", "ipv4"), ("insider", "ipv6"), ("outsider", "ipv4"), ("outsider", "ipv6")]


@pytest.mark.parametrize(("client", "family"), STRANGERS)
@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road09_iax2_from_a_stranger_gets_no_answer(lab, pbx, client, family):
    assert not lab.iax2_answers(client, pbx, family)


def test_road09_iax2_from_the_peer_is_answered(lab):
    assert lab.iax2_answers("provider", "office")


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road09_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
