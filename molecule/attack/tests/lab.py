"""The attack lab: its hosts, the attacks' shared pieces and the legitimate path.

One test file per road (test_road<NN>_<road>.py), run in order: a road that needs a layer
that has not landed yet gets its file when the layer does. Every road file ends with the
legitimate path (the LAN phone registers and calls) on the PBXs it attacked.

Bans are per address and remembered, so each unlisted address plays one part on "world":
  outsider IPv4  stock SIPVicious (dropped as a scanner) and the disguised svmap
  outsider IPv6  the stolen secret from an unlisted address (banned by the end)
  guesser IPv4   the disguised password guesser (banned)
  guesser IPv6   the flood (banned)
  roamer IPv4    the VPN impostor (office only; it reaches office's SIP through the tunnel)

office alone has a provider (the "provider" container, a real Asterisk: a PJSIP trunk capped
at 2 calls and an IAX2 peer whose DID leads to DISA) and two VPN phones, 202 and 203. world
alone has a roaming extension, 401, whose phone (the "traveller" container) is on an address no
list names: it plays no attacker, and no road may ban it.
"""

import json
import os
import re
import shlex
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))
import attacks  # noqa: E402  (tests/ is not a package)
from containers import Container  # noqa: E402

REFUSED = {"401", "403", "407", "timeout"}
# The answering test number and an outside number (the dialplan's stand-in trunk logs it).
TEST_NUMBER = "600"
OUTSIDE_NUMBER = "0201234567"
OUTSIDE_LOG = "pbxguard-lab outside call to"
# Asterisk's own log on a PBX or the provider (notices and warnings).
ASTERISK_LOG = "/var/log/asterisk/messages*"
# The lab PBXs' FreePBX-style log with verbose lines (prepare.yml): voicemail's wrong PINs.
FULL_LOG = "/var/log/asterisk/full*"
# What the provider logs of every call that reaches it (molecule/trunks' provider dial plan).
PROVIDER_LOG = "provider got"
# A domestic number: the outbound route takes it to the provider.
DOMESTIC_NUMBER = "12125550147"
# office's address inside its VPN, and the VPN phones' fixed addresses.
VPN_SERVER = "10.242.7.129"
VPN_PHONES = {"202": "10.242.7.140", "203": "10.242.7.141"}
# Where the openvpn role left office's phone profiles on the controller.
PROFILES = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "profiles" / "office"
TUNNEL_UP = "Initialization Sequence Completed"
# world's roaming extension, its phone (the roaming scenario's softphone.py) and the echo test
# it calls (the lab's dial plan); the firewall admits it once it has registered.
ROAMING_PHONE = "traveller"
ROAMING_NUMBER = "401"
ECHO_NUMBER = "601"
SOFTPHONE = "python3 /usr/local/bin/softphone.py"
LEARNED_V4 = "nft list set inet pbxguard learned_v4"
# softphone.py sends 100 RTP packets a call; a few may be lost on a loaded machine.
MIN_ECHOED = 95


