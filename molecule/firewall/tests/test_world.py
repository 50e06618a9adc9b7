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
