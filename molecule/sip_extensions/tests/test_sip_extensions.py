"""sip_extensions on two real Asterisk 22 PBXs, plain and FreePBX-style: the extension registers
only from its network with its secret, SIPVicious finds nothing, unauthenticated and anonymous
INVITEs are refused, Asterisk loaded exactly the expected objects, FreePBX's own files are
unchanged, and a -v rerun changes nothing and prints no secret.

Secrets are read from the store on the PBX inside the tests and never printed: every assertion
compares a status or a name, never a command line that holds a secret."""

import json
import pathlib
import re

import pytest
from playbook import Hidden

SCENARIO = pathlib.Path(__file__).resolve().parent.parent
STORE = "/etc/pbxguard/secrets.json"
GIVEN_202 = "Vq3ZtN8wLk5RbX2mHc7JpD4sYf9GaE6u"
FREEPBX_201 = "FreePBXFixture201hT6wQ9zK2mV8xR4b"
CLIENT = "python3 /usr/local/bin/sip_client.py"
REFUSED = {"401", "403", "407", "timeout"}


def asterisk(host, command):
    return host.check_output(f"asterisk -rx '{command}' 2>/dev/null | grep -v 'No ethernet interface'")


def stored(host):
    """name -> value of the PBX's store; never printed."""
    return {name: entry["value"] for name, entry in json.loads(host.file(STORE).content_string)["secrets"].items()}


def register(client, server, user, password):
    """The final status of a REGISTER with digest authentication, as text."""
    # A generous timeout: a replaced registration can take Asterisk over 2 s on a loaded machine.
    return client.run(f"{CLIENT} register --server {server} --user {user} --password {password} --timeout 5"
                      ).stdout.strip()


def test_asterisk_loaded_exactly_the_expected_objects(plain):
    endpoints = asterisk(plain, "pjsip show endpoints")
    assert re.findall(r"(?m)^\s*Endpoint:\s+([^\s/<]+)", endpoints) == ["201", "202", "itsp"]
    aors = dict(re.findall(r"(?m)^\s*Aor:\s+([^\s<]+)\s+(\d+)", asterisk(plain, "pjsip show aors")))
    assert aors == {"201": "1", "202": "2", "itsp": "0"}
    assert re.findall(r"(?m)^\s*Auth:\s+([^\s/<]+)", asterisk(plain, "pjsip show auths")) == ["201-auth", "202-auth"]
    transports = re.findall(r"(?m)^Transport:\s+([^\s<]+)", asterisk(plain, "pjsip show transports"))
    assert sorted(transports) == ["pbxguard-tcp", "pbxguard-tcp6", "pbxguard-tls", "pbxguard-tls6", "pbxguard-udp", "pbxguard-udp6"]


@pytest.mark.parametrize("pbx", ["plain", "freepbx"])
def test_each_extension_has_its_acls_and_one_contact(testbed, pbx):
    host = testbed.host(pbx)
    endpoint = asterisk(host, "pjsip show endpoint 201")
    assert re.search(r"(?m)^\s*acl\s+:\s+deny/permit", endpoint)
    assert re.search(r"(?m)^\s*contact_acl\s+:\s+deny/permit", endpoint)
    assert re.search(r"(?m)^\s*allow_unauthenticated_options\s+:\s+false", endpoint)
    aor = asterisk(host, "pjsip show aor 201")
    assert re.search(r"(?m)^\s*max_contacts\s+:\s+1\s*$", aor)
    assert re.search(r"(?m)^\s*remove_existing\s+:\s+true", aor)


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_the_extension_registers_from_its_network(testbed, plain, phone, family):
    status = register(phone, testbed.address("plain", family), "201", stored(plain)["sip_201"])
    assert status == "200"


def test_a_given_secret_registers(testbed, phone):
    status = register(phone, testbed.address("plain"), "202", GIVEN_202)
    assert status == "200"


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_the_same_secret_from_another_address_does_not_register(testbed, plain, attacker, family):
    status = register(attacker, testbed.address("plain", family), "201", stored(plain)["sip_201"])
    assert status in REFUSED