class Lab:
    """The running lab: Container objects by name, their addresses, the PBXs' secrets."""

    def __init__(self, testbed):
        self.testbed = testbed

    def host(self, name):
        return Container(self.testbed.container(name))

    def address(self, name, family="ipv4"):
        return self.testbed.address(name, family)

    def sip(self, client, command, **options):
        """sip_client.py COMMAND on client with --key value options; its output line."""
        argv = " ".join(f"--{key.replace('_', '-')}" + ("" if value is True else f" {value}")
                        for key, value in options.items())
        return self.host(client).sh(f"{attacks.SIP_CLIENT} {command} {argv}", check=False).strip()

    def register(self, client, pbx, secret, family="ipv4", user="201", server=None):
        """REGISTER user at pbx (or at server, an address of pbx such as its VPN one)."""
        return self.sip(client, "register", server=server or self.address(pbx, family), user=user, password=secret,
                        timeout=5)

    def call(self, client, pbx, secret, number=TEST_NUMBER, family="ipv4"):
        return self.sip(client, "call", server=self.address(pbx, family), user="201", password=secret,
                        to=number, timeout=5)

    def secret(self, pbx, name="sip_201"):
        """A generated secret or PIN on pbx (sip_201, vm_201, disa_pin; never printed: tests
        compare statuses and counts)."""
        return attacks.secret(self.host(pbx), name)

    def asterisk(self, host, command):
        """An Asterisk CLI command on host; its output. Never raises: a command may hold a PIN,
        and a raised error would show it."""
        return self.host(host).sh(f"asterisk -rx {shlex.quote(command)}", check=False)

    def log_lines(self, host, text, log=ASTERISK_LOG):
        """The lines of host's Asterisk log (log, a glob) that hold text."""
        return self.host(host).sh(f"grep -hF {shlex.quote(text)} {log} 2>/dev/null || true").splitlines()

    def provider_calls(self, number):
        """Calls to number that reached the provider."""
        return self.log_lines("provider", f"{PROVIDER_LOG} {number}")

    @staticmethod
    def wait_for(probe, timeout=30):
        """probe()'s first true value within timeout seconds, else its last value."""
        deadline = time.time() + timeout
        value = probe()
        while not value and time.time() < deadline:
            time.sleep(0.3)
            value = probe()
        return value

    def wait_until_idle(self, *hosts, timeout=30):
        """Wait until no channel is up on any of hosts (an Asterisk each); whether they all are."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            counts = [re.search(r"(\d+) active channel", self.asterisk(host, "core show channels count")) for host in hosts]
            if all(count and count.group(1) == "0" for count in counts):
                return True
            time.sleep(0.5)
        return False

    def iax2_answers(self, client, pbx, family="ipv4"):
        """Does pbx answer anything to an IAX2 POKE and an IAX2 NEW (a call) from client
        within 3 s? Full frames of RFC 5456; a peer gets a PONG, a call token or a reject."""
        probe = ("import socket, struct, sys\n"
                 "family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET\n"
                 "s = socket.socket(family, socket.SOCK_DGRAM); s.settimeout(3)\n"
                 "s.connect((sys.argv[1], 4569))\n"
                 "def frame(call, subclass, ies=b''):\n"
                 "    return struct.pack('!HHIBBBB', 0x8000 | call, 0, 3, 0, 0, 6, subclass) + ies\n"
                 "s.send(frame(1, 0x1e))  # POKE\n"
                 "ies = bytes([11, 2, 0, 2]) + bytes([1, 7]) + b'5551009' + bytes([6, 4]) + b'peer'\n"
                 "s.send(frame(2, 0x01, ies))  # NEW: version 2, called number, username\n"
                 "try:\n"
                 "    print('answer', len(s.recv(4096)))\n"
                 "except OSError:\n"
                 "    print('no answer')\n")
        return self.host(client).sh(f"python3 - {self.address(pbx, family)}", stdin=probe).strip() != "no answer"

    def outside_calls(self, pbx):
        """Calls that reached the outside route (the stand-in trunk) on pbx."""
        log = self.host(pbx).sh(f"grep -h '{OUTSIDE_LOG}' /var/log/asterisk/messages* 2>/dev/null || true")
        return log.splitlines()

    def wait_for_ban(self, pbx, address, timeout=60):
        """Seconds until fail2ban has banned address on pbx (polled), or None."""
        start = time.time()
        while time.time() - start < timeout:
            if address in attacks.banned(self.host(pbx)):
                return time.time() - start
            time.sleep(0.3)
        return None

    def reachable(self, client, pbx, ports, family="ipv4"):
        """{port: the first line the TCP service on pbx sends client, or "unreachable"}, all
        ports tried at once (a dropped port costs its 3 s timeout)."""
        probe = ("import socket, sys, concurrent.futures as cf\n"
                 "def first(port):\n"
                 "    try:\n"
                 "        with socket.create_connection((sys.argv[1], port), 3) as s:\n"
                 "            s.settimeout(3)\n"
                 "            return (s.recv(80).decode(errors='replace').splitlines() or [''])[0]\n"
                 "    except OSError:\n"
                 "        return 'unreachable'\n"
                 "ports = [int(p) for p in sys.argv[2:]]\n"
                 "for port, line in zip(ports, cf.ThreadPoolExecutor(len(ports)).map(first, ports)):\n"
                 "    print(port, line)\n")
        output = self.host(client).sh(f"python3 - {self.address(pbx, family)} {' '.join(map(str, ports))}",
                                      stdin=probe)
        return {int(port): line for port, _sep, line in (row.partition(" ") for row in output.splitlines())}

    def echoed(self, client, pbx, port=19990, family="ipv4"):
        """Does a UDP datagram from client to pbx's port come back (the stand-in media port)?"""
        target = self.address(pbx, family)
        kind = "AF_INET6" if family == "ipv6" else "AF_INET"
        probe = (f"import socket; s = socket.socket(socket.{kind}, socket.SOCK_DGRAM); s.settimeout(2); "
                 f"s.sendto(b'rtp-probe', ({target!r}, {port})); print(s.recv(64) == b'rtp-probe')")
        return self.host(client).sh(f"python3 -c \"{probe}\" 2>/dev/null || echo False", check=False).strip() == "True"


