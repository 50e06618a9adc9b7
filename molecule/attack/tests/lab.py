"""The attack lab: its hosts, the attacks' shared pieces and the legitimate path.

One test file per road (test_road<NN>_<road>.py), run in order: a road that needs a layer
that has not landed yet gets its file when the layer does. Every road file ends with the
legitimate path (the LAN phone registers and calls) on the PBXs it attacked.

Bans are per address and remembered, so each unlisted address plays one part on "world":
  outsider IPv4  stock SIPVicious (dropped as a scanner) and the disguised svmap
  outsider IPv6  the stolen secret from an unlisted address (banned by the end)
  guesser IPv4   the disguised password guesser (banned)
  guesser IPv6   the flood (banned)
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))
import attacks  # noqa: E402  (tests/ is not a package)
from containers import Container  # noqa: E402

REFUSED = {"401", "403", "407", "timeout"}
# The answering test number and an outside number (the dialplan's stand-in trunk logs it).
TEST_NUMBER = "600"
OUTSIDE_NUMBER = "0201234567"
OUTSIDE_LOG = "pbxguard-lab outside call to"


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

    def register(self, client, pbx, secret, family="ipv4"):
        return self.sip(client, "register", server=self.address(pbx, family), user="201", password=secret,
                        timeout=5)

    def call(self, client, pbx, secret, number=TEST_NUMBER, family="ipv4"):
        return self.sip(client, "call", server=self.address(pbx, family), user="201", password=secret,
                        to=number, timeout=5)

    def secret(self, pbx):
        """Extension 201's generated secret on pbx (never printed: tests compare statuses)."""
        return attacks.secret(self.host(pbx), "sip_201")

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


def legitimate_path(lab, pbx):
    """The LAN phone registers extension 201 with its secret and calls the test number."""
    secret = lab.secret(pbx)
    assert lab.register("phone", pbx, secret) == "200"
    assert lab.call("phone", pbx, secret) == "200"
