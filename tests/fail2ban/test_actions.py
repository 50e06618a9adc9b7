"""The collection's ban actions, run by a real fail2ban server in a throwaway asterisk22
container (its own network namespace, no network): ban and unban over IPv4 and IPv6, rules
present from the jail's start, a reload that does not duplicate them, a stop that removes them.

Run: CONTAINERS_CONF=containers.conf .venv/bin/pytest -v tests/fail2ban/test_actions.py
"""

import time
from pathlib import Path

import pytest
from containers import ASTERISK_IMAGE as IMAGE, Testbed, podman

REPO = Path(__file__).resolve().parents[2]
ACTIONS = REPO / "roles/fail2ban/files/action.d"

JAIL = """
[pbxguard-test]
enabled = true
backend = polling
filter = sshd
logpath = /var/log/pbxguard-test.log
action = pbxguard-{backend}[name=test, port="5060,5061", protocol="udp,tcp"]
"""


@pytest.fixture(params=["nftables", "iptables"])
def server(request):
    with Testbed("f2b-actions") as bed:
        box = bed.container("server", IMAGE, "--network", "none", command=["sleep", "infinity"])

        def run(command, check=True):
            try:
                return box.sh(command)
            except RuntimeError as exc:
                if check:
                    raise AssertionError(str(exc)) from exc
                return podman("exec", box.name, "sh", "-c", command, check=False)

        for action in ACTIONS.iterdir():
            box.copy_in(action, f"/etc/fail2ban/action.d/{action.name}")
        run("rm -f /etc/fail2ban/jail.d/*; touch /var/log/pbxguard-test.log")
        run(f"cat > /etc/fail2ban/jail.d/test.local <<'EOF'\n{JAIL.format(backend=request.param)}\nEOF")
        run("fail2ban-client -t && fail2ban-client start")
        for _attempt in range(50):
            if "pbxguard-test" in run("fail2ban-client status", check=False):
                break
            time.sleep(0.2)
        yield request.param, run


def rules(backend, run):
    if backend == "nftables":
        return run("nft list table inet pbxguard-fail2ban 2>/dev/null || true")
    return run("iptables -S; ip6tables -S")


def test_rules_exist_from_the_start(server):
    backend, run = server
    ruleset = rules(backend, run)
    if backend == "nftables":
        assert "ip saddr @test-v4 drop" in ruleset and "ip6 saddr @test-v6 drop" in ruleset, ruleset
    else:
        assert ruleset.count("-j f2b-pbxguard-test") == 4, ruleset  # udp and tcp, IPv4 and IPv6


def test_ban_and_unban_both_families(server):
    backend, run = server
    run("fail2ban-client set pbxguard-test banip 192.0.2.9 2001:db8::9")
    banned = rules(backend, run)
    assert "192.0.2.9" in banned and "2001:db8::9" in banned, banned
    run("fail2ban-client set pbxguard-test unbanip 192.0.2.9 2001:db8::9")
    unbanned = rules(backend, run)
    assert "192.0.2.9" not in unbanned and "2001:db8::9" not in unbanned, unbanned


def test_reload_does_not_duplicate_rules(server):
    backend, run = server
    before = rules(backend, run)
    run("fail2ban-client reload --restart pbxguard-test")
    time.sleep(1)
    assert rules(backend, run) == before


def test_stop_removes_the_rules(server):
    backend, run = server
    run("fail2ban-client stop")
    time.sleep(1)
    leftover = rules(backend, run)
    assert "test" not in leftover, leftover