class Tunnel:
    """An OpenVPN client on client, started from the profile the openvpn role left for phone
    (a number) on the controller; the profile is copied in, never printed."""

    def __init__(self, lab, client, phone):
        self.host = lab.host(client)
        self.name = f"phone-{phone}"
        self.log = f"/tmp/{self.name}.log"
        self.host.copy_in(PROFILES / f"{self.name}.ovpn", f"/root/{self.name}.ovpn")

    def start(self, timeout=40):
        """Whether the tunnel came up within timeout seconds."""
        self.host.sh(f"rm -f {self.log}; openvpn --config /root/{self.name}.ovpn --daemon {self.name}"
                     f" --log {self.log} --writepid /run/{self.name}.pid")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if TUNNEL_UP in self.text():
                return True
            time.sleep(0.5)
        return False

    def text(self):
        return self.host.sh(f"cat {self.log} 2>/dev/null || true")

    def stop(self):
        self.host.sh(f"kill $(cat /run/{self.name}.pid) 2>/dev/null; rm -f /run/{self.name}.pid", check=False)


def legitimate_path(lab, pbx):
    """The LAN phone registers extension 201 with its secret and calls the test number; on
    world the roaming phone meanwhile registers 401 and calls the echo test (roaming_path)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        roaming = pool.submit(roaming_session, lab) if pbx == "world" else None
        secret = lab.secret(pbx)
        assert lab.register("phone", pbx, secret) == "200"
        assert lab.call("phone", pbx, secret) == "200"
        if roaming:
            roaming_path(lab, roaming.result())


def roaming_session(lab):
    """The roaming phone registers 401 at world, waits until world's firewall has learned its
    address (until then its SIP is held to the world's byte budget and its RTP is dropped),
    then runs softphone.py for one call to the echo test. What it saw: {registered, learned,
    session (softphone.py's report, or None)}."""
    phone, address = lab.host(ROAMING_PHONE), lab.address(ROAMING_PHONE)
    secret = lab.secret("world", f"sip_{ROAMING_NUMBER}")
    seen = {"registered": lab.register(ROAMING_PHONE, "world", secret, user=ROAMING_NUMBER)}
    seen["learned"] = bool(lab.wait_for(lambda: address in lab.host("world").sh(LEARNED_V4, check=False), timeout=15))
    # One call soon after the start (--first-call 0); the session ends with that call. Never
    # raises (check=False): the command line holds the secret.
    report = phone.sh(f"rm -f /tmp/session.json; {SOFTPHONE} --server {lab.address('world')} --user {ROAMING_NUMBER}"
                      f" --password {shlex.quote(secret)} --duration 1 --first-call 0 --register-every 60"
                      f" --call-every 60 --to {ECHO_NUMBER} --result /tmp/session.json >/dev/null 2>&1;"
                      f" cat /tmp/session.json 2>/dev/null", check=False).strip()
    seen["session"] = json.loads(report) if report else None
    return seen


def roaming_path(lab, seen):
    """The roaming phone registered from its unlisted address, its address is learned, its
    call connected and echoed RTP both ways, and no road banned it."""
    assert seen["registered"] == "200"
    assert seen["learned"], lab.host("world").sh(LEARNED_V4, check=False)
    session = seen["session"]
    assert session and [entry["status"] for entry in session["registrations"]] == [200], session
    assert len(session["calls"]) == 1, session
    call = session["calls"][0]
    assert call["status"] == 200 and call["bye"] == 200, call
    assert call["echoed"] >= MIN_ECHOED, call
    assert lab.address(ROAMING_PHONE) not in attacks.banned(lab.host("world"))
