"""The collection's fail2ban filter against what Asterisk really logs.

Runs fail2ban-regex (the real fail2ban of the asterisk22 image) in a throwaway container on:
  asterisk22-messages.log / asterisk22-security.log  captured from Asterisk 22 under attack
                                                     (tests/fail2ban/capture/capture.sh)
  earlier-formats.log    Asterisk 18 to 20 formats (failJSON annotations)
  negatives.log          lines that must not count, and forged lines (failJSON annotations)
  upstream-asterisk.log  fail2ban's own test corpus for its asterisk filter (failJSON)

Run: CONTAINERS_CONF=containers.conf .venv/bin/pytest -v tests/fail2ban/test_filter.py
"""

import json
import os
import re
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = HERE / "fixtures"
FILTER = REPO / "roles/fail2ban/files/filter.d/pbxguard-asterisk.conf"
IMAGE = os.environ.get("PBXGUARD_ASTERISK_IMAGE", "localhost/pbxguard/asterisk22")

# The attacker of the capture (its second IPv6 address is refused by the global ACL).
CAPTURE_ATTACKERS = {"10.242.2.66", "fd42:4242:2::66", "fd42:4242:2::67"}
# Captured lines that are failures, by Asterisk's own words (an oracle independent of the filter).
CAPTURE_FAILURES = (
    "- Failed to authenticate",
    "- No matching endpoint found",
    "- Not match Endpoint ACL",
    "did not pass ACL test",
    "failed to authenticate as '",
)

# Where this filter deliberately differs from fail2ban's upstream corpus, and why.
UPSTREAM_DEVIATIONS = {
    "- Error to authenticate": "server-side misconfiguration: only with mode=aggressive",
    "tried to authenticate with nonexistent user": "AMI also logs 'failed to authenticate as': counted once",
    'SessionID="",LocalAddress=': "forged second RemoteAddress: ignored, never attributed",
}


@pytest.fixture(scope="session")
def fail2ban_regex(tmp_path_factory):
    """A function (lines, mode) -> Counter of (line, address) for the lines the filter matches."""
    os.environ.setdefault("CONTAINERS_CONF", str(REPO / "containers.conf"))
    if subprocess.run(["podman", "image", "exists", IMAGE], check=False).returncode != 0:
        pytest.fail(f"image {IMAGE} is missing: run images/build-image asterisk22")
    work = tmp_path_factory.mktemp("f2b")
    name = f"pbxguard-{os.environ.get('PBXGUARD_RUN_ID', 'dev')}-f2b-regex-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["podman", "run", "--detach", "--rm", "--name", name, "--network", "none",
         "-v", f"{FILTER}:/etc/fail2ban/filter.d/pbxguard-asterisk.conf:ro",
         "-v", f"{work}:/work", IMAGE, "sleep", "infinity"],
        check=True, capture_output=True)

    def run(lines, mode="normal", service="all"):
        log = work / "lines.log"
        log.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        result = subprocess.run(
            ["podman", "exec", name, "fail2ban-regex", "-o", "<ip>|<msg>", "/work/lines.log",
             f"/etc/fail2ban/filter.d/pbxguard-asterisk.conf[mode={mode}, service={service}]"],
            check=True, capture_output=True, text=True)
        matched = Counter()
        for row in result.stdout.splitlines():
            address, _sep, line = row.partition("|")
            matched[(line.strip(), address)] += 1
        return matched

    try:
        yield run
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0", name], check=False, capture_output=True)


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
    cases = []
    for line in lines:
        failure = any(word in line for word in CAPTURE_FAILURES)
        address = next((a for a in CAPTURE_ATTACKERS if a in line), None) if failure else None
        assert not failure or address, f"no attacker address in a failure line: {line}"
        cases.append((line.strip(), address))
    matched = fail2ban_regex(lines)
    assert check(cases, matched) == []
    failures = sum(1 for _line, host in cases if host)
    assert failures >= 40, "the capture lost its attack lines"
    print(f"\nasterisk22-messages.log: {len(lines)} lines, {failures} failures matched, "
          f"{len(lines) - failures} others not matched")


def test_captured_asterisk22_security(fail2ban_regex):
    lines = data_lines(FIXTURES / "asterisk22-security.log")
    cases = []
    for line in lines:
        error = 'Severity="Error"' in line
        address = re.search(r'RemoteAddress="IPV[46]/\w+/([^"]+)/\d+"', line)
        cases.append((line.strip(), address.group(1) if error else None))
    matched = fail2ban_regex(lines)
    assert check(cases, matched) == []
    assert not any("10.242.2.20" == addr for _line, addr in matched), "the legitimate phone was counted"
    errors = sum(1 for _line, host in cases if host)
    print(f"\nasterisk22-security.log: {len(lines)} lines, {errors} failure events matched, "
          f"{len(lines) - errors} informational (ChallengeSent, SuccessfulAuth) not matched")


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
    skipped = sum(1 for (_line, ours), (_same, theirs) in zip(cases, deviating) if ours != theirs)
    assert skipped == 3, "a deviation from the upstream corpus appeared or vanished"
    print(f"\nupstream corpus: {len(cases) - skipped} of {len(cases)} match as upstream expects; "
          f"{skipped} deliberately not: {sorted(set(UPSTREAM_DEVIATIONS.values()))}")


def test_aggressive_mode_counts_server_side_errors(fail2ban_regex):
    line = next(line for line in data_lines(FIXTURES / "asterisk22-messages.log")
                if line.endswith("- Error to authenticate"))
    assert fail2ban_regex([line], mode="normal") == Counter()
    assert fail2ban_regex([line], mode="aggressive") == Counter({(line, "10.242.2.66"): 1})


def service_of(line):
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
