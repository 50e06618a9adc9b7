"""pbx_sip_open_to_world: SIP from strangers passes, but only a few packets a minute per
source address, however they are spread over flows, and never from a known scanner."""

import uuid

import pytest
from test_packets import arrived, send

WORLD = ["world-nft", "world-ipt"]
BURST = 5  # firewall_sip_world_burst's default


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_guesses_over_one_flow_are_cut_after_the_burst(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"guess-{uuid.uuid4()}"
    # svcrack's way: every guess from one source port, i.e. one UDP flow.
    for guess in range(20):
        send(testbed, "stranger", "udp", address, 5060, f"REGISTER sip:{token}-{guess} SIP/2.0\r\n", source_port=5070)
    lines = arrived(testbed, pbx, token, wait=1.0)
    assert 1 <= len(lines) <= BURST + 1, lines


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_listed_phone_is_not_limited(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"phone-{uuid.uuid4()}"
    for guess in range(20):
        send(testbed, "phone", "udp", address, 5060, f"REGISTER sip:{token}-{guess} SIP/2.0\r\n", source_port=5070)
    assert len(arrived(testbed, pbx, f"{token}-19", wait=1.0)) == 1


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_scanner_user_agents_are_dropped(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"scan-{uuid.uuid4()}"
    # From the admin workstation, which sends no other SIP here: 4 packets stay within the burst,
    # so only the User-Agent can drop the first three.
    for agent in ["friendly-scanner", "sipvicious", "VaxSIPUserAgent"]:
        send(testbed, "admin", "udp", address, 5060, f"OPTIONS sip:{token}-{agent} SIP/2.0\r\nUser-Agent: {agent}\r\n\r\n")
    send(testbed, "admin", "udp", address, 5060, f"OPTIONS sip:{token}-ok SIP/2.0\r\nUser-Agent: Yealink SIP-T46U\r\n\r\n")
    lines = arrived(testbed, pbx, token, wait=1.0)
    assert len(lines) == 1 and f"{token}-ok" in lines[0], lines