def test_a_wrong_secret_is_refused(testbed, phone):
    status = register(phone, testbed.address("plain"), "201", "WrongSecret0000000000000000000000")
    assert status in REFUSED - {"timeout"}


@pytest.mark.parametrize("client", ["phone", "attacker"])
def test_svwar_finds_no_extension(testbed, client):
    scan = testbed.host(client).run(f"sipvicious_svwar -e 100-299 -m REGISTER {testbed.address('plain')}")
    found = re.findall(r"\|\s*(\d+)\s*\|", scan.stdout)
    assert found == [], scan.stdout


def test_an_invite_without_authentication_is_refused(testbed, phone):
    status = phone.run(f"{CLIENT} invite --server {testbed.address('plain')} --user 201 --to 202").stdout.strip()
    assert status in REFUSED


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_an_anonymous_invite_to_an_outside_number_is_refused(testbed, attacker, family):
    server = testbed.address("plain", family)
    status = attacker.run(f"{CLIENT} invite --server {server} --user anonymous --to 0044201234567").stdout.strip()
    assert status in REFUSED


def test_no_anonymous_endpoint_and_no_revealing_user_agent(plain, freepbx):
    for host in (plain, freepbx):
        assert "anonymous" not in asterisk(host, "pjsip show endpoints")
        settings = asterisk(host, "pjsip show settings")
        assert re.search(r"(?m)^\s*user_agent\s+:\s+PBX\s*$", settings), settings
        assert re.search(r"(?m)^\s*endpoint_identifier_order\s+:\s+ip,username\s*$", settings)


def test_voicemail_boxes_with_generated_pins(plain):
    users = asterisk(plain, "voicemail show users for default")
    assert re.search(r"(?m)^default\s+201\s", users) and re.search(r"(?m)^default\s+202\s", users)
    text = plain.file("/etc/asterisk/pbxguard_voicemail.conf").content_string
    pins = stored(plain)
    assert all(re.fullmatch(r"[0-9]{8}", pins[f"vm_{n}"]) for n in ("201", "202"))
    assert f"201 => {pins['vm_201']}," in text
    assert "minpassword=8" in text and "maxlogins=3" in text and "passwordlocation=spooldir" in text


def test_the_sample_mailboxes_with_published_pins_are_disabled(plain):
    users = asterisk(plain, "voicemail show users")
    assert not re.search(r"(?m)^(default|other)\s+1234\s", users), users
    text = plain.file("/etc/asterisk/voicemail.conf").content_string
    assert "; 1234 => 4242,Example Mailbox,root@localhost ; disabled by pbxguard.hardening" in text
    assert re.findall(r"(?m)^1234 =>", text) == []


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_the_extension_registers_over_tls_with_the_roles_certificate(testbed, plain, phone, family):
    served = phone.run(f"python3 /usr/local/bin/tls_register.py --server {testbed.address('plain', family)}"
                       f" --user 201 --password {stored(plain)['sip_201']}").stdout.split()
    on_disk = plain.check_output(
        "python3 -c 'import hashlib, sys; from cryptography import x509;"
        " from cryptography.hazmat.primitives.serialization import Encoding;"
        " cert = x509.load_pem_x509_certificate(open(sys.argv[1], \"rb\").read());"
        " print(hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(), cert.subject.rfc4514_string())'"
        " /etc/asterisk/pbxguard-tls/sip.crt").split()
    assert served[0] in ("TLSv1.2", "TLSv1.3") and served[2] == "200", served
    assert served[1] == on_disk[0] and on_disk[1] == "CN=plain"


def test_the_tls_key_is_private(plain):
    key = plain.file("/etc/asterisk/pbxguard-tls/sip.key")
    assert (key.user, key.group, key.mode) == ("root", "asterisk", 0o640)
    assert plain.file("/etc/asterisk/pbxguard-tls").mode == 0o750


