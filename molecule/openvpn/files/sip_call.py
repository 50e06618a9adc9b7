"""A phone's call for the openvpn scenario: INVITE with digest authentication, RTP both ways, BYE.

Standard library only, so it runs in the attacker image:
  python3 sip_call.py --server 10.242.4.129 --user 201 --password SECRET --to 600 --packets 50
Offers PCMU from the local address that reaches the server, sends PACKETS RTP packets (20 ms
each) to the address and port Asterisk's answer names, and counts the RTP packets that come
back. Prints one JSON object: the INVITE's final status, the answer's media address, the
packets sent and received; exits 0 when the call was answered and RTP came back.
"""

import argparse
import hashlib
import json
import random
import re
import socket
import struct
import sys
import time


class Dialog:
    def __init__(self, args):
        self.args = args
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.settimeout(args.timeout)
        self.sip.connect((args.server, args.port))
        self.local = self.sip.getsockname()[0]
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((self.local, 0))
        self.rtp.settimeout(0.02)
        self.call_id = "%032x" % random.getrandbits(128)
        self.tag = "%08x" % random.getrandbits(32)
        self.uri = f"sip:{args.to}@{args.server}:{args.port}"
        self.to_tag = ""

    def headers(self, method, cseq, branch, extra=(), body=""):
        local = f"{self.local}:{self.sip.getsockname()[1]}"
        lines = [
            f"{method} {self.uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {local};branch={branch};rport",
            "Max-Forwards: 70",
            f"From: <sip:{self.args.user}@{self.args.server}>;tag={self.tag}",
            f"To: <sip:{self.args.to}@{self.args.server}>{';tag=' + self.to_tag if self.to_tag else ''}",
            f"Call-ID: {self.call_id}",
            f"CSeq: {cseq} {method}",
            f"Contact: <sip:{self.args.user}@{local}>",
            "User-Agent: pbxguard-test-phone",
            *extra,
        ]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def sdp(self):
        port = self.rtp.getsockname()[1]
        return (f"v=0\r\no=- 1 1 IN IP4 {self.local}\r\ns=-\r\nc=IN IP4 {self.local}\r\nt=0 0\r\n"
                f"m=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")

    def final(self, payload):
        """Send payload and return the first final response (provisional ones are skipped)."""
        self.sip.send(payload)
        while True:
            try:
                data = self.sip.recv(65535)
            except socket.timeout:
                return b""
            match = re.match(rb"SIP/2.0 (\d{3})", data)
            if match and int(match.group(1)) >= 200:
                return data

    def digest(self, challenge, method):
        header = re.search(rb"WWW-Authenticate: Digest (.*?)\r\n", challenge, re.IGNORECASE).group(1).decode()
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
        ha1 = hashlib.md5(f"{self.args.user}:{params['realm']}:{self.args.password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{self.uri}".encode()).hexdigest()
        nc, cnonce = "00000001", "%08x" % random.getrandbits(32)
        response = hashlib.md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
        opaque = f', opaque="{params["opaque"]}"' if "opaque" in params else ""
        return (f'Authorization: Digest username="{self.args.user}", realm="{params["realm"]}", '
                f'nonce="{params["nonce"]}", uri="{self.uri}", response="{response}", algorithm=MD5, '
                f'qop=auth, nc={nc}, cnonce="{cnonce}"{opaque}')


def branch():
    return "z9hG4bK" + "%016x" % random.getrandbits(64)


def status_of(data):
    match = re.match(rb"SIP/2.0 (\d{3})", data)
    return int(match.group(1)) if match else 0


def to_tag(data):
    match = re.search(rb"(?im)^To:.*;tag=([^;\r\n]+)", data)
    return match.group(1).decode() if match else ""


def exchange_rtp(dialog, address, port, packets):
    """Send packets of PCMU silence to address:port; count the RTP packets received."""
    ssrc = random.getrandbits(32)
    received = 0
    for sequence in range(packets):
        header = struct.pack("!BBHII", 0x80, 0, sequence, sequence * 160, ssrc)
        dialog.rtp.sendto(header + b"\xff" * 160, (address, port))
        deadline = time.monotonic() + 0.02
        while time.monotonic() < deadline:
            try:
                data = dialog.rtp.recv(2048)
            except socket.timeout:
                break
            if len(data) >= 12 and data[0] >> 6 == 2:
                received += 1
    # Echo answers late: collect what is still on its way.
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        try:
            if dialog.rtp.recv(2048):
                received += 1
        except socket.timeout:
            pass
    return received


def call(args):
    dialog = Dialog(args)
    result = {"status": "timeout", "media": None, "sent": 0, "received": 0}
    first_branch = branch()
    reply = dialog.final(dialog.headers("INVITE", 1, first_branch, body=dialog.sdp()))
    cseq = 1
    if status_of(reply) in (401, 407):
        # The ACK of a refused INVITE belongs to its transaction: same branch and CSeq.
        dialog.to_tag = to_tag(reply)
        dialog.sip.send(dialog.headers("ACK", 1, first_branch))
        dialog.to_tag = ""
        cseq = 2
        reply = dialog.final(dialog.headers("INVITE", cseq, branch(), [dialog.digest(reply, "INVITE")],
                                            body=dialog.sdp()))
    status = status_of(reply)
    result["status"] = status or "timeout"
    if status != 200:
        print(json.dumps(result))
        return 1
    dialog.to_tag = to_tag(reply)
    # Requests within the call go to the Contact of the answer.
    contact = re.search(rb"(?im)^Contact:\s*<([^>]+)>", reply)
    if contact:
        dialog.uri = contact.group(1).decode()
    dialog.sip.send(dialog.headers("ACK", cseq, branch()))
    media = re.search(rb"c=IN IP4 ([0-9.]+)", reply)
    port = re.search(rb"m=audio (\d+) ", reply)
    result["media"] = f"{media.group(1).decode()}:{port.group(1).decode()}"
    result["received"] = exchange_rtp(dialog, media.group(1).decode(), int(port.group(1)), args.packets)
    result["sent"] = args.packets
    result["bye"] = status_of(dialog.final(dialog.headers("BYE", cseq + 1, branch()))) or "timeout"
    print(json.dumps(result))
    return 0 if result["received"] else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    parser.add_argument("--port", type=int, default=5060)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--to", required=True)
    parser.add_argument("--packets", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=5.0)
    return call(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
