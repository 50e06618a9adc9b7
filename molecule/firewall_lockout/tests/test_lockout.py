"""A ruleset that would cut the controller off rolls back by itself, the host stays
reachable over SSH, and the run fails saying what happened."""

import os
import pathlib
import subprocess
import time

import pytest

HELPER = "/usr/local/sbin/pbxguard-firewall"
# Host keys into the scenario's own folder, never /dev/null (see group_vars/all.yml).
SSH_OPTIONS = ["-o", "StrictHostKeyChecking=no", "-o", "UpdateHostKeys=no", "-o", "ConnectTimeout=5",
               "-o", f"UserKnownHostsFile={os.environ.get('MOLECULE_EPHEMERAL_DIRECTORY', '/tmp')}/known_hosts"]


@pytest.fixture(scope="module")
def key():
    return pathlib.Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "id_ed25519"


def ssh(testbed, key, command="true"):
    """A fresh SSH connection from this machine, as the controller makes."""
    address = testbed.address("pbx", "ipv4")
    argv = ["ssh", "-i", str(key), *SSH_OPTIONS, "-o", "BatchMode=yes", f"root@{address}", command]
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)


@pytest.fixture(scope="module")
def lockout_run(testbed, key, tmp_path_factory):
    inventory = tmp_path_factory.mktemp("lockout") / "inventory.yml"
    inventory.write_text(
        "pbx:\n  hosts:\n    lockout-pbx:\n"
        f"      ansible_host: {testbed.address('pbx', 'ipv4')}\n"
        f"      ansible_user: root\n      ansible_private_key_file: {key}\n"
    )
    started = time.monotonic()
    # One line per result, whatever callback settings molecule passes down.
    run = testbed.playbook("lockout.yml", inventory=inventory, env={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}, timeout=300)
    return run, time.monotonic() - started


def test_controller_reaches_the_pbx_over_ssh(testbed, key):
    status = ssh(testbed, key, f"{HELPER} status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.strip() == "in-sync"


def test_lockout_fails_saying_what_happened(lockout_run):
    run, seconds = lockout_run
    output = run.stdout + run.stderr  # failures may go to stderr (display_failed_stderr)
    assert run.returncode != 0, output[-3000:]
    assert "cut the controller off" in output, output[-3000:]
    assert "restored the previous ruleset" in output, output[-3000:]
    assert seconds >= 30  # it waited for the rollback (firewall_rollback_timeout: 30)


def test_after_the_lockout_the_previous_ruleset_is_back(testbed, key, lockout_run):
    # Over a fresh SSH connection to port 22: the controller is back in.
    assert ssh(testbed, key, f"{HELPER} verify").returncode == 0
    assert "tcp dport 22 accept" in ssh(testbed, key, "nft list chain inet pbxguard input").stdout
    # The rejected ruleset stays in pending/ for inspection; the next good run replaces it.
    assert ssh(testbed, key, f"{HELPER} status").stdout.strip() == "pending-differs"
    assert "2222" in ssh(testbed, key, "cat /etc/pbxguard/firewall/pending/pbxguard.nft").stdout
