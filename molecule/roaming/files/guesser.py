"""Password guessers for the roaming scenario: as fast as the transport allows.

Standard library only. Asks once for a nonce (a REGISTER without credentials, answered 401),
then sends COUNT REGISTERs with wrong digests for USER on that nonce, small as a guesser
makes them (with --user-agent and --call-id, {n} the guess number, dressed as a phone):
  udp: one UDP socket, every guess sent at once (a flood on one flow), or one guess every
       --interval seconds, each waiting for its answer (a patient guesser);
  tcp: one TCP connection, every guess pipelined (written at once, no answer awaited).
Then it reads answers for a few seconds and prints {"nonce": bool, "sent": N, "answers": N}.

  python3 guesser.py udp --server 10.242.8.10 --user 401 --count 300
"""

import argparse
import hashlib
import json
import random
import re
import socket
import sys
import time


def request(args, local, call_id, cseq, auth=None):
    host = f"[{args.server}]" if ":" in args.server else args.server
    me = f"[{local[0]}]" if ":" in local[0] else local[0]
    lines = [f"REGISTER sip:{host} SIP/2.0",
             f"Via: SIP/2.0/{args.transport.upper()} {me}:{local[1]};branch=z9hG4bK{random.getrandbits(48):x};rport",
             f"From: <sip:{args.user}@{host}>;tag={random.getrandbits(32):x}",
             f"To: <sip:{args.user}@{host}>",
             f"Call-ID: {call_id}",
             f"CSeq: {cseq} REGISTER"]
    if args.user_agent:
        lines.append(f"User-Agent: {args.user_agent}")
    if auth:
        lines.append(f"Authorization: {auth}")
    lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def wrong_digest(args, challenge, n):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    host = f"[{args.server}]" if ":" in args.server else args.server
    uri = f"sip:{host}"
    ha1 = hashlib.md5(f"{args.user}:{params['realm']}:wrong{n}".encode()).hexdigest()
    ha2 = hashlib.md5(f"REGISTER:{uri}".encode()).hexdigest()
    response = hashlib.md5(f"{ha1}:{params['nonce']}:{ha2}".encode()).hexdigest()
    return (f'Digest username="{args.user}",realm="{params["realm"]}",nonce="{params["nonce"]}",'
            f'uri="{uri}",response="{response}"')


def read(sock, seconds, challenge_only=False):
    """What arrives within seconds; with challenge_only, up to the first 401's challenge."""
    data, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            chunk = sock.recv(65535)
        except OSError:
            break
        if not chunk and sock.type == socket.SOCK_STREAM:
            break
        data += chunk
        if challenge_only and re.search(rb"(?i)WWW-Authenticate: Digest [^\r\n]*\r\n", data):
            break
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("transport", choices=["udp", "tcp"])
    parser.add_argument("--server", required=True)
    parser.add_argument("--port", type=int, default=5060)
    parser.add_argument("--user", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--interval", type=float, default=0.0)
    parser.add_argument("--call-id", default="{n}")
    parser.add_argument("--user-agent", default="")
    args = parser.parse_args()
    family = socket.AF_INET6 if ":" in args.server else socket.AF_INET
    kind = socket.SOCK_DGRAM if args.transport == "udp" else socket.SOCK_STREAM
    sock = socket.socket(family, kind)
    sock.settimeout(3)
    sock.connect((args.server, args.port))
    local = sock.getsockname()[:2]
    sock.sendall(request(args, local, args.call_id.replace("{n}", "0"), 1))
    first = read(sock, 2, challenge_only=True)
    challenge = re.search(rb"(?i)WWW-Authenticate: Digest ([^\r\n]*)", first)
    result = {"nonce": bool(challenge), "sent": 0, "answers": 0}
    if challenge:
        guesses = [request(args, local, args.call_id.replace("{n}", str(n)), n + 1,
                           wrong_digest(args, challenge.group(1).decode(), n)) for n in range(1, args.count + 1)]
        if kind == socket.SOCK_DGRAM and args.interval:
            for guess in guesses:
                sock.send(guess)
                result["answers"] += len(re.findall(rb"SIP/2.0 \d{3}", read(sock, args.interval)))
        elif kind == socket.SOCK_DGRAM:
            for guess in guesses:
                sock.send(guess)
        else:
            # Each guess written at once, no answer awaited (a segment each, Nagle off).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:  # the budget stalls the connection: what fits is sent
                for guess in guesses:
                    sock.sendall(guess)
            except OSError:
                pass
        result["sent"] = len(guesses)
        result["answers"] += len(re.findall(rb"SIP/2.0 \d{3}", read(sock, 4)))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
