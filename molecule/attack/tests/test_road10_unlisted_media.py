"""Road 10, SIP and RTP from an unlisted address: dropped by the firewall. RTP stays closed
to unlisted addresses also when SIP is open to the world. The stand-in on UDP 19990 (in the
RTP range) echoes every datagram that reaches it."""

import pytest
from lab import legitimate_path


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_road10_sip_from_an_unlisted_address_gets_no_answer(lab, family):
    status = lab.sip("outsider", "options", server=lab.address("office", family), user="201")
    assert status == "timeout"


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road10_rtp_from_an_unlisted_address_is_dropped(lab, pbx, family):
    assert not lab.echoed("outsider", pbx, family=family)


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road10_rtp_from_the_lan_arrives(lab, pbx, family):
    assert lab.echoed("phone", pbx, family=family)


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road10_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
