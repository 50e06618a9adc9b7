"""openvpn on a real Asterisk 22 PBX, with the attacker image as the remote phone: the phone
connects with the profile the role left on the controller, gets its fixed VPN address,
registers and calls (RTP both ways) through the tunnel; the same secret from its LAN address
does not register; a broken server configuration is refused; after revocation the phone
cannot connect while another still can, and the -v run that revoked it printed no private key.

Secrets and keys are read inside the tests and never printed: assertions compare statuses,
addresses and counts.
"""

import json
import os
import pathlib
import re
import subprocess
import time

import pytest

PROFILES = pathlib.Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "profiles" / "pbx"
DIR = "/etc/openvpn/server/pbxguard"
SERVER = "10.242.4.129"
ADDRESSES = {"phone-201": "10.242.4.140", "phone-202": "10.242.4.141"}
STORE = "/etc/pbxguard/secrets.json"
REFUSED = {"401", "403", "407", "timeout"}
COMPLETED = "Initialization Sequence Completed"


def secret(pbx, number):
    return json.loads(pbx.file(STORE).content_string)["secrets"][f"sip_{number}"]["value"]


def register(phone, server, number, password):
    return phone.run(f"python3 /usr/local/bin/sip_client.py register --server {server} --user {number}"
                     f" --password {password} --timeout 5").stdout.strip()


class Tunnel:
    """An OpenVPN client on the phone, started from a profile copied from the controller."""

    def __init__(self, testbed, name):
        self.testbed, self.name = testbed, name
        self.phone = testbed.host("phone")
        self.log = f"/tmp/{name}.log"

    def start(self, timeout=40):
        """Whether the tunnel came up within timeout seconds."""
        self.phone.run(f"rm -f {self.log}")
        self.phone.check_output(f"openvpn --config /root/{self.name}.ovpn --daemon {self.name} --log {self.log}"
                                f" --writepid /run/{self.name}.pid")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if COMPLETED in self.text():
                return True
            time.sleep(0.5)
        return False

    def text(self):
        return self.phone.run(f"cat {self.log}").stdout

    def stop(self):
        self.phone.run(f"kill $(cat /run/{self.name}.pid); rm -f /run/{self.name}.pid")
        # The tun device goes with the process: wait for it, so the next tunnel gets tun0.
        deadline = time.monotonic() + 5
        while "tun" in self.phone.check_output("ip -o link") and time.monotonic() < deadline:
            time.sleep(0.25)