@pytest.mark.parametrize(("pin", "verdict"), [("11112222", "INVALID"), ("80201574", "INVALID"), ("63925087", "VALID")])
def test_pins_users_set_are_judged_by_the_policy(plain, pin, verdict):
    text = plain.file("/etc/asterisk/pbxguard_voicemail.conf").content_string
    command = re.search(r"(?m)^externpasscheck=(.+)$", text).group(1)
    # As Asterisk runs it: as its own user, with mailbox, context, old and new PIN appended.
    out = plain.check_output(f"runuser -u asterisk -- {command} 201 default 80574913 {pin}")
    assert out.split(":")[0] == verdict


def test_files_with_secrets_are_private(plain):
    for name in ("pbxguard_pjsip.conf", "pbxguard_voicemail.conf"):
        file = plain.file(f"/etc/asterisk/{name}")
        assert (file.user, file.group, file.mode) == ("root", "asterisk", 0o640)
    store = plain.file(STORE)
    assert (store.user, store.mode) == ("root", 0o600)


def test_the_rest_of_pjsip_conf_is_left_alone(plain):
    text = plain.file("/etc/asterisk/pjsip.conf").content_string
    original = (SCENARIO / "files" / "pjsip.conf").read_text()
    block = ("; BEGIN pbxguard.hardening sip_extensions\n#include pbxguard_pjsip.conf\n"
             "; END pbxguard.hardening sip_extensions\n")
    assert text == original + block


@pytest.mark.parametrize("pbx", ["plain", "freepbx"])
def test_ami_and_http_only_on_localhost(testbed, pbx):
    host = testbed.host(pbx)
    assert re.search(r"TCP Bindaddress:\s+127\.0\.0\.1:5038", asterisk(host, "manager show settings"))
    http = asterisk(host, "http show status")
    assert "Server Disabled" in http or "Bound to 127.0.0.1:" in http
    listening = host.check_output("ss -Hltn")
    assert not re.search(r"(0\.0\.0\.0|\[::\]|\*):(5038|8088)\s", listening), listening


def test_freepbx_owned_files_are_byte_for_byte_unchanged(freepbx):
    assert freepbx.run("cd /etc/asterisk && sha256sum --quiet -c /root/freepbx-owned.sha256").rc == 0


def test_freepbx_endpoints_take_the_acls(testbed, phone, attacker):
    server = testbed.address("freepbx")
    assert register(phone, server, "201", FREEPBX_201) == "200"
    assert register(attacker, server, "201", FREEPBX_201) in REFUSED


def test_freepbx_blocks_are_in_the_custom_files(freepbx):
    endpoint = freepbx.file("/etc/asterisk/pjsip.endpoint_custom_post.conf").content_string
    assert "[201](+type=endpoint)" in endpoint and "permit=10.242.6.16/28" in endpoint
    assert "[201](+type=aor)" in freepbx.file("/etc/asterisk/pjsip.aor_custom_post.conf").content_string


@pytest.fixture(scope="module")
def verbose_rerun(testbed, plain):
    """A third run, with -v, on both PBXs: its whole output, and every secret it must not show."""
    inventory = testbed.inventory(("plain", "freepbx"), "rerun-inventory.yml")
    run = testbed.playbook("converge.yml", "-v", inventory=inventory)
    # Hidden, not a plain list: a failure report would print the fixture's value.
    return run, Hidden(list(stored(plain).values()) + [GIVEN_202])


def test_a_verbose_rerun_changes_nothing(verbose_rerun):
    run, _secrets = verbose_rerun
    # The recap only: the output itself is what the next test searches for secrets.
    recap = re.findall(r"(?m)^(plain|freepbx)\s+:\s+ok=\d+\s+changed=(\d+).*failed=(\d+)", run.stdout)
    assert run.returncode == 0, recap
    assert sorted(recap) == [("freepbx", "0", "0"), ("plain", "0", "0")]


def test_a_verbose_run_prints_no_secret(verbose_rerun):
    run, secrets = verbose_rerun
    output = run.stdout + run.stderr
    leaked = [index for index, secret in enumerate(secrets) if secret in output]
    # sip_201, vm_201 and vm_202 from the store, and 202's given secret.
    assert len(secrets) == 4
    assert leaked == []
