"""Real packets from the clients to the PBXs, over IPv4 and IPv6: what the inventory
admits gets through, everything else is dropped. The listener on each PBX logs what
arrives, so a packet the firewall wrongly drops (or admits) fails a test. All probes go out
in one podman exec per client and family, and each PBX's log is read once; each case still
passes or fails on its own."""

import json
import pathlib
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

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


PROBE = (pathlib.Path(__file__).resolve().parent.parent / "files" / "probe.py").read_text()


def send_batch(testbed, client, probes):
    """Send probes ({protocol, address, port, payload, source_port}) from client in one
    podman exec (files/probe.py); one {error, reply} per probe."""
    run = testbed.host(client).run("python3 -c %s %s", PROBE, json.dumps(probes))
    assert run.rc == 0, run.stderr
    return json.loads(run.stdout)


def read_logs(testbed, pbxs, expected=(), settle=1.0, wait=2.0):
    """Each PBX's listener log, read once after settle seconds; read again, up to wait more
    seconds, only while a token in expected (pbx, token) is still missing."""
    time.sleep(settle)
    deadline = time.monotonic() + wait
    while True:
        logs = {pbx: testbed.host(pbx).file(LISTENER_LOG).content_string for pbx in pbxs}
        missing = [token for pbx, token in expected if token not in logs[pbx]]
        if not missing or time.monotonic() > deadline:
            return logs
        time.sleep(0.2)


def lines_with(log, token):
    return [line for line in log.splitlines() if token in line]


def probe_cases():
    """Every (pbx, family, client, protocol, port, admitted) that test_packet checks."""
    for pbx in PBXS:
        for family in FAMILIES:
            for client, protocol, port, admitted in CASES:
                if not skipped(pbx, client, port):
                    yield pbx, family, client, protocol, port, admitted


def skipped(pbx, client, port):
    return pbx.startswith("world") and client != "phone" and port in (5060, 5061)


@pytest.fixture(scope="module")
def probes(testbed):
    """Every case's probe, sent in one batch per client and family (the batches side by
    side), then one read of each PBX's listener: case -> (probe's result, its log lines)."""
    batches = {}  # (client, family) -> [(case, token, probe)]
    for case in probe_cases():
        pbx, family, client, protocol, port, _admitted = case
        token = None if port == 22 else f"probe-{uuid.uuid4()}"  # sshd logs nothing of ours
        payload = "SSH-2.0-probe\r\n" if token is None else f"OPTIONS sip:{token} SIP/2.0\r\n\r\n"
        probe = {"protocol": protocol, "address": testbed.address(pbx, family), "port": port, "payload": payload}
        batches.setdefault((client, family), []).append((case, token, probe))
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        futures = {key: pool.submit(send_batch, testbed, key[0], [probe for _case, _token, probe in batch])
                   for key, batch in batches.items()}
    sent = [(case, token, result) for key, batch in batches.items()
            for (case, token, _probe), result in zip(batch, futures[key].result())]
    logs = read_logs(testbed, PBXS, expected=[(case[0], token) for case, token, _result in sent if token and case[5]])
    return {case: (result, token and lines_with(logs[case[0]], token)) for case, token, result in sent}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("pbx", PBXS)
@pytest.mark.parametrize(("client", "protocol", "port", "admitted"), CASES)
def test_packet(probes, testbed, pbx, family, client, protocol, port, admitted):
    if skipped(pbx, client, port):
        pytest.skip("open to the world: test_world covers SIP from unlisted sources")
    result, lines = probes[(pbx, family, client, protocol, port, admitted)]
    if port == 22:  # sshd's banner comes back over a new TCP connection only when admitted
        assert ("SSH-2.0" in result["reply"]) == admitted, result
        return
    assert bool(lines) == admitted, f"{client} -> {pbx} {protocol}/{port} over {family}: {lines}"
    if admitted:  # the listener saw the client's own address: no NAT in between
        assert f" {testbed.address(client, family)} " in lines[0]
