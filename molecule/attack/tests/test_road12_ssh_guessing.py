"""Road 12, SSH password guessing: from an unlisted address nmap's ssh-brute finds SSH
filtered and no guess reaches sshd; the admin network reaches it. (Every address that can
reach sshd through harden.yml is an admin or controller address, which fail2ban never
bans: the sshd jail's ban is proven in the fail2ban scenario.)"""

import pytest
from lab import legitimate_path


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road12_ssh_guesses_from_an_unlisted_address_never_reach_sshd(lab, pbx):
    brute = lab.host("outsider").sh(
        "timeout 60 nmap -Pn -p 22 --script ssh-brute --script-args brute.firstonly,unpwdb.timelimit=10s "
        f"{lab.address(pbx)}", check=False)
    assert "22/tcp filtered" in brute, brute
    assert "Valid credentials" not in brute
    log = lab.host(pbx).sh("journalctl -u ssh -u sshd --no-pager -o cat 2>/dev/null || true")
    assert lab.address("outsider") not in log


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road12_ssh_is_reachable_from_the_admin_network(lab, pbx):
    assert lab.reachable("phone", pbx, [22])[22].startswith("SSH-2.0-")


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road12_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
