"""Real packets from the clients to the PBXs, over IPv4 and IPv6: what the inventory
admits gets through, everything else is dropped. The listener on each PBX logs what
arrives, so a packet the firewall wrongly drops (or admits) fails a test."""

import time
import uuid

import pytest

PBXS = ["pbx-nft", "pbx-ipt", "world-nft", "world-ipt"]
FAMILIES = ["ipv4", "ipv6"]
LISTENER_LOG = "/run/pbxguard-listener.log"

# (client, protocol, port, expected to get through) on a PBX closed to the world.
CASES = [
    ("phone", "udp", 5060, True),  # SIP from the LAN
    ("phone", "udp", 10000, True),  # RTP, first port
    ("phone", "udp", 20000, True),  # RTP, last port
    ("phone", "tcp", 5061, True),  # SIP over TLS
    ("phone", "udp", 4569, False),  # IAX2 only from the IAX2 trunk
    ("phone", "tcp", 22, False),  # SSH only from the admin network
    ("phone", "tcp", 80, False),
    ("iaxpeer", "udp", 4569, True),
    ("iaxpeer", "udp", 5060, False),  # an IAX2 trunk is no SIP source
    ("admin", "tcp", 22, True),
    ("admin", "tcp", 80, True),
    ("admin", "udp", 5060, False),
    ("stranger", "udp", 5060, False),
    ("stranger", "udp", 10000, False),
    ("stranger", "udp", 4569, False),
    ("stranger", "tcp", 22, False),
    ("stranger", "tcp", 5061, False),
    ("stranger", "udp", 1194, False),  # OpenVPN is off in this site
]


def send(testbed, client, protocol, address, port, payload, source_port=None):
    """Send one UDP datagram or open one TCP connection (2 s timeout) from client."""
    bind = f"s.bind(('', {source_port}))" if source_port else "pass"
    script = (
        "import socket, sys\n"
        f"family = socket.AF_INET6 if ':' in {address!r} else socket.AF_INET\n"
        f"kind = socket.SOCK_DGRAM if {protocol!r} == 'udp' else socket.SOCK_STREAM\n"
        "s = socket.socket(family, kind)\n"
        f"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n{bind}\n"
        "s.settimeout(2)\n"
        "try:\n"
        f"    s.connect(({address!r}, {port}))\n"
        f"    s.send({payload!r}.encode())\n"
        "    if kind == socket.SOCK_STREAM:\n"
        "        print(s.recv(256).decode(errors='replace'))\n"
        "except OSError as exc:\n"
        "    sys.exit(str(exc))\n"
    )
    return testbed.host(client).run("python3 -c %s", script)


def arrived(testbed, pbx, token, wait=1.0):
    """Lines of the PBX's listener log that carry token, waiting up to wait seconds."""
    host = testbed.host(pbx)
    deadline = time.monotonic() + wait
    while True:
        lines = [line for line in host.file(LISTENER_LOG).content_string.splitlines() if token in line]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def ssh_answers(testbed, client, address, port=22):
    """True when sshd's banner comes back over a new TCP connection."""
    return "SSH-2.0" in send(testbed, client, "tcp", address, port, "SSH-2.0-probe\r\n").stdout


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("pbx", PBXS)
@pytest.mark.parametrize(("client", "protocol", "port", "admitted"), CASES)
def test_packet(testbed, pbx, family, client, protocol, port, admitted):
    if pbx.startswith("world") and client != "phone" and port in (5060, 5061):
        pytest.skip("open to the world: test_world covers SIP from unlisted sources")
    address = testbed.address(pbx, family)
    if port == 22:
        assert ssh_answers(testbed, client, address) == admitted
        return
    token = f"probe-{uuid.uuid4()}"
    send(testbed, client, protocol, address, port, f"OPTIONS sip:{token} SIP/2.0\r\n\r\n")
    lines = arrived(testbed, pbx, token, wait=1.5 if admitted else 0.7)
    assert bool(lines) == admitted, f"{client} -> {pbx} {protocol}/{port} over {family}: {lines}"
    if admitted:  # the listener saw the client's own address: no NAT in between
        assert f" {testbed.address(client, family)} " in lines[0]
