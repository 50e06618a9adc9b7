"""pbx_sip_open_to_world: SIP from strangers passes, but only a budget of bytes per source
address, however they are spread over flows, and never from a known scanner."""

import uuid

import pytest
from test_packets import lines_with, read_logs, send_batch

WORLD = ["world-nft", "world-ipt"]
BUDGET = 2048  # firewall_sip_world_bytes' default
SIZE = 400  # each guess's SIP payload, about a minimal authenticated REGISTER


def guesses(address, token):
    """20 REGISTERs to address, all from source port 5070: one UDP flow, in one podman exec."""
    requests = []
    for guess in range(20):
        line = f"REGISTER sip:{token}-{guess} SIP/2.0\r\nX-Pad: "
        requests.append({"protocol": "udp", "address": address, "port": 5060, "source_port": 5070,
                         "payload": line + "x" * (SIZE - len(line) - 4) + "\r\n\r\n"})
    return requests


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_guesses_over_one_flow_are_cut_after_the_burst(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"guess-{uuid.uuid4()}"
    # svcrack's way: every guess from one source port, i.e. one UDP flow.
    send_batch(testbed, "stranger", guesses(address, token))
    lines = lines_with(read_logs(testbed, [pbx], expected=[(pbx, token)])[pbx], token)
    # The budget holds BUDGET // SIZE of them (headers make each a little larger).
    assert 1 <= len(lines) <= BUDGET // SIZE, lines


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_listed_phone_is_not_limited(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"phone-{uuid.uuid4()}"
    send_batch(testbed, "phone", guesses(address, token))
    last = f"{token}-19"
    assert len(lines_with(read_logs(testbed, [pbx], expected=[(pbx, last)])[pbx], last)) == 1


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_scanner_user_agents_are_dropped(testbed, pbx, family):
    address = testbed.address(pbx, family)
    token = f"scan-{uuid.uuid4()}"
    # From the admin workstation, which sends no other SIP here: 4 packets stay within the burst,
    # so only the User-Agent can drop the first three.
    agents = {"friendly-scanner": "friendly-scanner", "sipvicious": "sipvicious",
              "VaxSIPUserAgent": "VaxSIPUserAgent", "ok": "Yealink SIP-T46U"}
    send_batch(testbed, "admin", [
        {"protocol": "udp", "address": address, "port": 5060,
         "payload": f"OPTIONS sip:{token}-{name} SIP/2.0\r\nUser-Agent: {agent}\r\n\r\n"}
        for name, agent in agents.items()
    ])
    lines = lines_with(read_logs(testbed, [pbx], expected=[(pbx, f"{token}-ok")])[pbx], token)
    assert len(lines) == 1 and f"{token}-ok" in lines[0], lines


# What fail2ban's pbxguard-learned jail does for a roaming phone's registration (its action
# is tests/fail2ban/test_actions.py's): the source enters the backend's learned set.
LEARN = {
    "world-nft": "nft add element inet pbxguard learned_v{v} {{ {address} timeout 60s }}",
    "world-ipt": "ipset add -exist pbxguard-learned-v{v} {address} timeout 60",
}
FORGET = {
    "world-nft": "nft delete element inet pbxguard learned_v{v} {{ {address} }}",
    "world-ipt": "ipset del pbxguard-learned-v{v} {address}",
}


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("pbx", WORLD)
def test_a_learned_source_gets_sip_beyond_the_budget_and_rtp(testbed, pbx, family):
    address = testbed.address(pbx, family)
    stranger = testbed.address("stranger", family)
    token = f"learned-{uuid.uuid4()}"
    rtp = {"protocol": "udp", "address": address, "port": 10000, "payload": f"RTP {token}-rtp"}
    # Before: the stranger's RTP is dropped (test_packet shows it too, here it is the control).
    send_batch(testbed, "stranger", [rtp | {"payload": f"RTP {token}-early"}])
    pbx_host = testbed.host(pbx)
    version = 6 if family == "ipv6" else 4
    pbx_host.check_output(LEARN[pbx].format(v=version, address=stranger))
    try:
        send_batch(testbed, "stranger", guesses(address, token) + [rtp])
        log = read_logs(testbed, [pbx], expected=[(pbx, f"{token}-19"), (pbx, f"{token}-rtp")])[pbx]
    finally:
        pbx_host.run(FORGET[pbx].format(v=version, address=stranger))
    assert not lines_with(log, f"{token}-early")
    # All 20 REGISTERs (8000 bytes, four budgets), and the RTP the stranger could not send before.
    assert len(lines_with(log, f"{token}-")) == 21, lines_with(log, token)
