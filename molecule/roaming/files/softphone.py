"""A small SIP/UDP softphone for the roaming scenario: a session as a real phone keeps it.

Standard library only. For --duration seconds it registers (and re-registers every
--register-every seconds), answers what the PBX sends (qualify OPTIONS, NOTIFY) with 200,
and every --call-every seconds calls --to (an Echo() number): INVITE with an audio offer,
the 401 round, ACK, 100 RTP packets of 20 ms whose echo it counts, then BYE. Its Contact and
SDP carry its own (possibly private, behind NAT) address, as a phone's do.

  python3 softphone.py --server 10.242.8.10 --user 401 --password SECRET --duration 150 \
      --register-every 20 --call-every 35 --to 600 --result /tmp/401.json

Writes one JSON document: registrations [{at, status}], calls [{at, status, setup, sent,
echoed, bye}], requests_answered {method: count}.
"""

import argparse
import hashlib
import json
import random
import re
import select
import socket
import struct
import sys
import time

RTP_PACKETS = 100
RTP_INTERVAL = 0.02
MAGIC = b"PBXG"


def token(bits=64):
    return "%0*x" % (bits // 4, random.getrandbits(bits))


class Phone:
    def __init__(self, args):
        self.args = args
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("0.0.0.0", args.local_port))
        self.sock.connect((args.server, args.port))
        self.local = self.sock.getsockname()[0]
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind(("0.0.0.0", args.local_port + 2))
        self.server = f"{args.server}:{args.port}"
        self.reg_call_id = token(128)
        self.reg_tag = token(32)
        self.cseq = 0
        self.answered = {}

    # --- messages -------------------------------------------------------------------------
    def request(self, method, uri, call_id, cseq, from_tag, to_header, auth=None, body="", branch=None, cseq_method=None):
        lines = [
            f"{method} {uri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.local}:{self.args.local_port};branch={branch or 'z9hG4bK' + token()};rport",
            "Max-Forwards: 70",
            f"From: <sip:{self.args.user}@{self.args.server}>;tag={from_tag}",
            to_header,
            f"Call-ID: {call_id}",
            f"CSeq: {cseq} {cseq_method or method}",
            f"Contact: <sip:{self.args.user}@{self.local}:{self.args.local_port}>",
            "User-Agent: pbxguard-roaming-phone",
        ]
        if method == "REGISTER":
            lines.append(f"Expires: {self.args.expires}")
        if auth:
            lines.append(f"Authorization: {auth}")
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    def digest(self, challenge, method, uri):
        header = re.search(rb"(?im)^WWW-Authenticate: Digest (.*?)\r\n", challenge)
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', header.group(1).decode()))
        ha1 = hashlib.md5(f"{self.args.user}:{params['realm']}:{self.args.password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        extra = ""
        if "qop" in params:
            cnonce = token(32)
            response = hashlib.md5(f"{ha1}:{params['nonce']}:00000001:{cnonce}:auth:{ha2}".encode()).hexdigest()
            extra = f', qop=auth, nc=00000001, cnonce="{cnonce}"'
        else:
            response = hashlib.md5(f"{ha1}:{params['nonce']}:{ha2}".encode()).hexdigest()
        opaque = f', opaque="{params["opaque"]}"' if "opaque" in params else ""
        return (f'Digest username="{self.args.user}", realm="{params["realm"]}", nonce="{params["nonce"]}",'
                f' uri="{uri}", response="{response}", algorithm=MD5{extra}{opaque}')

    def answer(self, data):
        """200 to a request of the PBX (OPTIONS, NOTIFY, BYE), its headers copied back."""
        method = data.split(b" ", 1)[0].decode(errors="replace")
        head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        keep = [line for line in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq):", line)]
        keep = [line + (f";tag={token(32)}" if re.match(r"(?i)to:", line) and ";tag=" not in line else "")
                for line in keep]
        self.sock.send(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode())
        self.answered[method] = self.answered.get(method, 0) + 1

    def receive(self, timeout):
        """The next response within timeout (requests of the PBX answered meanwhile), or b""."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return b""
            ready = select.select([self.sock], [], [], left)[0]
            if not ready:
                return b""
            try:
                data = self.sock.recv(65535)
            except OSError:
                continue
            if data.startswith(b"SIP/2.0 "):
                return data
            if data.strip():
                self.answer(data)

    def transact(self, message, cseq, final=True):
        """Send message (retransmitted as UDP wants) until its final answer for cseq, or b""."""
        wait, deadline = 0.5, time.monotonic() + 8
        self.sock.send(message)
        while time.monotonic() < deadline:
            reply = self.receive(wait)
            if not reply:
                self.sock.send(message)
                wait = min(wait * 2, 4)
                continue
            if not re.search(rb"(?im)^CSeq:\s*%d " % cseq, reply):
                continue
            if final and status(reply) < 200:
                continue
            return reply
        return b""

    def idle(self, seconds):
        self.receive(seconds)

    # --- what a phone does ------------------------------------------------------------------
    def register(self):
        uri = f"sip:{self.server}"
        to = f"To: <sip:{self.args.user}@{self.args.server}>"
        self.cseq += 1
        reply = self.transact(self.request("REGISTER", uri, self.reg_call_id, self.cseq, self.reg_tag, to), self.cseq)
        if status(reply) == 401:
            auth = self.digest(reply, "REGISTER", uri)
            self.cseq += 1
            reply = self.transact(self.request("REGISTER", uri, self.reg_call_id, self.cseq, self.reg_tag, to, auth),
                                  self.cseq)
        return status(reply)

    def call(self):
        uri = f"sip:{self.args.to}@{self.server}"
        call_id, tag = token(128), token(32)
        to = f"To: <{uri}>"
        sdp = (f"v=0\r\no=- 1 1 IN IP4 {self.local}\r\ns=call\r\nc=IN IP4 {self.local}\r\nt=0 0\r\n"
               f"m=audio {self.args.local_port + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n")
        result = {"at": round(time.monotonic() - self.started, 1), "status": 0, "setup": None, "sent": 0,
                  "echoed": 0, "bye": 0}
        began = time.monotonic()
        cseq, branch = 1, "z9hG4bK" + token()
        reply = self.transact(self.request("INVITE", uri, call_id, cseq, tag, to, body=sdp, branch=branch), cseq)
        if status(reply) in (401, 407):
            self.sock.send(self.request("ACK", uri, call_id, cseq, tag, header(reply, "To"), branch=branch))
            cseq, branch = 2, "z9hG4bK" + token()
            auth = self.digest(reply, "INVITE", uri)
            reply = self.transact(self.request("INVITE", uri, call_id, cseq, tag, to, auth, sdp, branch), cseq)
        result["status"] = status(reply)
        if not 200 <= result["status"] < 300:
            if reply:
                self.sock.send(self.request("ACK", uri, call_id, cseq, tag, header(reply, "To"), branch=branch))
            return result
        result["setup"] = round(time.monotonic() - began, 3)
        target = contact(reply) or uri
        to_tagged = header(reply, "To")
        self.sock.send(self.request("ACK", target, call_id, cseq, tag, to_tagged, cseq_method="ACK"))
        media = re.search(rb"(?m)^c=IN IP4 ([0-9.]+)", reply), re.search(rb"(?m)^m=audio (\d+)", reply)
        if all(media):
            result["sent"], result["echoed"] = self.media((media[0].group(1).decode(), int(media[1].group(1))))
        bye = self.transact(self.request("BYE", target, call_id, cseq + 1, tag, to_tagged), cseq + 1)
        result["bye"] = status(bye)
        return result

    def media(self, destination):
        """RTP_PACKETS packets of 20 ms to destination; how many came back (Echo())."""
        ssrc, seen = random.getrandbits(32), set()
        start = time.monotonic()
        for n in range(RTP_PACKETS + 50):  # 1 s more to collect the last echoes
            if n < RTP_PACKETS:
                payload = (MAGIC + struct.pack("!I", n)).ljust(160, b"\xff")
                self.rtp.sendto(struct.pack("!BBHII", 0x80, 0, n, n * 160, ssrc) + payload, destination)
            while True:
                left = start + (n + 1) * RTP_INTERVAL - time.monotonic()
                ready = select.select([self.rtp, self.sock], [], [], max(left, 0))[0]
                if not ready:
                    break
                if self.sock in ready:
                    data = self.sock.recv(65535)
                    if data and not data.startswith(b"SIP/2.0 ") and data.strip():
                        self.answer(data)
                if self.rtp in ready:
                    data = self.rtp.recv(2048)
                    body = data[12:]
                    if body.startswith(MAGIC):
                        seen.add(struct.unpack("!I", body[4:8])[0])
        return RTP_PACKETS, len(seen)

    def run(self):
        self.started = time.monotonic()
        end = self.started + self.args.duration
        registrations, calls = [], []
        next_register, next_call = self.started, self.started + self.args.first_call
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_register:
                registrations.append({"at": round(now - self.started, 1), "status": self.register()})
                next_register = now + self.args.register_every
            elif now >= next_call:
                calls.append(self.call())
                next_call = now + self.args.call_every
            else:
                self.idle(min(next_register, next_call, end) - now)
        return {"registrations": registrations, "calls": calls, "requests_answered": self.answered}


def status(data):
    found = re.match(rb"SIP/2.0 (\d{3})", data or b"")
    return int(found.group(1)) if found else 0


def header(data, name):
    found = re.search(rb"(?im)^" + name.encode() + rb":[^\r\n]*", data)
    return found.group(0).decode(errors="replace") if found else f"{name}: <sip:unknown>"


def contact(data):
    found = re.search(rb"(?im)^Contact:\s*<([^>]+)>", data)
    return found.group(1).decode(errors="replace") if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    parser.add_argument("--port", type=int, default=5060)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--local-port", type=int, default=5062)
    parser.add_argument("--duration", type=float, default=150)
    parser.add_argument("--expires", type=int, default=60)
    parser.add_argument("--register-every", type=float, default=20)
    parser.add_argument("--first-call", type=float, default=5)
    parser.add_argument("--call-every", type=float, default=35)
    parser.add_argument("--to", default="600")
    parser.add_argument("--result", required=True)
    args = parser.parse_args()
    result = Phone(args).run()
    with open(args.result, "w", encoding="utf-8") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
