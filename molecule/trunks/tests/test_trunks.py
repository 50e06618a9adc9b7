"""trunks on a real Asterisk 22 PBX with a real Asterisk 22 provider: a domestic call from an
extension reaches the provider; international, premium and high-fraud calls are refused and
never reach it; a third simultaneous call over a trunk capped at 2 is refused; a call arriving
on the trunk cannot dial out again; an IAX2 call with the peer's secret from another address is
refused; the files with secrets are private, the PBX's own dial plan is left alone, and a -v
rerun changes nothing and prints no secret.

Secrets are read from the store on the PBX inside the tests and never printed."""

import json
import os
import pathlib
import re
import subprocess
import time

import pytest
import yaml

SCENARIO = pathlib.Path(__file__).resolve().parent.parent
STORE = "/etc/pbxguard/secrets.json"
LOG = "/var/log/asterisk/messages.log"
PEER_SECRET = "Kx7RmQ2vTzN9wLp4HbY6cJ3sDf8GaE5u"


def asterisk(host, command):
    return host.check_output(f"asterisk -rx '{command}' 2>/dev/null")


def log_lines(host, text):
    """The lines of Asterisk's log that hold text."""
    return [line for line in host.file(LOG).content_string.splitlines() if text in line]


def wait_for(probe, seconds=10.0):
    """probe()'s first true value within seconds, else its last value."""
    deadline = time.monotonic() + seconds
    value = probe()
    while not value and time.monotonic() < deadline:
        time.sleep(0.3)
        value = probe()
    return value


class Run:
    """A finished ansible-playbook run whose output a failure report must not show."""

    def __init__(self, completed):
        self.returncode, self.stdout, self.stderr = completed.returncode, completed.stdout, completed.stderr

    def __repr__(self):
        return f"<ansible-playbook run, rc {self.returncode}>"


class Hidden(list):
    """Secrets that pytest may show in a failure report: their repr gives only their number."""

    def __repr__(self):
        return f"<{len(self)} secrets, hidden>"


@pytest.fixture(scope="module")
def pbx(testbed):
    return testbed.host("office")


@pytest.fixture(scope="module")
def provider(testbed):
    return testbed.host("provider")


@pytest.fixture(scope="module")
def rogue(testbed):
    return testbed.host("rogue")


@pytest.fixture(scope="module")
def phone(testbed):
    return testbed.host("phone")


@pytest.fixture(scope="module")
def call(testbed, pbx, phone):
    """call(number, calls=1, hold_ms=1000) -> the final status of each call, as text, sorted."""
    secret = json.loads(pbx.file(STORE).content_string)["secrets"]["sip_201"]["value"]
    runs = iter(range(1000))

    def place(number, calls=1, hold_ms=1000):
        log = f"/tmp/sipp-{next(runs)}.log"
        phone.run(
            f"sipp -sf /root/call.xml -s {number} -key user 201 -au 201 -ap {secret}"
            f" -i {testbed.address('phone')} -p 5070 -m {calls} -l {calls} -r 10 -d {hold_ms}"
            f" -recv_timeout 15000 -timeout 40s -nostdin -trace_logs -log_file {log}"
            f" {testbed.address('office')}:5060 >/dev/null 2>&1")
        return sorted(re.findall(r"status (\d+)", phone.file(log).content_string if phone.file(log).exists else ""))

    return place


def test_asterisk_loaded_the_trunks_and_the_dial_plan(pbx):
    assert re.search(r"(?m)^\s*Endpoint:\s+itsp[\s/]", asterisk(pbx, "pjsip show endpoints"))
    assert re.search(r"(?m)^peer[\s/]", asterisk(pbx, "iax2 show peers"))
    shown = asterisk(pbx, "dialplan show")
    for context in ("from-internal", "pbxguard-route-outbound", "pbxguard-from-itsp", "pbxguard-from-peer",
                    "pbxguard-refuse", "pbxguard-out-itsp"):
        assert f"[ Context '{context}' created by 'pbx_config' ]" in shown
    # No wildcard anywhere in what a phone or a trunk can reach.
    assert not re.search(r"'_[^']*[.!]'", shown)
    endpoint = asterisk(pbx, "pjsip show endpoint itsp")
    assert re.search(r"(?m)^\s*context\s+:\s+pbxguard-from-itsp\s*$", endpoint)
    assert re.search(r"(?m)^\s*acl\s+:\s+deny/permit", endpoint)


def test_a_domestic_call_reaches_the_provider(call, provider):
    assert call("12125550147") == ["200"]
    assert wait_for(lambda: log_lines(provider, "provider got 12125550147"))


