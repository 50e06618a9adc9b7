"""Stand-ins for what a PBX also offers, so that an attacker can tell whether a port is
reachable: a web UI on TCP 80 and 443 (a banner on connect) and a media port of the RTP
range on UDP 19990 (every datagram echoed back). Both address families.
"""

import selectors
import socket

TCP_PORTS = (80, 443)
RTP_PORT = 19990


def bind(kind, port):
    sock = socket.socket(socket.AF_INET6, kind)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 too, as ::ffff:a.b.c.d
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("::", port))
    if kind == socket.SOCK_STREAM:
        sock.listen(16)
    sock.setblocking(False)
    return sock


def main():
    selector = selectors.DefaultSelector()
    for port in TCP_PORTS:
        selector.register(bind(socket.SOCK_STREAM, port), selectors.EVENT_READ, "tcp")
    selector.register(bind(socket.SOCK_DGRAM, RTP_PORT), selectors.EVENT_READ, "udp")
    while True:
        for key, _events in selector.select():
            if key.data == "udp":
                payload, peer = key.fileobj.recvfrom(65535)
                key.fileobj.sendto(payload, peer)
            else:
                conn, _peer = key.fileobj.accept()
                with conn:
                    conn.sendall(b"pbxguard-lab web UI\n")


if __name__ == "__main__":
    main()
