"""Road 7, more calls than the trunk may carry: the LAN phone places three simultaneous
domestic calls (SIPp, the trunks scenario's call) over office's trunk, capped at 2 (the
extension itself may hold 3). Two reach the provider; the third is refused and never does."""

import re

import pytest
from lab import legitimate_path

NUMBER = "12125550148"
CAP_REACHED = "every trunk of the route is at its cap"


@pytest.fixture(scope="module")
def three_calls(lab):
    """The final status of each of the three calls, sorted, and the cap refusals logged."""
    before = len(lab.log_lines("office", CAP_REACHED))
    log = "/tmp/road07-sipp.log"
    lab.host("phone").sh(
        f"rm -f {log}; sipp -sf /root/call.xml -s {NUMBER} -key user 201 -au 201 -ap {lab.secret('office')}"
        f" -i {lab.address('phone')} -p 5070 -m 3 -l 3 -r 10 -d 6000 -recv_timeout 15000 -timeout 40s"
        f" -nostdin -trace_logs -log_file {log} {lab.address('office')}:5060 >/dev/null 2>&1", check=False)
    statuses = sorted(re.findall(r"status (\d+)", lab.host("phone").sh(f"cat {log} 2>/dev/null || true")))
    return statuses, len(lab.log_lines("office", CAP_REACHED)) - before


def test_road07_the_third_simultaneous_call_is_refused(three_calls):
    statuses, _refusals = three_calls
    assert statuses == ["200", "200", "503"]


def test_road07_the_pbx_refused_it_for_the_trunks_cap(three_calls):
    assert three_calls[1] == 1


def test_road07_only_two_calls_reached_the_provider(lab, three_calls):
    assert len(lab.provider_calls(NUMBER)) == 2


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road07_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
