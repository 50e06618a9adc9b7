"""A tiny SIP UDP client for the fail2ban tests: a phone that registers, and a kept-open flow.

Standard library only, so it runs in any test container:
  python3 sip_client.py register --server 10.0.0.1 --user 201 --password secret
      REGISTER with digest authentication; prints the final status code, exits 0 on 200.
  python3 sip_client.py options --server 10.0.0.1 --user trunk
      One OPTIONS (a trunk's qualify); prints the status code, exits 0 on any answer.
      With --headers, prints the whole answer instead (what a scanner learns).
  python3 sip_client.py invite --server 10.0.0.1 --user anonymous --to 0044123456789
      One INVITE from user to the number, without authentication; prints the final status
      code (provisional answers such as 100 Trying are skipped), exits 0 on a 2xx.
  python3 sip_client.py call --server 10.0.0.1 --user 201 --password secret --to 600
      A phone's call: INVITE with an audio offer, answering a 401 with digest authentication,
      ACK, then BYE once answered; prints the final status of the INVITE, exits 0 on a 2xx.
      With --dtmf '202#,,,12345678#' the answered call sends RTP (PCMU silence) and keys each
      character as a phone does (RFC 4733 telephone-events, offered in the SDP), "," a pause of
      half a second; then it stays --hold seconds and hangs up, unless the PBX hangs up first.
      Prints "<status> keyed=<keys sent>/<keys> bye=<pbx|phone|none (not answered)>".
  python3 sip_client.py flow --server 10.0.0.1 --user 201 --interval 0.2 --log /tmp/flow.log
      Keeps ONE UDP socket (one conntrack flow) and sends an unauthenticated REGISTER every
      interval until killed; writes "<unix time> <status or timeout>" per request to the log.
  python3 sip_client.py guess --server 10.0.0.1 --user 201 --count 5 --call-id 'a b {n}' \
          --display 'Desk "phone"' --from-user 201 --user-agent 'Yealink SIP-T46S 66.86.0.15'
      A guesser posing as a phone: COUNT wrong passwords for USER (REGISTER, 401, REGISTER with
      a wrong digest), each with a crafted Call-ID, From display name and user ({n} is replaced
      by the guess number, so every Call-ID is unique) and optionally a raw digest response.
      Prints "<n> <status of the guess or timeout>" per guess; exits 0.
"""

import argparse
import hashlib
import random
import re
import select
import socket
import struct
import sys
import time

