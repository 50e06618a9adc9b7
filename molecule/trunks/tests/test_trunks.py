"""trunks on a real Asterisk 22 PBX with a real Asterisk 22 provider: the PBX registers its
trunk and a DID call reaches it over that registration; a domestic call from an extension
reaches the provider; international, premium and high-fraud calls are refused and never reach
it; a third simultaneous call over a trunk capped at 2 is refused; a call arriving on the trunk
cannot dial out again; an IAX2 call with the peer's secret from another address is refused; an
extension in the call review's block list cannot call out (emergency numbers still go) until it
is cleared; the files with secrets are private, the PBX's own dial plan is left alone. On a
FreePBX 17-style PBX, Asterisk loads the role's blocks together with FreePBX's files, refuses an
international call that FreePBX's own wildcard route would have sent, and FreePBX's files stay
byte for byte. A -v rerun on both PBXs changes nothing and prints no secret.

Secrets are read from the store on the PBX inside the tests and never printed."""

import json
import pathlib
import re
import time

import pytest
from playbook import Hidden

SCENARIO = pathlib.Path(__file__).resolve().parent.parent
STORE = "/etc/pbxguard/secrets.json"
LOG = "/var/log/asterisk/messages.log"
PEER_SECRET = "Kx7RmQ2vTzN9wLp4HbY6cJ3sDf8GaE5u"
ITSP_SECRET = "Wq5TzR8mKx3NvLb7HcY2jP6sDf9GaE4u"
# Extension 201's password in the FreePBX fixture (FreePBX keeps its own secrets).
FREEPBX_201 = "FreePBXFixture201hT6wQ9zK2mV8xR4b"


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


@pytest.fixture(scope="module")
def pbx(testbed):
    return testbed.host("office")


@pytest.fixture(scope="module")
def call(testbed, pbx, phone):
    """call(number, calls=1, hold_ms=1000, to="office") -> the final status of each call from
    extension 201, as text, sorted."""
    secrets = {"office": json.loads(pbx.file(STORE).content_string)["secrets"]["sip_201"]["value"],
               "freepbx": FREEPBX_201}
    runs = iter(range(1000))

    def place(number, calls=1, hold_ms=1000, to="office"):
        log = f"/tmp/sipp-{next(runs)}.log"
        phone.run(
            f"sipp -sf /root/call.xml -s {number} -key user 201 -au 201 -ap {secrets[to]}"
            f" -i {testbed.address('phone')} -p 5070 -m {calls} -l {calls} -r 10 -d {hold_ms}"
            f" -recv_timeout 15000 -timeout 40s -nostdin -trace_logs -log_file {log}"
            f" {testbed.address(to)}:5060 >/dev/null 2>&1")
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


def test_the_trunk_is_registered_with_the_provider(pbx, provider):
    # The provider challenges the REGISTER (account office): Registered means the secret was right.
    assert wait_for(lambda: re.search(r"(?m)^\s*itsp/sip:10\.242\.3\.30:5060\s.*\bRegistered\b",
                                      asterisk(pbx, "pjsip show registrations")))
    # The provider knows the PBX only where it registered: its AOR has no static contact.
    assert re.search(r"(?m)^\s*Contact:\s+office/sip:\S*@10\.242\.3\.10:5060", asterisk(provider, "pjsip show contacts"))


def test_a_did_call_reaches_the_pbx_over_the_registration(pbx, provider):
    before = len(log_lines(pbx, "call on trunk itsp for DID 5551000"))
    asterisk(provider, "channel originate PJSIP/5551000@pbx application Wait 1")
    assert wait_for(lambda: len(log_lines(pbx, "call on trunk itsp for DID 5551000")) > before)


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


def test_an_unauthenticated_iax2_guest_call_is_refused(pbx, provider, testbed):
    # Debian's stock iax.conf on the PBX has [guest] with no secret, context public (the demo).
    refusal = f"IAX2 user ACL: Rejecting '{testbed.address('provider')}'"
    before = len(log_lines(pbx, refusal))
    asterisk(provider, f"channel originate IAX2/guest@{testbed.address('office')}/600 application Wait 1")
    assert wait_for(lambda: len(log_lines(pbx, refusal)) == before + 1)
    assert "guest" in asterisk(pbx, "iax2 show users")


