"""Road 11, a SIP flood: an unlisted address floods the world-open PBX with REGISTERs for
unknown users over one UDP flow (20 a second). fail2ban bans it, and the flow that was
answered before the ban gets no answer after it."""

import time

import pytest
from lab import legitimate_path

FLOW_LOG = "/tmp/flood.log"


@pytest.fixture(scope="module")
def flood(lab):
    flooder = lab.host("guesser")  # its IPv6 address (the IPv4 one is the disguised guesser)
    address = lab.address("guesser", "ipv6")
    flooder.sh(f"rm -f {FLOW_LOG}; systemd-run --collect --unit=flood python3 /usr/local/bin/sip_client.py flow "
               f"--server {lab.address('world', 'ipv6')} --user flood --interval 0.05 --log {FLOW_LOG}")
    seconds = lab.wait_for_ban("world", address, timeout=60)
    banned_at = time.time()
    time.sleep(15)  # the firewall's per-source limit alone would let a request through every 12 s
    flooder.sh("systemctl stop flood 2>/dev/null || true", check=False)
    flow = [line.split() for line in flooder.sh(f"cat {FLOW_LOG}").splitlines()]
    return {"seconds": seconds, "banned_at": banned_at, "flow": flow}


def test_road11_the_flooder_is_banned(flood):
    assert flood["seconds"] is not None, "not banned within 60 s"


def test_road11_the_flow_was_answered_before_the_ban(flood):
    # Sent before the ban was seen (a quiet machine bans within half a second of the first request).
    before = [status for started, status in flood["flow"] if float(started) < flood["banned_at"]]
    assert set(before) - {"timeout"}, flood["flow"][:10]


def test_road11_the_flow_gets_no_answer_after_the_ban(flood):
    after = [status for started, status in flood["flow"] if float(started) > flood["banned_at"] + 1.0]
    assert len(after) >= 100
    assert set(after) == {"timeout"}, after


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road11_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
