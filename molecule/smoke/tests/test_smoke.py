"""The test bed works: Asterisk 22 is up and answers SIP from another container; on
Debian 12, pbx_secret keeps its store where only root can read it."""

import re


def test_asterisk_is_fully_booted(testbed):
    pbx = testbed.host("pbx")
    booted = pbx.run("asterisk -rx 'core waitfullybooted'")
    assert booted.rc == 0, booted.stderr
    assert "fully booted" in booted.stdout
    version = pbx.check_output("asterisk -rx 'core show version'")
    assert re.match(r"Asterisk 22\.", version), version


def test_sip_options_from_the_attacker_get_an_answer(testbed):
    attacker = testbed.host("attacker")
    target = testbed.address("pbx", "ipv4")
    scan = attacker.run(f"sipvicious_svmap --timeout 2 {target}")
    assert scan.rc == 0, scan.stderr
    assert f"{target}:5060" in scan.stdout, scan.stdout


def test_sip_over_ipv6_gets_an_answer(testbed):
    attacker = testbed.host("attacker")
    target = testbed.address("pbx", "ipv6")
    scan = attacker.run(f"sipvicious_svmap -6 --timeout 2 {target}")
    assert scan.rc == 0, scan.stderr
    assert "5060" in scan.stdout, scan.stdout


def test_secret_store_is_root_only(testbed):
    host = testbed.host("debian12")
    store = host.file("/etc/pbxguard/secrets.json")  # never read: it holds the secret
    assert store.is_file
    assert (store.user, store.group, store.mode) == ("root", "root", 0o600)
    directory = host.file("/etc/pbxguard")
    assert (directory.user, directory.group, directory.mode) == ("root", "root", 0o700)