# RFC 4733 telephone-events: the payload type offered and each key's event code.
EVENT_PAYLOAD = 101
EVENT_CODES = {**{str(digit): digit for digit in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}
RTP_TICK = 0.02      # one packet each 20 ms: 160 samples at 8000 Hz
SAMPLES = 160
LEAD_IN_TICKS = 25   # half a second of audio before the first key: the PBX learns our RTP source
KEY_TICKS = 5        # a key held 100 ms, a short press
END_REPEATS = 3      # the end of each event sent three times (RFC 4733 2.5.1.4)
GAP_TICKS = 5        # 100 ms between keys
PAUSE_TICKS = 25     # "," in the keys: half a second (SendDTMF's "w")
SILENCE = b"\xff" * SAMPLES  # PCMU silence


def _request(server, port, local, user, call_id, cseq, authorization=None, method="REGISTER",
             display=None, from_user=None, user_agent="pbxguard-test-phone", to=None, to_header=None,
             body="", cseq_method=None, branch=None):
    host = local[0]
    family_host = f"[{host}]" if ":" in host else host
    server_host = f"[{server}]" if ":" in server else server
    branch = branch or "z9hG4bK" + "%016x" % random.getrandbits(64)
    target = f"sip:{to}@{server_host}:{port}" if to else f"sip:{server_host}:{port}"
    lines = [
        f"{method} {target} SIP/2.0",
        f"Via: SIP/2.0/UDP {family_host}:{local[1]};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: {_display(display)}<sip:{from_user or user}@{server_host}>;tag=pbxguard{hashlib.md5(call_id.encode()).hexdigest()[:8]}",
        to_header or f"To: <sip:{to or user}@{server_host}>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} {cseq_method or method}",
        f"Contact: <sip:{user}@{family_host}:{local[1]}>",
        "Expires: 60",
        f"User-Agent: {user_agent}",
    ]
    if authorization:
        lines.append(f"Authorization: {authorization}")
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _display(name):
    """A From display name as a quoted string (quotes and backslashes escaped), or nothing."""
    if name is None:
        return ""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '" '


def _status(data):
    match = re.match(rb"SIP/2.0 (\d{3})", data)
    return int(match.group(1)) if match else 0


def _digest(data, user, password, uri, response_override=None, method="REGISTER"):
    header = re.search(rb"WWW-Authenticate: Digest (.*?)\r\n", data, re.IGNORECASE)
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', header.group(1).decode()))
    realm, nonce = params["realm"], params["nonce"]
    ha1 = hashlib.md5(f"{user}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    extra = ""
    if "qop" in params:
        nc, cnonce = "00000001", "%08x" % random.getrandbits(32)
        response = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
        extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
    else:
        response = hashlib.md5(f"{ha1}:{nonce}:{ha2}".encode()).hexdigest()
    if response_override is not None:
        response = response_override
    opaque = f', opaque="{params["opaque"]}"' if "opaque" in params else ""
    return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm=MD5{extra}{opaque}')


def _exchange(sock, payload):
    """Send payload and return the first response; requests the server sends meanwhile (an
    MWI NOTIFY to the contact just registered) are skipped."""
    sock.send(payload)
    try:
        while True:
            data = sock.recv(65535)
            if data.startswith(b"SIP/2.0 "):
                return data
    except socket.timeout:
        return b""


def _dialog(args):
    """A UDP socket to the server (one conntrack flow), its local address and a fresh Call-ID."""
    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    sock.connect((args.server, args.port))
    return sock, sock.getsockname()[:2], "%032x" % random.getrandbits(128)


def register(args):
    sock, local, call_id = _dialog(args)
    server_host = f"[{args.server}]" if ":" in args.server else args.server
    uri = f"sip:{server_host}:{args.port}"
    reply = _exchange(sock, _request(args.server, args.port, local, args.user, call_id, 1))
    status = _status(reply)
    if status == 401:
        auth = _digest(reply, args.user, args.password, uri)
        reply = _exchange(sock, _request(args.server, args.port, local, args.user, call_id, 2, auth))
        status = _status(reply)
    print(status if status else "timeout")
    return 0 if status == 200 else 1


def options(args):
    sock, local, call_id = _dialog(args)
    reply = _exchange(sock, _request(args.server, args.port, local, args.user, call_id, 1, method="OPTIONS",
                                     user_agent=args.user_agent))
    status = _status(reply)
    if args.headers:
        print(reply.decode(errors="replace") if reply else "timeout")
    else:
        print(status if status else "timeout")
    return 0 if status else 1


def invite(args):
    sock, local, call_id = _dialog(args)
    sock.send(_request(args.server, args.port, local, args.user, call_id, 1, method="INVITE", to=args.to))
    status = 0
    while True:
        try:
            data = sock.recv(65535)
        except OSError:  # a timeout, or nobody listening
            break
        status = _status(data) if data.startswith(b"SIP/2.0 ") else 0
        if status >= 200:
            break
    print(status if status >= 200 else "timeout")
    return 0 if 200 <= status < 300 else 1


def _final(sock, cseq):
    """The final answer to request cseq (provisional answers and retransmitted answers to
    earlier requests skipped), or b"" after a timeout."""
    while True:
        try:
            data = sock.recv(65535)
        except OSError:
            return b""
        if data.startswith(b"SIP/2.0 ") and _status(data) >= 200 and re.search(rb"(?im)^CSeq:\s*%d " % cseq, data):
            return data


def _header(data, name):
    match = re.search(rb"(?im)^" + name.encode() + rb":[^\r\n]*", data)
    return match.group(0).decode(errors="replace") if match else None


def call(args):
    """INVITE (with an audio offer), the 401 round, ACK; BYE after an answer (with --dtmf,
    after the keys, unless the PBX hangs up first)."""
    sock, local, call_id = _dialog(args)
    server_host = f"[{args.server}]" if ":" in args.server else args.server
    uri = f"sip:{args.to}@{server_host}:{args.port}"
    family = "IP6" if ":" in local[0] else "IP4"
    session = f"v=0\r\no=- 1 1 IN {family} {local[0]}\r\ns=call\r\nc=IN {family} {local[0]}\r\nt=0 0\r\n"
    rtp = None
    if args.dtmf is None:
        sdp = session + f"m=audio {local[1] + 2} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
    else:
        _check_keys(args.dtmf)
        rtp = socket.socket(sock.family, socket.SOCK_DGRAM)
        rtp.bind((local[0], 0))
        sdp = session + (f"m=audio {rtp.getsockname()[1]} RTP/AVP 0 {EVENT_PAYLOAD}\r\na=rtpmap:0 PCMU/8000\r\n"
                         f"a=rtpmap:{EVENT_PAYLOAD} telephone-event/8000\r\na=fmtp:{EVENT_PAYLOAD} 0-16\r\na=ptime:20\r\n")
    branch = "z9hG4bK" + "%016x" % random.getrandbits(64)
    common = {"method": "INVITE", "to": args.to, "body": sdp}
    sock.send(_request(args.server, args.port, local, args.user, call_id, 1, branch=branch, **common))
    reply, cseq = _final(sock, 1), 1
    if _status(reply) in (401, 407):
        _ack(sock, args, local, call_id, cseq, reply, branch)
        auth = _digest(reply, args.user, args.password, uri, method="INVITE")
        cseq, branch = 2, "z9hG4bK" + "%016x" % random.getrandbits(64)
        sock.send(_request(args.server, args.port, local, args.user, call_id, cseq, auth, branch=branch, **common))
        reply = _final(sock, cseq)
    status = _status(reply)
    keypad = None
    if 200 <= status < 300:
        _ack(sock, args, local, call_id, cseq, reply)  # a 2xx's ACK is a new transaction
        if rtp is not None:
            keypad = _keypad(sock, rtp, reply, args.dtmf, args.hold)
        if not keypad or not keypad["pbx_hung_up"]:
            sock.send(_request(args.server, args.port, local, args.user, call_id, cseq + 1, method="BYE",
                               to=args.to, to_header=_header(reply, "To")))
            _final(sock, cseq + 1)
    elif status:
        _ack(sock, args, local, call_id, cseq, reply, branch)
    if rtp is None:
        print(status if status else "timeout")
    else:
        keyed = f"{keypad['keyed']}/{keypad['keys']}" if keypad else f"0/{_key_count(args.dtmf)}"
        hung_up = ("pbx" if keypad["pbx_hung_up"] else "phone") if keypad else "none"
        print(f"{status if status else 'timeout'} keyed={keyed} bye={hung_up}")
    return 0 if 200 <= status < 300 else 1


def _check_keys(keys):
    unknown = sorted(set(keys) - set(EVENT_CODES) - {","})
    if unknown:
        raise SystemExit(f"--dtmf: no key for {''.join(unknown)!r}; keys are 0-9 * # A-D and ',' (a pause)")


def _key_count(keys):
    return sum(key != "," for key in keys)


def _keys_plan(keys, hold):
    """One entry a 20 ms tick: None for audio (silence), or (event code, duration in samples,
    first packet, end packet, keys done once it is sent) for a telephone-event packet."""
    plan, done = [None] * LEAD_IN_TICKS, 0
    for key in keys:
        if key == ",":
            plan += [None] * PAUSE_TICKS
            continue
        code = EVENT_CODES[key]
        plan += [(code, (n + 1) * SAMPLES, n == 0, False, done) for n in range(KEY_TICKS)]
        done += 1
        plan += [(code, KEY_TICKS * SAMPLES, False, True, done)] * END_REPEATS
        plan += [None] * GAP_TICKS
    return plan + [None] * int(hold / RTP_TICK)


def _media_target(answer):
    """Where the PBX wants our RTP (its SDP's address and port) and its telephone-event type."""
    address = re.search(rb"(?m)^c=IN IP[46] ([0-9a-fA-F.:]+)", answer)
    port = re.search(rb"(?m)^m=audio (\d+)", answer)
    event = re.search(rb"(?m)^a=rtpmap:(\d+) telephone-event/8000", answer)
    if not (address and port):
        return None, EVENT_PAYLOAD
    return (address.group(1).decode(), int(port.group(1))), int(event.group(1)) if event else EVENT_PAYLOAD


def _keypad(sock, rtp, answer, keys, hold):
    """Key keys into the answered call as a phone does: RTP silence every 20 ms, each key as
    RFC 4733 events (the marker on its first packet, one timestamp for all of them, the
    duration growing, the end sent three times). Answers the PBX's BYE and stops there.
    Returns {keys, keyed (keys whose end was sent), pbx_hung_up}."""
    target, event_payload = _media_target(answer)
    result = {"keys": _key_count(keys), "keyed": 0, "pbx_hung_up": False}
    if target is None:
        return result
    ssrc, sequence, timestamp = random.getrandbits(32), random.getrandbits(16), random.getrandbits(32)
    event_start = None
    start = time.monotonic()
    for tick, packet in enumerate(_keys_plan(keys, hold)):
        if _bye_before(sock, rtp, start + tick * RTP_TICK):
            result["pbx_hung_up"] = True
            return result
        now = (timestamp + tick * SAMPLES) & 0xFFFFFFFF
        if packet is None:
            event_start = None
            header = struct.pack("!BBHII", 0x80, 0, sequence, now, ssrc)
            rtp.sendto(header + SILENCE, target)
        else:
            code, duration, first, end, done = packet
            if first:
                event_start = now
            header = struct.pack("!BBHII", 0x80, (0x80 if first else 0) | event_payload, sequence, event_start, ssrc)
            rtp.sendto(header + struct.pack("!BBH", code, (0x80 if end else 0) | 10, duration), target)
            result["keyed"] = done
        sequence = (sequence + 1) & 0xFFFF
    return result


def _bye_before(sock, rtp, deadline):
    """Until deadline: drop the PBX's RTP, answer its requests; whether it sent a BYE."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready = select.select([sock, rtp], [], [], left)[0]
        if rtp in ready:
            rtp.recv(4096)
        if sock in ready:
            try:
                data = sock.recv(65535)
            except OSError:
                continue
            if data.startswith((b"BYE ", b"OPTIONS ", b"NOTIFY ")):
                sock.send(_ok(data))
            if data.startswith(b"BYE "):
                return True


def _ok(request):
    """200 OK to a request of the PBX, its Via, From, To, Call-ID and CSeq copied back."""
    head = request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    kept = [line for line in head if re.match(rb"(?i)(via|from|to|call-id|cseq|[vfti]):", line)]
    return b"SIP/2.0 200 OK\r\n" + b"\r\n".join(kept) + b"\r\nContent-Length: 0\r\n\r\n"


def _ack(sock, args, local, call_id, cseq, reply, branch=None):
    """ACK a final answer: within the INVITE's transaction (its branch) unless it was a 2xx."""
    sock.send(_request(args.server, args.port, local, args.user, call_id, cseq, method="ACK", to=args.to,
                       to_header=_header(reply, "To"), branch=branch))


def flow(args):
    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(args.interval)
    sock.connect((args.server, args.port))
    local = sock.getsockname()[:2]
    call_id = "%032x" % random.getrandbits(128)
    cseq = 0
    with open(args.log, "a", buffering=1) as log:
        while True:
            cseq += 1
            started = time.time()
            reply = _exchange(sock, _request(args.server, args.port, local, args.user, call_id, cseq))
            status = _status(reply)
            log.write(f"{started:.3f} {status if status else 'timeout'}\n")
            time.sleep(max(0.0, args.interval - (time.time() - started)))


def guess(args):
    """COUNT wrong passwords, each over its own REGISTER pair, with crafted headers."""
    sock, local, _call_id = _dialog(args)
    server_host = f"[{args.server}]" if ":" in args.server else args.server
    uri = f"sip:{server_host}:{args.port}"
    crafted = {"display": args.display, "from_user": args.from_user, "user_agent": args.user_agent}
    for n in range(1, args.count + 1):
        call_id = args.call_id.replace("{n}", str(n))
        first = _request(args.server, args.port, local, args.user, call_id, 2 * n - 1, **crafted)
        reply = _exchange(sock, first)
        status = _status(reply)
        if status == 401:
            auth = _digest(reply, args.user, f"wrong-{n}-{random.getrandbits(32):08x}", uri,
                           args.response)
            reply = _exchange(sock, _request(args.server, args.port, local, args.user, call_id,
                                             2 * n, auth, **crafted))
            status = _status(reply)
        print(f"{n} {status if status else 'timeout'}", flush=True)
        time.sleep(args.interval)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("register", "options", "invite", "call", "flow", "guess"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--server", required=True)
        cmd.add_argument("--port", type=int, default=5060)
        cmd.add_argument("--user", required=True)
    sub.choices["register"].add_argument("--password", required=True)
    sub.choices["register"].add_argument("--timeout", type=float, default=2.0)
    sub.choices["options"].add_argument("--timeout", type=float, default=2.0)
    sub.choices["options"].add_argument("--headers", action="store_true")
    sub.choices["options"].add_argument("--user-agent", default="pbxguard-test-phone")
    sub.choices["call"].add_argument("--password", required=True)
    sub.choices["call"].add_argument("--to", required=True)
    sub.choices["call"].add_argument("--timeout", type=float, default=5.0)
    sub.choices["call"].add_argument("--dtmf", default=None, help="keys to send once answered (RFC 4733); ',' pauses")
    sub.choices["call"].add_argument("--hold", type=float, default=1.0, help="seconds to stay after the keys")
    sub.choices["invite"].add_argument("--to", required=True)
    sub.choices["invite"].add_argument("--timeout", type=float, default=2.0)
    sub.choices["flow"].add_argument("--interval", type=float, default=0.2)
    sub.choices["flow"].add_argument("--log", required=True)
    crafted = sub.choices["guess"]
    crafted.add_argument("--count", type=int, default=1)
    crafted.add_argument("--call-id", default="pbxguard-{n}")
    crafted.add_argument("--display", default=None)
    crafted.add_argument("--from-user", default=None)
    crafted.add_argument("--user-agent", default="Yealink SIP-T46S 66.86.0.15")
    crafted.add_argument("--response", default=None, help="raw digest response text instead of a hash")
    crafted.add_argument("--interval", type=float, default=0.05)
    crafted.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    commands = {"register": register, "options": options, "invite": invite, "call": call, "flow": flow, "guess": guess}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
