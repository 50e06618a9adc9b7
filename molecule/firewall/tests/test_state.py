"""What the role leaves on the host: its own table or chains only, other owners' rules
unchanged, a boot unit that restores exactly the confirmed ruleset."""

import pytest

PBXS = ["pbx-nft", "pbx-ipt", "world-nft", "world-ipt"]
HELPER = "/usr/local/sbin/pbxguard-firewall"


@pytest.mark.parametrize("pbx", PBXS)
def test_other_owners_rules_are_unchanged(testbed, pbx):
    host = testbed.host(pbx)
    before = host.file("/root/others.before").content_string
    assert "othervendor" in before and "OTHER-INPUT" in before and "OTHER-NAT" in before
    assert host.check_output("others-snapshot") == before.strip()


@pytest.mark.parametrize("pbx", PBXS)
def test_live_rules_are_the_confirmed_ones(testbed, pbx):
    host = testbed.host(pbx)
    assert host.check_output(f"{HELPER} status") == "in-sync"
    assert not host.service("pbxguard-firewall-rollback.timer").is_running


@pytest.mark.parametrize("pbx", ["pbx-nft", "world-nft"])
def test_nftables_backend_owns_one_table(testbed, pbx):
    host = testbed.host(pbx)
    tables = host.check_output("nft list tables").splitlines()
    assert "table inet pbxguard" in tables
    assert host.run("iptables -S PBXGUARD-INPUT").rc != 0  # no iptables twin
    assert "policy drop" in host.check_output("nft list chain inet pbxguard input")


@pytest.mark.parametrize("pbx", ["pbx-ipt", "world-ipt"])
def test_iptables_backend_owns_its_chains(testbed, pbx):
    host = testbed.host(pbx)
    for cmd in ["iptables", "ip6tables"]:
        jumps = host.check_output(f"{cmd} -S INPUT").splitlines()
        assert jumps.count("-A INPUT -j PBXGUARD-INPUT") == 1
        assert host.check_output(f"{cmd} -S PBXGUARD-INPUT").splitlines()[-1] == "-A PBXGUARD-INPUT -j DROP"
    assert host.run("nft list table inet pbxguard").rc != 0
    assert "10.242.1.16/28" in host.check_output("ipset list pbxguard-sip-v4")
    assert "fd42:4242:1::20/124" in host.check_output("ipset list pbxguard-sip-v6")


@pytest.mark.parametrize("pbx", PBXS)
def test_restarting_the_unit_restores_the_confirmed_ruleset(testbed, pbx):
    host = testbed.host(pbx)
    # Lose pbxguard's live rules as a reboot would, then let the unit bring them back.
    host.check_output(f"{HELPER} load /nonexistent")
    assert host.check_output(f"{HELPER} status") == "live-differs"
    host.check_output("systemctl restart pbxguard-firewall.service")
    assert host.service("pbxguard-firewall.service").is_enabled
    assert host.check_output(f"{HELPER} status") == "in-sync"
    assert host.check_output("others-snapshot") == host.file("/root/others.before").content_string.strip()


def test_ruleset_files_are_private(testbed):
    host = testbed.host("pbx-ipt")
    for path in ["/etc/pbxguard/firewall/active/rules.v4", "/etc/pbxguard/firewall/pending/ipsets"]:
        assert host.file(path).mode == 0o640
    assert host.file("/etc/pbxguard/firewall").mode == 0o750
