"""A guesser that crafts its SIP headers, against the filter and the watcher.

The fixtures crafted-*.log were captured from the real asterisk22 image by
tests/fail2ban/capture/craft.sh: Call-IDs and From headers (display name and user) with
spaces, tabs, quotes, parentheses, non-ASCII text and forged "failed for '<other address>'"
and RemoteAddress="..." segments, for wrong passwords, unknown users and an endpoint ACL,
over IPv4 and IPv6, while the role's watcher pbxguard-secwatch read AMI. crafted-sources.json
records each case's real source; every Call-ID carries the case's token.

The oracle never reads an address out of attacker text: it counts Asterisk's failure events in
the security log by the token of their case, whose real source the capture recorded.

Run: CONTAINERS_CONF=containers.conf .venv/bin/pytest -v tests/fail2ban/test_crafted.py
"""

import importlib.machinery
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
WATCHER = HERE.parents[1] / "roles/fail2ban/files/pbxguard-secwatch"
MANIFEST = json.loads((FIXTURES / "crafted-sources.json").read_text(encoding="utf-8"))
FAILURE_EVENTS = ("InvalidAccountID", "ChallengeResponseFailed", "InvalidPassword", "FailedACL")
DISTRIBUTOR_FAILURES = ("- Failed to authenticate", "- No matching endpoint found", "- Not match Endpoint ACL")


