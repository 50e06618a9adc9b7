"""Bad input fails before any rule changes, naming the variable; check mode changes
nothing and shows the ruleset change as a diff."""

from concurrent.futures import ThreadPoolExecutor

import pytest

HELPER = "/usr/local/sbin/pbxguard-firewall"

# One bad input per backend: on a real host the play fails naming the variable before
# anything changes. Which inputs are rejected, and how, is unit-tested on the controller;
# these two come from the two places that check, the pbx role's site model and the firewall
# role's own settings. PBX -> (extra vars, the variable the error must name).
BAD_INPUTS = {
    "pbx-nft": ({"pbx_lan_networks": ["10.242.1.17/28"]}, "pbx_lan_networks"),  # host bits
    "pbx-ipt": ({"firewall_rollback_timeout": 5}, "firewall_rollback_timeout"),  # too short
}


def rerun(testbed, pbx, extra_vars, *options):
    backend = "iptables" if "ipt" in pbx else "nftables"
    # One line per result, whatever callback settings molecule passes down.
    return testbed.playbook("rerun.yml", "-c", "containers.podman.podman", *options, inventory=f"{testbed.container(pbx)},",
                            extra_vars={"firewall_backend": backend, **extra_vars},
                            env={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}, timeout=300)


def state(testbed, pbx):
    """Everything the role may change: live rules, rendered and confirmed files."""
    host = testbed.host(pbx)
    return (
        host.check_output(f"{HELPER} fingerprint"),
        host.check_output("cd /etc/pbxguard/firewall && find . -type f | sort | xargs md5sum"),
        host.check_output(f"{HELPER} status"),
    )


@pytest.fixture(scope="module")
def bad_runs(testbed):
    """The bad input of each backend's PBX, the two runs side by side (each takes ~10 s)."""
    before = {pbx: state(testbed, pbx) for pbx in BAD_INPUTS}
    with ThreadPoolExecutor(max_workers=len(BAD_INPUTS)) as pool:
        futures = {pbx: pool.submit(rerun, testbed, pbx, extra_vars) for pbx, (extra_vars, _name) in BAD_INPUTS.items()}
    runs = {pbx: future.result() for pbx, future in futures.items()}
    return runs, before, {pbx: state(testbed, pbx) for pbx in BAD_INPUTS}


@pytest.mark.parametrize("pbx", BAD_INPUTS)
def test_bad_input_fails_naming_the_variable(bad_runs, pbx):
    run = bad_runs[0][pbx]
    output = run.stdout + run.stderr  # failures may go to stderr (display_failed_stderr)
    assert run.returncode != 0, output[-3000:]
    failure = "\n".join(line for line in output.splitlines() if "fatal:" in line or "FAILED" in line)
    assert BAD_INPUTS[pbx][1] in failure, output[-3000:]


@pytest.mark.parametrize("pbx", BAD_INPUTS)
def test_bad_input_changes_no_rule_and_no_file(bad_runs, pbx):
    before, after = bad_runs[1], bad_runs[2]
    assert after[pbx] == before[pbx]


BACKENDS = ["pbx-nft", "pbx-ipt"]


def side_by_side(testbed, extra_vars, *options):
    """The same rerun against both backends' PBXs at once: pbx -> run."""
    with ThreadPoolExecutor(max_workers=len(BACKENDS)) as pool:
        futures = {pbx: pool.submit(rerun, testbed, pbx, extra_vars, *options) for pbx in BACKENDS}
    return {pbx: future.result() for pbx, future in futures.items()}


@pytest.fixture(scope="module")
def check_runs(testbed):
    """A check-mode run with --diff that would admit one more admin network, on both
    backends: pbx -> (run, state before, state after)."""
    before = {pbx: state(testbed, pbx) for pbx in BACKENDS}
    runs = side_by_side(testbed, {"pbx_admin_networks": ["10.242.1.32/28", "fd42:4242:1::30/124", "192.0.2.0/24"]},
                        "--check", "--diff")
    return {pbx: (runs[pbx], before[pbx], state(testbed, pbx)) for pbx in BACKENDS}


@pytest.mark.parametrize("pbx", BACKENDS)
def test_check_mode_shows_the_change_and_changes_nothing(check_runs, pbx):
    run, before, after = check_runs[pbx]
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert any(line.startswith("+") and "192.0.2.0/24" in line for line in run.stdout.splitlines()), run.stdout[-3000:]
    assert after == before


@pytest.fixture(scope="module")
def restore_runs(testbed):
    """pbxguard's live rules removed behind the role's back, then a rerun, on both backends:
    pbx -> (status after the removal, run, status after the run)."""
    removed = {}
    for pbx in BACKENDS:
        host = testbed.host(pbx)
        host.check_output(f"{HELPER} load /nonexistent")  # someone removed pbxguard's live rules
        removed[pbx] = host.check_output(f"{HELPER} status")
    runs = side_by_side(testbed, {})
    return {pbx: (removed[pbx], runs[pbx], testbed.host(pbx).check_output(f"{HELPER} status")) for pbx in BACKENDS}


@pytest.mark.parametrize("pbx", BACKENDS)
def test_a_rerun_restores_rules_changed_behind_its_back(restore_runs, pbx):
    removed, run, after = restore_runs[pbx]
    assert removed == "live-differs"
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert "TASK [pbxguard.hardening.firewall : Load the new ruleset]" in run.stdout
    assert after == "in-sync"