def test_an_extension_the_call_review_blocked_cannot_call_out_until_cleared(call, pbx, provider):
    # What pbxguard-call-review --block runs: the key is the PJSIP endpoint the calls came from.
    assert "success" in asterisk(pbx, "database put pbxguard-blocked 201 international")
    try:
        assert call("12125550150") == ["403"]
        assert wait_for(lambda: log_lines(pbx, "pbxguard: extension 201 is blocked (pbxguard-blocked)"))
        # Emergency numbers still go out.
        assert call("911") == ["200"]
        assert wait_for(lambda: log_lines(provider, "provider got 911"))
        assert log_lines(provider, "provider got 12125550150") == []
    finally:
        cleared = asterisk(pbx, "database del pbxguard-blocked 201")
    assert "removed" in cleared
    assert call("12125550150") == ["200"]
    assert wait_for(lambda: log_lines(provider, "provider got 12125550150"))


def test_freepbx_loaded_the_roles_blocks_with_its_own_files(freepbx):
    # FreePBX's own endpoints and the role's trunk, from pjsip.conf and pjsip_custom.conf.
    endpoints = asterisk(freepbx, "pjsip show endpoints")
    assert re.search(r"(?m)^\s*Endpoint:\s+201[\s/]", endpoints) and re.search(r"(?m)^\s*Endpoint:\s+itsp[\s/]", endpoints)
    assert re.search(r"(?m)^\s*context\s+:\s+pbxguard-from-itsp\s*$", asterisk(freepbx, "pjsip show endpoint itsp"))
    # The IAX2 peer from iax_custom.conf.
    assert re.search(r"(?m)^peer[\s/]", asterisk(freepbx, "iax2 show peers"))
    # The dial plan from extensions_custom.conf, reached from FreePBX's from-internal.
    shown = asterisk(freepbx, "dialplan show 12125550151@from-internal")
    assert "[ Included context 'from-internal-custom' created by 'pbx_config' ]" in shown
    assert "Context 'pbxguard-route-outbound' created by 'pbx_config'" in asterisk(freepbx, "dialplan show pbxguard-route-outbound")
    # Asterisk drops what it cannot parse with a log line only (Debian's stock
    # cel_sqlite3_custom.conf has one such line of its own).
    errors = re.compile(r"parse error|Error parsing|Could not create an object|Could not find option|cannot be parsed")
    assert [line for line in freepbx.file(LOG).content_string.splitlines()
            if errors.search(line) and "cel_sqlite3_custom.conf" not in line] == []


def test_freepbx_own_files_are_unchanged(freepbx):
    checked = freepbx.run("cd /etc/asterisk && sha256sum --check --strict /root/freepbx-owned.sha256")
    assert checked.rc == 0, checked.stdout
    # pjsip.conf, extensions.conf, iax.conf and their generated parts, at least.
    assert len(checked.stdout.splitlines()) >= 12
    for name in ("extensions_custom.conf", "pjsip_custom.conf", "iax_custom.conf"):
        text = freepbx.file(f"/etc/asterisk/{name}").content_string
        assert text.count("; BEGIN pbxguard.hardening trunks") == 1 and text.count("; END pbxguard.hardening trunks") == 1


def test_freepbx_refuses_an_international_call_its_own_route_would_send(call, freepbx, provider):
    # FreePBX's outbound route _011. would dial it over itsp; from-internal-custom comes first.
    assert call("011441234567899", to="freepbx") == ["403"]
    assert wait_for(lambda: log_lines(freepbx, "pbxguard: refused a blocked or unrouted destination"))
    time.sleep(0.5)
    assert log_lines(provider, "provider got 011441234567899") == []


def test_freepbx_sends_a_domestic_call_to_the_provider(call, provider):
    assert call("12125550151", to="freepbx") == ["200"]
    assert wait_for(lambda: log_lines(provider, "provider got 12125550151"))


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
    inventory = testbed.inventory(("office", "freepbx"), "rerun-inventory.yml")
    run = testbed.playbook("converge.yml", "-v", inventory=inventory)
    stored = json.loads(pbx.file(STORE).content_string)["secrets"]
    return run, Hidden([entry["value"] for entry in stored.values()] + [PEER_SECRET, ITSP_SECRET])


def test_a_verbose_rerun_changes_nothing(verbose_rerun):
    run, _secrets = verbose_rerun
    recap = re.findall(r"(?m)^(freepbx|office)\s+:\s+ok=\d+\s+changed=(\d+).*failed=(\d+)", run.stdout)
    assert run.returncode == 0, recap
    assert recap == [("freepbx", "0", "0"), ("office", "0", "0")]


def test_a_verbose_run_prints_no_secret(verbose_rerun):
    run, secrets = verbose_rerun
    output = run.stdout + run.stderr
    # sip_201, sip_202, vm_201, vm_202 from the store, and the trunks' given secrets.
    assert len(secrets) == 6
    assert [index for index, secret in enumerate(secrets) if secret in output] == []
