"""A REGISTER with digest authentication over SIP TLS, built with sip_client.py's messages.

  python3 tls_register.py --server 10.0.0.1 --user 201 --password secret
prints "<TLS version> <SHA-256 of the certificate served> <final status>", or "handshake <error>".
The certificate is not verified: the test reads what the PBX presents, as a phone told to
trust it would.
"""

import argparse
import hashlib
import random
import socket
import ssl
import sys

sys.path.insert(0, "/usr/local/bin")
import sip_client  # noqa: E402  pylint: disable=wrong-import-position


def exchange(tls, payload):
    tls.sendall(payload.replace(b"SIP/2.0/UDP", b"SIP/2.0/TLS", 1))
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(65535)
        if not chunk:
            break
        data += chunk
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--port", type=int, default=5061)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        tls = context.wrap_socket(socket.create_connection((args.server, args.port), timeout=5))
    except OSError as error:
        print(f"handshake {type(error).__name__}")
        return 1
    local = tls.getsockname()[:2]
    served = hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
    call_id = "%032x" % random.getrandbits(128)
    server_host = f"[{args.server}]" if ":" in args.server else args.server
    uri = f"sip:{server_host}:{args.port}"
    reply = exchange(tls, sip_client._request(args.server, args.port, local, args.user, call_id, 1))  # pylint: disable=protected-access
    status = sip_client._status(reply)  # pylint: disable=protected-access
    if status == 401:
        auth = sip_client._digest(reply, args.user, args.password, uri)  # pylint: disable=protected-access
        reply = exchange(tls, sip_client._request(args.server, args.port, local, args.user, call_id, 2, auth))  # pylint: disable=protected-access
        status = sip_client._status(reply)  # pylint: disable=protected-access
    print(tls.version(), served, status if status else "timeout")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
