"""Stand-in for Asterisk and sshd's neighbours: log every datagram and connection that
reaches the PBX's ports, so that tests see which packets the firewall let through.

Each line of the log: "<protocol> <port> <source address> <first line of the payload>".
"""

import selectors
import socket
import sys

LOG = "/run/pbxguard-listener.log"
UDP_PORTS = [5060, 10000, 20000, 4569, 1194]
TCP_PORTS = [5060, 5061, 80]


def bind(kind, port):
    sock = socket.socket(socket.AF_INET6, kind)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 too, as ::ffff:a.b.c.d
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", port))
    if kind == socket.SOCK_STREAM:
        sock.listen(16)
    sock.setblocking(False)
    return sock


def record(log, protocol, port, source, payload):
    first = payload.split(b"\n", 1)[0].decode(errors="replace").strip()
    log.write(f"{protocol} {port} {source.removeprefix('::ffff:')} {first}\n")
    log.flush()


def main():
    selector = selectors.DefaultSelector()
    for port in UDP_PORTS:
        selector.register(bind(socket.SOCK_DGRAM, port), selectors.EVENT_READ, ("udp", port))
    for port in TCP_PORTS:
        selector.register(bind(socket.SOCK_STREAM, port), selectors.EVENT_READ, ("tcp", port))
    with open(LOG, "a", encoding="utf-8") as log:
        while True:
            for key, _events in selector.select():
                protocol, port = key.data
                if protocol == "udp":
                    payload, peer = key.fileobj.recvfrom(65535)
                    record(log, protocol, port, peer[0], payload)
                else:
                    conn, peer = key.fileobj.accept()
                    conn.settimeout(1)
                    try:
                        payload = conn.recv(65535)
                    except OSError:
                        payload = b""
                    record(log, protocol, port, peer[0], payload)
                    conn.close()


if __name__ == "__main__":
    sys.exit(main())
