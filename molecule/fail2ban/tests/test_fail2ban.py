"""fail2ban on a real Asterisk 22: the jails run, SIPVicious gets banned over IPv4 and IPv6,
the ban also ends a UDP flow opened before it, and the phone and the admin are never banned.
Bans are polled for: fail2ban acts some hundreds of milliseconds after the failures."""

import time

import pytest

ATTACK_JAILS = ["pbxguard-asterisk", "pbxguard-iax2", "pbxguard-ami", "pbxguard-sshd", "pbxguard-recidive"]
PASSWORD = "Phone-201-Secret"


def banned(pbx, jail="pbxguard-asterisk"):
    return pbx.check_output(f"fail2ban-client get {jail} banned")


def wait_for_ban(pbx, address, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if f"'{address}'" in banned(pbx):
            return time.time()
        time.sleep(0.2)
    pytest.fail(f"{address} was not banned within {timeout} s")


def svcrack(client, target, family="ipv4", seconds=20):
    """SIPVicious guessing extension 201's password, in the background, for at most seconds."""
    six = "-6 " if family == "ipv6" else ""
    client.check_output(f"systemd-run --collect --unit=svcrack-{family} timeout {seconds} "
                        f"sipvicious_svcrack {six}-u 201 -r 100000-999999 {target}")


@pytest.fixture(scope="module")
def pbx(testbed):
    pbx = testbed.host("pbx")
    pbx.check_output("fail2ban-client unban --all")
    return pbx


def test_the_jails_run(pbx):
    status = pbx.check_output("fail2ban-client status")
    for jail in ATTACK_JAILS:
        assert jail in status


def test_the_configuration_is_valid(pbx):
    assert pbx.run("fail2ban-client -t").rc == 0


def test_ban_chains_exist_before_any_ban(pbx):
    chain = pbx.check_output("nft list chain inet pbxguard-fail2ban asterisk")
    assert "ip saddr @asterisk-v4 drop" in chain
    assert "ip6 saddr @asterisk-v6 drop" in chain


def test_asterisk_writes_each_failure_once_for_the_jail(pbx):
    channels = pbx.check_output("asterisk -rx 'logger show channels'")
    line = next(line for line in channels.splitlines() if "/var/log/asterisk/fail2ban.log" in line)
    assert "NOTICE WARNING" in line and "SECURITY" not in line
    assert any("/var/log/asterisk/security " in line and "SECURITY" in line for line in channels.splitlines())


def test_the_phone_registers(testbed):
    phone = testbed.host("phone")
    result = phone.run(f"python3 /usr/local/bin/sip_client.py register --server {testbed.address('pbx')} --user 201 --password {PASSWORD}")
    assert result.stdout.strip() == "200", result.stdout + result.stderr


@pytest.fixture(scope="module")
def attack(testbed, pbx):
    """A UDP flow opened before the attack, then SIPVicious from the same address until banned."""
    attacker = testbed.host("attacker")
    target = testbed.address("pbx")
    attacker.run("systemctl stop flow svcrack-ipv4 svcrack-ipv6; rm -f /tmp/flow.log")
    attacker.check_output(f"systemd-run --collect --unit=flow python3 /usr/local/bin/sip_client.py flow --server {target} "
                          f"--user 201 --interval 0.2 --log /tmp/flow.log")
    time.sleep(2)
    flow_port = None
    for entry in pbx.check_output(f"conntrack -L -p udp -s {testbed.address('attacker')} 2>/dev/null").splitlines():
        if "dport=5060" in entry:
            flow_port = entry.split("sport=")[1].split()[0]
    svcrack(attacker, target)
    banned_at = wait_for_ban(pbx, testbed.address("attacker"))
    time.sleep(3)
    attacker.run("systemctl stop flow svcrack-ipv4")
    flow = [line.split() for line in attacker.file("/tmp/flow.log").content_string.splitlines()]
    return {"banned_at": banned_at, "flow": flow, "flow_port": flow_port}


def test_the_open_flow_was_answered_before_the_ban(attack):
    before = [status for started, status in attack["flow"] if float(started) < attack["banned_at"] - 0.5]
    assert "401" in before, attack["flow"][:10]


def test_the_open_flow_gets_no_answer_after_the_ban(attack):
    # The ban is seen by polling, up to 0.2 s late; give the flow one more second.
    after = [status for started, status in attack["flow"] if float(started) > attack["banned_at"] + 1.0]
    assert len(after) >= 5
    assert set(after) == {"timeout"}, after


def test_the_ban_deleted_the_open_flows_conntrack_entry(testbed, pbx, attack):
    assert attack["flow_port"], "the flow had no conntrack entry before the ban"
    entries = pbx.run(f"conntrack -L -p udp -s {testbed.address('attacker')} 2>/dev/null").stdout
    assert f"sport={attack['flow_port']} " not in entries, entries


def test_the_attacker_gets_no_sip_answer(testbed, attack):
    attacker = testbed.host("attacker")
    scan = attacker.run(f"sipvicious_svmap --timeout 2 {testbed.address('pbx')}")
    assert f"{testbed.address('pbx')}:5060" not in scan.stdout, scan.stdout


def test_the_attacker_is_banned_over_ipv6_too(testbed, pbx, attack):
    attacker = testbed.host("attacker")
    svcrack(attacker, testbed.address("pbx", "ipv6"), family="ipv6")
    wait_for_ban(pbx, testbed.address("attacker", "ipv6"))
    attacker.run("systemctl stop svcrack-ipv6")
    assert testbed.address("attacker", "ipv6") in pbx.check_output("nft list set inet pbxguard-fail2ban asterisk-v6")


def test_the_phone_still_registers_after_the_attack(testbed, attack):
    test_the_phone_registers(testbed)


def test_a_trusted_source_is_never_banned(testbed, pbx, attack):
    admin = testbed.host("admin")
    address = testbed.address("admin")
    svcrack(admin, testbed.address("pbx"), seconds=4)
    time.sleep(6)
    failures = pbx.check_output(f"grep -c \"failed for '{address}:\" /var/log/asterisk/fail2ban.log || true")
    assert int(failures) >= 10, "the admin's guesses never reached Asterisk"
    assert address not in banned(pbx)
    assert address not in pbx.check_output("nft list set inet pbxguard-fail2ban asterisk-v4")
