"""A phone that registers and answers one call, for the rollout scenario (standard library only).

  python3 sip_answer.py --server 10.242.10.10 --user 101 --password SECRET --port 5080 --ready FILE
Registers USER at SERVER with digest authentication (touching FILE once registered), answers
OPTIONS, answers the first INVITE with PCMU, echoes every RTP packet back to where it came
from, and ends at the BYE (or after --timeout seconds). Prints one JSON object: whether it
registered, the INVITE's From header, the RTP packets echoed, whether the BYE came; exits 0
when a call was answered and media flowed.
"""

import argparse
import hashlib
import json
import pathlib
import random
import re
import socket
import time


def header(data, name):
    found = re.search(rf"(?im)^{name}:\s*(.*?)\r?$", data)
    return found.group(1) if found else ""


def reply(request, status, extra=(), body=""):
    """A response to request that copies its Via, From, To, Call-ID and CSeq."""
    lines = [f"SIP/2.0 {status}"]
    lines += [line for line in request.split("\r\n") if re.match(r"(?i)^(via|from|call-id|cseq):", line)]
    to = header(request, "To")
    lines.append(f"To: {to}" + ("" if ";tag=" in to else ";tag=%08x" % random.getrandbits(32)))
    lines += list(extra)
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def register(sip, args, local):
    uri = f"sip:{args.server}"
    call_id, tag = "%032x" % random.getrandbits(128), "%08x" % random.getrandbits(32)

    def message(cseq, extra=()):
        lines = [f"REGISTER {uri} SIP/2.0",
                 f"Via: SIP/2.0/UDP {local};branch=z9hG4bK{random.getrandbits(64):016x};rport",
                 "Max-Forwards: 70", f"From: <sip:{args.user}@{args.server}>;tag={tag}",
                 f"To: <sip:{args.user}@{args.server}>", f"Call-ID: {call_id}", f"CSeq: {cseq} REGISTER",
                 f"Contact: <sip:{args.user}@{local}>", "Expires: 300", "User-Agent: pbxguard-test-phone",
                 *extra, "Content-Length: 0"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def final(payload):
        sip.sendto(payload, (args.server, 5060))
        while True:
            data = sip.recv(65535).decode(errors="replace")
            if re.match(r"SIP/2.0 [2-6]\d\d", data):
                return data

    answer = final(message(1))
    if answer.startswith("SIP/2.0 401"):
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', header(answer, "WWW-Authenticate")))
        ha1 = hashlib.md5(f"{args.user}:{params['realm']}:{args.password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"REGISTER:{uri}".encode()).hexdigest()
        cnonce = "%08x" % random.getrandbits(32)
        response = hashlib.md5(f"{ha1}:{params['nonce']}:00000001:{cnonce}:auth:{ha2}".encode()).hexdigest()
        opaque = f', opaque="{params["opaque"]}"' if "opaque" in params else ""
        answer = final(message(2, [f'Authorization: Digest username="{args.user}", realm="{params["realm"]}",'
                                   f' nonce="{params["nonce"]}", uri="{uri}", response="{response}", algorithm=MD5,'
                                   f' qop=auth, nc=00000001, cnonce="{cnonce}"{opaque}']))
    return answer.startswith("SIP/2.0 200")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--port", type=int, default=5080)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect((args.server, 5060))
    address = probe.getsockname()[0]
    sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sip.bind((address, args.port))
    sip.settimeout(5)
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.bind((address, 0))
    rtp.setblocking(False)
    result = {"registered": register(sip, args, f"{address}:{args.port}"), "from": None, "echoed": 0, "bye": False}
    pathlib.Path(args.ready).write_text(json.dumps(result))
    sip.settimeout(0.01)
    deadline = time.monotonic() + args.timeout
    while result["registered"] and not result["bye"] and time.monotonic() < deadline:
        try:
            while True:
                packet, source = rtp.recvfrom(2048)
                rtp.sendto(packet, source)
                result["echoed"] += 1
        except BlockingIOError:
            pass
        try:
            data, source = sip.recvfrom(65535)
        except socket.timeout:
            continue
        request = data.decode(errors="replace")
        method = request.split(" ", 1)[0]
        if method == "INVITE" and result["from"] is None:
            result["from"] = header(request, "From")
            sdp = (f"v=0\r\no=- 1 1 IN IP4 {address}\r\ns=-\r\nc=IN IP4 {address}\r\nt=0 0\r\n"
                   f"m=audio {rtp.getsockname()[1]} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")
            sip.sendto(reply(request, "200 OK", [f"Contact: <sip:{args.user}@{address}:{args.port}>"], sdp), source)
        elif method == "BYE":
            sip.sendto(reply(request, "200 OK"), source)
            result["bye"] = True
        elif method in ("OPTIONS", "NOTIFY", "INVITE"):
            sip.sendto(reply(request, "200 OK"), source)
    print(json.dumps(result))
    return 0 if result["from"] and result["echoed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
