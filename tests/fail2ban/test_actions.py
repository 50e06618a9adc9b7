"""The collection's ban actions, run by a real fail2ban server in a throwaway asterisk22
container (its own network namespace, no network): ban and unban over IPv4 and IPv6, rules
present from the jail's start, a reload that does not duplicate them, a stop that removes them.

Run: CONTAINERS_CONF=containers.conf .venv/bin/pytest -v tests/fail2ban/test_actions.py
"""

import re
import time
from contextlib import contextmanager
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
    with fail2ban_server(JAIL.format(backend=request.param)) as run:
        yield request.param, run


@contextmanager
def fail2ban_server(jail, setup=""):
    """A running fail2ban with the collection's actions and jail; run(command, check=True)
    inside its container. setup runs before fail2ban starts."""
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
        run(f"cat > /etc/fail2ban/jail.d/test.local <<'EOF'\n{jail}\nEOF")
        if setup:
            run(setup)
        run("fail2ban-client -t && fail2ban-client start")
        for _attempt in range(50):
            if "pbxguard-test" in run("fail2ban-client status", check=False):
                break
            time.sleep(0.2)
        yield run


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


# The learned jail's action: the firewall role makes the sets (its scenario proves they admit
# what is in them); here, sets of the same kind, with a default timeout longer than the action's.
LEARN_JAIL = JAIL.replace("pbxguard-{backend}[", "pbxguard-learn-{backend}[timeout=60, ")
LEARNED_SETS = {
    "nftables": "nft -f - <<'EOF'\ntable inet pbxguard {\n"
                "  set learned_v4 { type ipv4_addr; flags timeout; timeout 3600s; }\n"
                "  set learned_v6 { type ipv6_addr; flags timeout; timeout 3600s; }\n}\nEOF",
    "iptables": "ipset create pbxguard-learned-v4 hash:ip family inet timeout 3600 && "
                "ipset create pbxguard-learned-v6 hash:ip family inet6 timeout 3600",
}
LIST_LEARNED = {
    "nftables": "nft list set inet pbxguard learned_v4; nft list set inet pbxguard learned_v6",
    "iptables": "ipset list pbxguard-learned-v4; ipset list pbxguard-learned-v6",
}


def seconds_left(listing, address):
    """The seconds before address expires from a learned set: nft lists
    "ADDRESS timeout 1m expires 59s960ms", ipset "ADDRESS timeout 59"."""
    nft = re.search(re.escape(address) + r" timeout \S+ expires (?:(\d+)m)?(\d+)s", listing)
    if nft:
        return int(nft.group(1) or 0) * 60 + int(nft.group(2))
    ipset = re.search("^" + re.escape(address) + r" timeout (\d+)$", listing, re.MULTILINE)
    assert ipset, listing
    return int(ipset.group(1))


@pytest.mark.parametrize("backend", ["nftables", "iptables"])
def test_learn_action_admits_both_families_and_each_ban_renews(backend):
    with fail2ban_server(LEARN_JAIL.format(backend=backend), setup=LEARNED_SETS[backend]) as run:
        run("fail2ban-client set pbxguard-test banip 192.0.2.7 2001:db8::7")
        first = run(LIST_LEARNED[backend])
        # The action's own timeout, not the set's default of an hour.
        assert 50 <= seconds_left(first, "192.0.2.7") <= 60, first
        assert 50 <= seconds_left(first, "2001:db8::7") <= 60, first
        time.sleep(3)
        # The next registration: fail2ban bans a source once, so unban (as its short bantime
        # does) and ban again.
        run("fail2ban-client set pbxguard-test unbanip 192.0.2.7")
        kept = run(LIST_LEARNED[backend])
        assert "192.0.2.7" in kept, "unban must leave the source to expire by itself"
        aged = seconds_left(kept, "192.0.2.7")
        run("fail2ban-client set pbxguard-test banip 192.0.2.7")
        renewed = seconds_left(run(LIST_LEARNED[backend]), "192.0.2.7")
        assert renewed > aged, (aged, renewed)