def lines(name):
    return [line for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def case_of(line):
    found = re.search(MANIFEST["token"], line)
    return MANIFEST["cases"][int(found.group(1)) - 1] if found else None


def attack(case):
    return "server-side" not in case["what"]


def forged_addresses():
    forged = {case["forged"] for case in MANIFEST["cases"]} | {entry["forged"] for entry in MANIFEST["ami"]}
    return (forged | {MANIFEST["acl"]["forged"]}) - {"-"}


def expected(service="all", mode="normal"):
    """Failures per real source: PJSIP from the security log's events by case, the global ACL
    and AMI from what the capture sent."""
    counts = Counter()
    if service in ("all", "sip"):
        for line in lines("crafted-security.log"):
            event = re.search(r'SecurityEvent="(\w+)"', line)
            case = case_of(line)
            if event and event.group(1) in FAILURE_EVENTS and 'Service="PJSIP"' in line[:200]:
                assert case, f"a PJSIP failure without a case token: {line}"
                if attack(case) or mode == "aggressive":
                    counts[case["source"]] += 1
        counts[MANIFEST["acl"]["source"]] += MANIFEST["acl"]["requests"]
    if service in ("all", "ami"):
        for entry in MANIFEST["ami"]:
            counts[entry["source"]] += entry["logins"]
    return counts


def test_the_capture_has_every_kind_of_crafted_request():
    whats = " ".join(case["what"] for case in MANIFEST["cases"])
    for kind in ("spaces", "tabs", "non-ASCII", "Call-ID", "display name", "From user", "RemoteAddress",
                 "unknown user", "endpoint ACL"):
        assert kind in whats
    sources = {case["source"] for case in MANIFEST["cases"]}
    assert {"10.242.2.66", "fd42:4242:2::66"} <= sources
    notices = [line for line in lines("crafted-messages.log") if "pjsip_distributor.c" in line]
    assert len(notices) >= 50
    assert any(" failed for '10.242.2.36:5060'" in line for line in notices), "no forged segment was logged"
    assert any("\t" in line and "電話" in line for line in notices)


def test_every_distributor_failure_has_its_security_event():
    """The two oracles agree: Asterisk's NOTICE lines and its security events, per real source."""
    notices, events = Counter(), Counter()
    for line in lines("crafted-messages.log"):
        case = case_of(line)
        if case and attack(case) and line.endswith(DISTRIBUTOR_FAILURES):
            notices[case["source"]] += 1
    for line in lines("crafted-security.log"):
        case = case_of(line)
        event = re.search(r'SecurityEvent="(\w+)"', line)
        if case and attack(case) and event.group(1) in FAILURE_EVENTS:
            events[case["source"]] += 1
    assert notices == events
    assert sum(notices.values()) >= 50


def test_the_watcher_wrote_each_pjsip_failure_once_for_its_real_source():
    """Its PJSIP failure lines, per address, are the security log's failures of the cases."""
    written = Counter()
    for line in lines("crafted-secwatch.log"):
        found = re.fullmatch(r"\S+ \S+ pbxguard-secwatch: failure service=PJSIP event=\w+ address=(\S+)", line)
        if found:
            written[found.group(1)] += 1
    want = expected("sip")
    want[MANIFEST["acl"]["source"]] -= MANIFEST["acl"]["requests"]  # no security event for it
    assert written == +want
    assert not set(written) & forged_addresses()
    successes = [line for line in lines("crafted-secwatch.log") if " success " in line]
    assert sorted(line.rsplit("=", 1)[1] for line in successes) == sorted(MANIFEST["phone"])


@pytest.mark.parametrize("service", ["all", "sip", "ami"])
def test_each_failure_counts_once_for_its_real_source(fail2ban_regex, service):
    """What the jail reads (the NOTICE/WARNING channel and the watcher's log): every failure
    once, for the address Asterisk saw, never for a forged one."""
    logged = lines("crafted-messages.log") + lines("crafted-secwatch.log")
    matched = fail2ban_regex(logged, service=service)
    bound = Counter()
    for (_line, address), count in matched.items():
        bound[address] += count
    want = expected(service)
    assert bound == want
    assert not set(bound) & forged_addresses()
    assert not set(bound) & set(MANIFEST["phone"])
    total = sum(want.values())
    print(f"\ncrafted capture, service={service}: {len(logged)} lines read by the jail, "
          f"{sum(bound.values())} failures bound to the real source ({total} expected), "
          f"{sum(bound[a] for a in forged_addresses())} bound to a forged address")


def test_no_distributor_or_security_line_counts(fail2ban_regex):
    distributor = [line for line in lines("crafted-messages.log") if "pjsip_distributor.c" in line]
    assert fail2ban_regex(distributor) == Counter()
    assert fail2ban_regex(distributor, mode="aggressive") == Counter()
    assert fail2ban_regex(lines("crafted-security.log")) == Counter()


def test_aggressive_mode_also_counts_the_server_side_error(fail2ban_regex):
    logged = lines("crafted-messages.log") + lines("crafted-secwatch.log")
    matched = fail2ban_regex(logged, mode="aggressive")
    bound = Counter()
    for (_line, address), count in matched.items():
        bound[address] += count
    assert bound == expected(mode="aggressive")
    assert bound != expected()


def load_watcher():
    loader = importlib.machinery.SourceFileLoader("pbxguard_secwatch", str(WATCHER))
    spec = importlib.util.spec_from_loader("pbxguard_secwatch", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_watcher_offline_writes_what_it_wrote_live():
    """The raw AMI stream of the capture, through the watcher's pure functions: the same lines
    (without their dates) as the watcher wrote on the PBX."""
    watcher = load_watcher()
    # Stored with LF; AMI sends CRLF (craft.sh checked that no bare CR or LF was lost).
    raw = (FIXTURES / "crafted-ami.log").read_bytes().replace(b"\n", b"\r\n")
    messages, rest = watcher.split_messages(raw)
    assert rest == b""
    texts = []
    for message in messages[1:]:  # the banner and the login response
        decision = watcher.decide(watcher.parse_event(message.decode("utf-8", errors="replace")))
        if decision and decision[0] != "malformed":
            texts.append(decision[1])
    live = [line.split(" ", 2)[2] for line in lines("crafted-secwatch.log")]
    assert [f"pbxguard-secwatch: {text}" for text in texts] == live
    assert all(line.isascii() for line in live)
