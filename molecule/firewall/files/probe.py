"""Send a batch of probes from a client, in one process: the tests run it with
`python3 -c` inside the client's container, once per client and address family.

argv[1]: JSON list of {"protocol": "udp"|"tcp", "address", "port", "payload",
"source_port" (optional)}. UDP datagrams go out one by one, in order (a fixed source port
keeps them on one flow); TCP connections are opened side by side, so a dropped one costs
its 2 s timeout once per batch rather than once per probe.

Prints a JSON list, one {"error", "reply"} per probe in the same order; "reply" is what
a TCP server sent back (sshd's banner, for instance).
"""

import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 2


def send(probe):
    family = socket.AF_INET6 if ":" in probe["address"] else socket.AF_INET
    kind = socket.SOCK_DGRAM if probe["protocol"] == "udp" else socket.SOCK_STREAM
    with socket.socket(family, kind) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if probe.get("source_port"):
            sock.bind(("", probe["source_port"]))
        sock.settimeout(TIMEOUT)
        try:
            sock.connect((probe["address"], probe["port"]))
            sock.send(probe["payload"].encode())
            reply = sock.recv(256).decode(errors="replace") if kind == socket.SOCK_STREAM else ""
        except OSError as exc:
            return {"error": str(exc), "reply": ""}
    return {"error": None, "reply": reply}


def main():
    probes = json.loads(sys.argv[1])
    results = [None] * len(probes)
    tcp = [i for i, probe in enumerate(probes) if probe["protocol"] == "tcp"]
    with ThreadPoolExecutor(max_workers=max(len(tcp), 1)) as pool:
        futures = {i: pool.submit(send, probes[i]) for i in tcp}
        for i, probe in enumerate(probes):
            if probe["protocol"] == "udp":
                results[i] = send(probe)
        for i, future in futures.items():
            results[i] = future.result()
    print(json.dumps(results))


if __name__ == "__main__":
    sys.exit(main())