@pytest.mark.parametrize("number", ["011441234567890", "19005550123", "18765550123", "12129765555", "8095550123"],
                         ids=["international", "premium-900", "jamaica", "premium-976", "dominican-10-digit"])
def test_a_blocked_destination_is_refused_and_never_reaches_the_provider(call, pbx, provider, number):
    assert call(number) == ["403"]
    time.sleep(0.5)
    assert log_lines(provider, f"provider got {number}") == []
    assert log_lines(pbx, "pbxguard: refused a blocked or unrouted destination")


def test_a_third_simultaneous_call_over_the_trunk_is_refused(call, pbx, provider):
    before = len(log_lines(pbx, "every trunk of the route is at its cap"))
    assert call("12125550148", calls=3, hold_ms=6000) == ["200", "200", "503"]
    assert len(log_lines(pbx, "every trunk of the route is at its cap")) == before + 1
    assert len(log_lines(provider, "provider got 12125550148")) == 2


def test_a_call_arriving_on_the_trunk_cannot_dial_out_again(pbx, provider):
    # The trunk's DID reaches the PBX (the positive control) ...
    asterisk(provider, "channel originate PJSIP/5551000@pbx application Wait 1")
    assert wait_for(lambda: log_lines(pbx, "call on trunk itsp for DID 5551000"))
    # ... an outside number from the trunk goes nowhere.
    asterisk(provider, "channel originate PJSIP/12125550149@pbx application Wait 1")
    time.sleep(3)
    assert log_lines(provider, "provider got 12125550149") == []
    assert [line for line in log_lines(pbx, "12125550149") if "call on trunk" in line] == []


def test_an_iax2_call_from_another_address_is_refused(pbx, provider, rogue, testbed):
    asterisk(provider, "channel originate IAX2/pbx/5551001 application Wait 1")
    assert wait_for(lambda: log_lines(pbx, "call on trunk peer for DID 5551001"))
    accepted = len(log_lines(pbx, "call on trunk peer for DID 5551001"))
    asterisk(rogue, "channel originate IAX2/pbx/5551001 application Wait 1")
    # The PBX saw the rogue's call (it logs the refusal) and never let it in.
    assert wait_for(lambda: log_lines(pbx, testbed.address("rogue")))
    time.sleep(1)
    assert len(log_lines(pbx, "call on trunk peer for DID 5551001")) == accepted


def test_files_with_secrets_are_private(pbx):
    for name in ("pbxguard_trunks_pjsip.conf", "pbxguard_trunks_iax.conf", "pbxguard_trunks_extensions.conf"):
        file = pbx.file(f"/etc/asterisk/{name}")
        assert (file.user, file.group, file.mode) == ("root", "asterisk", 0o640)


def test_the_rest_of_extensions_conf_is_left_alone(pbx):
    text = pbx.file("/etc/asterisk/extensions.conf").content_string
    original = (SCENARIO / "files" / "pbx" / "extensions.conf").read_text()
    block = ("; BEGIN pbxguard.hardening trunks\n#include pbxguard_trunks_extensions.conf\n"
             "; END pbxguard.hardening trunks\n")
    assert text == original + block


@pytest.fixture(scope="module")
def verbose_rerun(testbed, pbx):
    """A third run, with -v: its whole output, and every secret it must not show."""
    inventory = {"all": {"children": {"pbx": {"hosts": {
        "office": {"ansible_host": testbed.container("office"), "ansible_connection": "containers.podman.podman"}}}}}}
    path = pathlib.Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "rerun-inventory.yml"
    path.write_text(yaml.safe_dump(inventory))
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default")
    run = subprocess.run(["ansible-playbook", "-v", "-i", str(path), str(SCENARIO / "converge.yml")],
                         capture_output=True, text=True, env=env, check=False, timeout=900)
    stored = json.loads(pbx.file(STORE).content_string)["secrets"]
    return Run(run), Hidden([entry["value"] for entry in stored.values()] + [PEER_SECRET])


def test_a_verbose_rerun_changes_nothing(verbose_rerun):
    run, _secrets = verbose_rerun
    recap = re.findall(r"(?m)^(office)\s+:\s+ok=\d+\s+changed=(\d+).*failed=(\d+)", run.stdout)
    assert run.returncode == 0, recap
    assert recap == [("office", "0", "0")]


def test_a_verbose_run_prints_no_secret(verbose_rerun):
    run, secrets = verbose_rerun
    output = run.stdout + run.stderr
    # sip_201, sip_202, vm_201, vm_202 from the store, and the peer's given secret.
    assert len(secrets) == 5
    assert [index for index, secret in enumerate(secrets) if secret in output] == []
