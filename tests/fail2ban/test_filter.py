"""The collection's fail2ban filter against what Asterisk really logs.

Runs fail2ban-regex (the real fail2ban of the asterisk22 image) in a throwaway container on:
  asterisk22-messages.log / asterisk22-security.log  captured from Asterisk 22 under attack
                                                     (tests/fail2ban/capture/capture.sh)
  earlier-formats.log    Asterisk 18 to 20 formats (failJSON annotations)
  negatives.log          lines that must not count, forged lines and the watcher's lines (failJSON)
  upstream-asterisk.log  fail2ban's own test corpus for its asterisk filter (failJSON)

Run: CONTAINERS_CONF=containers.conf .venv/bin/pytest -v tests/fail2ban/test_filter.py
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"

# The attacker of the capture (its second IPv6 address is refused by the global ACL).
CAPTURE_ATTACKERS = {"10.242.2.66", "fd42:4242:2::66", "fd42:4242:2::67"}
# Captured lines that are failures, by Asterisk's own words (an oracle independent of the filter).
# The filter counts those whose address it reaches through Asterisk's words from one end...
CAPTURE_COUNTED = (
    "did not pass ACL test",
    "failed to authenticate as '",
)
# ...and never the PJSIP distributor lines (attacker text on both sides of the address): their
# failures count from AMI through the watcher (test_crafted.py).
CAPTURE_FROM_AMI = (
    "- Failed to authenticate",
    "- No matching endpoint found",
    "- Not match Endpoint ACL",
)

# Where this filter deliberately differs from fail2ban's upstream corpus, and why.
UPSTREAM_DEVIATIONS = {
    "pjsip_distributor.c": "PJSIP distributor line (attacker text on both sides): counted from AMI by pbxguard-secwatch",
    "SecurityEvent=": "security log (attacker text on both sides): counted from AMI by pbxguard-secwatch",
    "tried to authenticate with nonexistent user": "AMI also logs 'failed to authenticate as': counted once",
}
# Upstream lines of each deviation (the corpus is fixed data).
UPSTREAM_DEVIATING = {"pjsip_distributor.c": 7, "SecurityEvent=": 8, "tried to authenticate with nonexistent user": 1}


def data_lines(path):
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def annotated(path):
    """(line, expected address or None) for each line that follows a failJSON comment."""
    cases, expect = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.match(r"#\s*failJSON:\s*(\{.*\})\s*$", line)
        if found:
            expect = json.loads(found.group(1))
        elif line.strip() and not line.startswith("#") and expect is not None:
            cases.append((line.strip(), expect["host"] if expect["match"] else None))
            expect = None
    return cases


def check(cases, matched):
    """Each line matches exactly once with the expected address, or not at all."""
    wrong = []
    for line, host in cases:
        got = sorted(addr for (text, addr), n in matched.items() for _count in range(n) if text == line)
        want = [host] * Counter(c[0] for c in cases)[line] if host else []
        if got != want:
            wrong.append(f"expected {want or 'no match'}, got {got or 'no match'}: {line}")
    return wrong


def test_captured_asterisk22_messages(fail2ban_regex):
    lines = data_lines(FIXTURES / "asterisk22-messages.log")
    cases, from_ami = [], 0
    for line in lines:
        counted = any(word in line for word in CAPTURE_COUNTED)
        address = next((a for a in CAPTURE_ATTACKERS if a in line), None) if counted else None
        assert not counted or address, f"no attacker address in a failure line: {line}"
        from_ami += any(line.endswith(word) for word in CAPTURE_FROM_AMI)
        cases.append((line.strip(), address))
    matched = fail2ban_regex(lines)
    assert check(cases, matched) == []
    failures = sum(1 for _line, host in cases if host)
    assert failures >= 5 and from_ami >= 35, "the capture lost its attack lines"
    print(f"\nasterisk22-messages.log: {len(lines)} lines, {failures} failures matched (global ACL, AMI), "
          f"{from_ami} PJSIP failures left to the watcher, {len(lines) - failures} not matched")


def test_captured_asterisk22_security(fail2ban_regex):
    """The security log never counts: AccountID and SessionID (attacker text) come before
    RemoteAddress, Response after."""
    lines = data_lines(FIXTURES / "asterisk22-security.log")
    assert sum('Severity="Error"' in line for line in lines) >= 30
    assert fail2ban_regex(lines) == Counter()
    assert fail2ban_regex(lines, mode="aggressive") == Counter()


@pytest.mark.parametrize("fixture", ["earlier-formats.log", "negatives.log"])
def test_annotated_fixtures(fail2ban_regex, fixture):
    cases = annotated(FIXTURES / fixture)
    assert len(cases) >= 15
    matched = fail2ban_regex([line for line, _host in cases])
    assert check(cases, matched) == []
    positives = sum(1 for _line, host in cases if host)
    print(f"\n{fixture}: {positives} must match, {len(cases) - positives} must not")


def test_upstream_corpus(fail2ban_regex):
    cases = annotated(FIXTURES / "upstream-asterisk.log")
    assert len(cases) == 37, "the corpus holds 37 annotated lines"
    deviating = [(line, None if any(k in line for k in UPSTREAM_DEVIATIONS) else host)
                 for line, host in cases]
    matched = fail2ban_regex([line for line, _host in cases])
    assert check(deviating, matched) == []
    for key, count in UPSTREAM_DEVIATING.items():
        assert sum(key in line for line, _host in cases) == count, f"deviation {key!r} changed"
    skipped = sum(1 for (_line, ours), (_same, theirs) in zip(cases, deviating) if ours != theirs)
    print(f"\nupstream corpus: {len(cases) - skipped} of {len(cases)} match as upstream expects; "
          f"{skipped} deliberately not: {sorted(set(UPSTREAM_DEVIATIONS.values()))}")


def test_aggressive_mode_counts_server_side_errors(fail2ban_regex):
    """Asterisk's "Error to authenticate" reaches the jail as the watcher's autherror line."""
    line = next(line for line in data_lines(FIXTURES / "crafted-secwatch.log") if " autherror " in line)
    assert fail2ban_regex([line], mode="normal") == Counter()
    assert fail2ban_regex([line], mode="aggressive") == Counter({(line, "10.242.2.66"): 1})
    notice = next(line for line in data_lines(FIXTURES / "asterisk22-messages.log")
                  if line.endswith("- Error to authenticate"))
    assert fail2ban_regex([notice], mode="aggressive") == Counter()


def service_of(line):
    if "pbxguard-secwatch: " in line:
        return "sip" if "service=PJSIP" in line else "none"
    if "chan_iax2.c" in line:
        return "iax2"
    if "manager.c" in line or 'Service="AMI"' in line:
        return "ami"
    return "sip"


@pytest.mark.parametrize("service", ["sip", "iax2", "ami"])
def test_service_selects_its_own_failures(fail2ban_regex, service):
    cases = annotated(FIXTURES / "earlier-formats.log")
    own = [(line, host if service_of(line) == service else None) for line, host in cases]
    assert any(host for _line, host in own)
    matched = fail2ban_regex([line for line, _host in cases], service=service)
    assert check(own, matched) == []