def install_profile(testbed, name):
    """Copy the controller's profile into the phone (the profile itself is never printed)."""
    subprocess.run(["podman", "cp", str(PROFILES / f"{name}.ovpn"), f"{testbed.container('phone')}:/root/{name}.ovpn"],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def profiles(testbed):
    """Both profiles, copied into the phone before the revocation run removes one."""
    for name in ADDRESSES:
        install_profile(testbed, name)
    return {name: (PROFILES / f"{name}.ovpn").read_text() for name in ADDRESSES}


@pytest.fixture(scope="module")
def tunnel_201(testbed, profiles):
    tunnel = Tunnel(testbed, "phone-201")
    up = tunnel.start()
    yield tunnel, up
    tunnel.stop()


def test_profiles_are_private_inline_and_without_a_password(profiles):
    assert PROFILES.stat().st_mode & 0o777 == 0o700
    assert sorted(path.name for path in PROFILES.iterdir()) == ["phone-201.ovpn", "phone-202.ovpn"]
    for name, text in profiles.items():
        assert (PROFILES / f"{name}.ovpn").stat().st_mode & 0o777 == 0o600
        for block in ("ca", "cert", "key", "tls-crypt"):
            # OpenVPN's static key starts with comment lines of its own.
            assert re.search(rf"(?s)<{block}>\n(#[^\n]*\n)*-----BEGIN [^\n]+-----\n.+-----END [^\n]+-----\n</{block}>",
                             text), block
        assert "auth-user-pass" not in text and "askpass" not in text and "ENCRYPTED" not in text
        assert "\nremote 10.242.4.10 1194\n" in text and "\ndata-ciphers AES-256-GCM\n" in text


def test_private_keys_are_root_only(pbx):
    assert pbx.file(f"{DIR}/pki").mode == 0o700
    keys = pbx.check_output(f"find {DIR} -name '*.key' -printf '%P %u %m\\n' | sort").splitlines()
    assert keys == [f"pki/{name} root 600" for name in
                    ("ca.key", "phones/phone-201.key", "phones/phone-202.key", "server.key", "tls-crypt.key")]


def test_the_server_runs_unprivileged_on_udp_1194(pbx):
    assert pbx.service("openvpn-server@pbxguard").is_running
    assert pbx.service("openvpn-server@pbxguard").is_enabled
    assert re.search(r"(?m)^UNCONN\s.*:1194\s", pbx.check_output("ss -Hlnu"))
    assert pbx.check_output("ps -o user= -C openvpn").split() == ["nobody"]
    config = pbx.file("/etc/openvpn/server/pbxguard.conf").content_string
    assert "client-to-client" not in config.replace("No client-to-client", "")
    assert "\nccd-exclusive\n" in config and f"\ncrl-verify {DIR}/crl.pem\n" in config


def test_the_phone_gets_its_fixed_address(tunnel_201, phone):
    tunnel, up = tunnel_201
    assert up, tunnel.text()[-2000:]
    assert f"inet {ADDRESSES['phone-201']}/26 " in phone.check_output("ip -4 -o addr show dev tun0")
    assert re.search(r"Data Channel: cipher 'AES-256-GCM'", tunnel.text())
    assert re.search(r"Control Channel: TLSv1\.[23]", tunnel.text())
    # The PBX's VPN address is reached through the tunnel, not the LAN.
    assert " dev tun0 " in phone.check_output(f"ip route get {SERVER}")


def test_the_extension_registers_through_the_tunnel(tunnel_201, pbx, phone):
    assert tunnel_201[1]
    assert register(phone, SERVER, "201", secret(pbx, "201")) == "200"
    contacts = pbx.check_output("asterisk -rx 'pjsip show contacts'")
    assert re.search(rf"Contact:\s+201/sip:201@{re.escape(ADDRESSES['phone-201'])}:", contacts), contacts


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_the_same_secret_from_outside_the_tunnel_does_not_register(testbed, tunnel_201, pbx, phone, family):
    assert register(phone, testbed.address("pbx", family), "201", secret(pbx, "201")) in REFUSED


def test_another_phones_address_is_not_this_extensions(tunnel_201, pbx, phone):
    # 202 is bound to 10.242.4.141: from 201's tunnel address its secret does not register.
    assert register(phone, SERVER, "202", secret(pbx, "202")) in REFUSED


def test_a_call_through_the_tunnel_carries_rtp_both_ways(tunnel_201, pbx, phone):
    assert tunnel_201[1]
    run = phone.run(f"python3 /usr/local/bin/sip_call.py --server {SERVER} --user 201"
                    f" --password {secret(pbx, '201')} --to 600 --packets 50")
    call = json.loads(run.stdout)
    assert call["status"] == 200
    # Asterisk offers its media on its VPN address: the RTP stays in the tunnel.
    assert call["media"].startswith(f"{SERVER}:")
    assert call["sent"] == 50 and call["received"] >= 25, call
    assert call["bye"] == 200


@pytest.mark.parametrize(("change", "expected"), [
    (("cert pki/server.crt", "cert pki/missing.crt"), "missing.crt"),
    (("verb 3", "verb 3\nno-such-option yes"), "no-such-option"),
    (("ifconfig 10.242.4.129", "ifconfig 10.242.4.300"), "10.242.4.300"),
], ids=["missing-file", "unknown-option", "bad-address"])
def test_a_configuration_that_cannot_start_is_refused(testbed, pbx, change, expected):
    live = pbx.file("/etc/openvpn/server/pbxguard.conf").content_string
    old, new = change
    old = old.replace("pki/", f"{DIR}/pki/")
    new = new.replace("pki/", f"{DIR}/pki/")
    assert old in live
    arguments = json.dumps({"content": live.replace(old, new), "timeout": 15})
    run = subprocess.run(
        ["ansible", "all", "-i", f"{testbed.container('pbx')},", "-c", "containers.podman.podman",
         "-m", "pbxguard.hardening.openvpn_config_check", "-a", arguments],
        capture_output=True, text=True, check=False, timeout=120,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    assert run.returncode != 0 and "does not start with this configuration" in run.stdout, run.stdout[-1500:]
    assert expected in run.stdout
    assert pbx.file("/etc/openvpn/server/pbxguard.conf").content_string == live


@pytest.fixture(scope="module")
def revoked(testbed, pbx, profiles, tunnel_201):
    """Revoke 201 with a -v run of the converge play, while its tunnel is up."""
    inventory = testbed.inventory(("pbx",), "revoke-inventory.yml")
    run = testbed.playbook("converge.yml", "-v", inventory=inventory, extra_vars={"openvpn_revoked_phones": ["201"]})
    tunnel_201[0].stop()
    return run


def test_the_revoking_run_succeeds_and_changes_what_it_must(revoked, pbx):
    recap = re.findall(r"(?m)^pbx\s+:\s+ok=\d+\s+changed=(\d+).*failed=(\d+)", revoked.stdout)
    # The names of the tasks that failed, never their output.
    failed = re.findall(r"(?m)^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK \[)[^\n]*\n)*?fatal:", revoked.stdout)
    assert revoked.returncode == 0, (recap, failed)
    assert int(recap[0][0]) > 0
    assert not pbx.file(f"{DIR}/ccd/phone-201").exists and pbx.file(f"{DIR}/ccd/phone-202").exists
    assert not pbx.file(f"{DIR}/pki/phones/phone-201.key").exists
    assert not (PROFILES / "phone-201.ovpn").exists() and (PROFILES / "phone-202.ovpn").exists()
    # The PBX has python3-cryptography (community.crypto's need), not the openssl command.
    in_crl = pbx.check_output(
        "python3 -c 'import sys; from cryptography import x509;"
        " cert = x509.load_pem_x509_certificate(open(sys.argv[1], \"rb\").read());"
        " crl = x509.load_pem_x509_crl(open(sys.argv[2], \"rb\").read());"
        " print(crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None)'"
        f" {DIR}/pki/phones/phone-201.crt {DIR}/crl.pem")
    assert in_crl == "True"


def test_the_revoking_run_prints_no_key_or_profile(revoked, profiles):
    output = revoked.stdout + revoked.stderr
    assert "PRIVATE KEY" not in output and "OpenVPN Static key" not in output
    bodies = [line for text in profiles.values() for line in text.splitlines() if len(line) >= 40]
    assert len(bodies) > 50
    assert [index for index, line in enumerate(bodies) if line in output] == []


def test_the_revoked_phone_cannot_connect(testbed, revoked, pbx):
    tunnel = Tunnel(testbed, "phone-201")
    try:
        assert not tunnel.start(timeout=20)
    finally:
        tunnel.stop()
    journal = pbx.check_output("journalctl -u openvpn-server@pbxguard --no-pager -o cat")
    assert re.search(r"VERIFY ERROR: depth=0, error=certificate revoked: .*CN=phone-201", journal), journal[-2000:]


def test_another_phone_still_connects_and_registers(testbed, revoked, pbx, phone):
    tunnel = Tunnel(testbed, "phone-202")
    try:
        assert tunnel.start(), tunnel.text()[-2000:]
        assert f"inet {ADDRESSES['phone-202']}/26 " in phone.check_output("ip -4 -o addr show dev tun0")
        assert register(phone, SERVER, "202", secret(pbx, "202")) == "200"
    finally:
        tunnel.stop()
