#!/usr/bin/env bash
# Capture what a real Asterisk 22 logs when a guesser crafts its SIP headers: Call-IDs and From
# headers (display name and user) with spaces, tabs, quotes, parentheses, non-ASCII text and
# forged "failed for '<other address>' ..." and RemoteAddress="..." segments, for wrong
# passwords, unknown users and an endpoint ACL, over IPv4 and IPv6; a global ACL refusal, AMI
# logins with hostile user names, a server-side auth error and a phone that registers.
#
# The PBX runs the role's watcher (roles/fail2ban/files/pbxguard-secwatch) on AMI while the
# attack runs. Saved under ../fixtures/:
#   crafted-messages.log   the jail's channel (NOTICE and WARNING), as the role configures it
#   crafted-security.log   the security log (no jail reads it; the test's oracle)
#   crafted-ami.log        the raw AMI stream of a read=security user (CRLF stored as LF)
#   crafted-secwatch.log   the watcher's own log
#   crafted-sources.json   each case: its token (in every Call-ID), its real source, the forged one
# Usage: tests/fail2ban/capture/craft.sh     (about 40 s; removes everything it starts)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
fixtures="$here/../fixtures"
run="pbxguard-${PBXGUARD_RUN_ID:-dev}-f2b-craft"
net="$run-net"
pbx="$run-pbx"
attacker="$run-attacker"
phone="$run-phone"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo/containers.conf}
image=localhost/pbxguard/asterisk22

cleanup() {
  podman rm --force --time 0 --ignore "$pbx" "$attacker" "$phone" >/dev/null
  if podman network exists "$net"; then podman network rm --force "$net" >/dev/null; fi
}
trap cleanup EXIT
cleanup

podman network create --internal --disable-dns --ipv6 --subnet fd42:4242:2::/64 \
  --subnet 10.242.2.0/24 "$net" >/dev/null
start() { # name ipv4-host-part
  podman run --detach --name "$1" --cap-add NET_ADMIN,NET_RAW \
    --network "$net:ip=10.242.2.$2,ip6=fd42:4242:2::$2" "$image" sleep infinity >/dev/null
}
start "$pbx" 10
start "$phone" 20
start "$attacker" 66
for c in "$attacker" "$phone"; do podman cp "$here/../sip_client.py" "$c:/usr/local/bin/sip_client.py"; done

# The PBX: the capture's PJSIP config, AMI on (a read=security user for the watcher), the
# jail's channel and the security log as the role writes them, and the watcher running.
secret=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
podman cp "$here/pjsip.conf" "$pbx:/etc/asterisk/pjsip.conf"
podman cp "$here/manager.conf" "$pbx:/etc/asterisk/manager.conf"
podman exec "$pbx" mkdir -p /usr/local/lib/pbxguard-secwatch /etc/pbxguard-secwatch
podman cp "$repo/roles/fail2ban/files/pbxguard-secwatch" "$pbx:/usr/local/lib/pbxguard-secwatch/pbxguard-secwatch"
podman exec -i "$pbx" sh -c "cat >> /etc/asterisk/manager.conf" <<EOF

[pbxguard-secwatch]
secret = $secret
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = security
write =
displayconnects = no
EOF
podman exec -i "$pbx" sh -c "cat > /etc/pbxguard-secwatch/secwatch.conf" <<EOF
[ami]
host = 127.0.0.1
port = 5038
username = pbxguard-secwatch
secret = $secret

[log]
path = /var/log/asterisk/pbxguard-secwatch.log
EOF
podman exec -i "$pbx" sh -c 'cat > /root/ami_dump.py' <<'EOF'
import configparser, socket, sys
ami = configparser.ConfigParser(interpolation=None)
ami.read("/etc/pbxguard-secwatch/secwatch.conf")
sock = socket.create_connection(("127.0.0.1", 5038))
sock.sendall(f"Action: Login\r\nUsername: {ami['ami']['username']}\r\nSecret: {ami['ami']['secret']}\r\n"
             "Events: security\r\n\r\n".encode())
with open(sys.argv[1], "wb", buffering=0) as out:
    while data := sock.recv(65536):
        out.write(data)
EOF
podman exec "$pbx" sh -c 'sed -i "/^\[logfiles\]/a fail2ban.log => notice,warning\nsecurity => security" /etc/asterisk/logger.conf
  asterisk
  for _ in $(seq 100); do asterisk -rx "core waitfullybooted" >/dev/null 2>&1 && break; sleep 0.2; done
  : > /var/log/asterisk/fail2ban.log; : > /var/log/asterisk/security; asterisk -rx "logger reload" >/dev/null
  setsid python3 /usr/local/lib/pbxguard-secwatch/pbxguard-secwatch --config /etc/pbxguard-secwatch/secwatch.conf </dev/null >/var/log/secwatch.err 2>&1 &
  setsid python3 /root/ami_dump.py /root/ami.log </dev/null >/dev/null 2>&1 &
  for _ in $(seq 50); do
    asterisk -rx "manager show connected" | grep -c "^ *pbxguard-secwat" | grep -qx 2 && break; sleep 0.2
  done
  asterisk -rx "manager show connected" | grep -c "^ *pbxguard-secwat" | grep -qx 2 ||
    { echo "the watcher and the dump are not both logged in to AMI" >&2; cat /var/log/secwatch.err >&2; exit 1; }'

manifest=$(mktemp)
case_no=0
guess() { # source forged description sip_client-guess-args... (the Call-ID gets the token first)
  local source=$1 forged=$2 what=$3; shift 3
  case_no=$((case_no + 1))
  local token="pbxguard-t${case_no}n{n}."
  local server=10.242.2.10
  [[ $source == *:* ]] && server=fd42:4242:2::10
  local args=() a
  for a in "$@"; do args+=("${a//@TOKEN@/$token}"); done
  printf '{"case": %d, "source": "%s", "forged": "%s", "what": "%s"}\n' \
    "$case_no" "$source" "$forged" "$what" >>"$manifest"
  podman exec "$attacker" python3 /usr/local/bin/sip_client.py guess --server "$server" \
    --interval 0.02 "${args[@]}" >/dev/null
}
segment() { # address: the tail of a distributor line, as the attacker forges it
  local host=$1
  [[ $host == *:* ]] && host="[$host]"
  printf "failed for '%s:5060' (callid: forged) - Failed to authenticate" "$host"
}
tab=$'\t'
# Each payload over IPv4 and IPv6, each with its own forged address (the admin's and others).
for family in 4 6; do
  if [ $family = 4 ]; then src=10.242.2.66 admin=10.242.2.36 other=192.0.2.1 fam=IPV4
  else src=fd42:4242:2::66 admin=fd42:4242:2::36 other=2001:db8::1 fam=IPV6; fi
  guess $src - "wrong password, Call-ID with spaces" --user 201 --count 3 \
    --call-id "@TOKEN@ 0f21e594 0183d413"
  guess $src - "wrong password, tabs, parentheses, non-ASCII" --user 201 --count 2 \
    --call-id "@TOKEN@${tab}(x)${tab}ü ∑ 電話" --display "Bür${tab}o (desk) 'front' \"A\""
  guess $src $admin "wrong password, forged segment in the Call-ID" --user 201 --count 3 \
    --call-id "@TOKEN@) - Failed to authenticate $(segment $admin | sed 's/ - Failed to authenticate$//; s/(callid: forged)/(callid: z/')"
  guess $src $other "wrong password, forged segment in the display name" --user 201 --count 2 \
    --call-id "@TOKEN@ a" --display "x' $(segment $other)"
  guess $src $admin "wrong password, forged segments on both sides" --user 201 --count 2 \
    --display "$(segment $other) '" --call-id "@TOKEN@) - x $(segment $admin | sed 's/) - Failed to authenticate$//')"
  guess $src $admin "wrong password, forged RemoteAddress in Call-ID and response" --user 201 --count 2 \
    --call-id "@TOKEN@\",RemoteAddress=\"$fam/UDP/$admin/5060\"" \
    --response "x\\\",RemoteAddress=\\\"$fam/UDP/$admin/5060"
  guess $src $admin "unknown user, quotes and parentheses in the From user" --user 999 --count 2 \
    --from-user "9'(9)" --call-id "@TOKEN@ RemoteAddress=\"$fam/UDP/$admin/5060\" $(segment $admin)"
  guess $src $other "unknown user, forged segment escaped in the From user" --user 998 --count 1 \
    --from-user "x'%20failed%20for%20'${other//:/%3A}%3A5060'%20(callid%3A%20q)%20-%20Failed%20to%20authenticate" \
    --call-id "@TOKEN@ (y)"
  guess $src $admin "endpoint ACL, forged segment" --user 202 --count 2 \
    --call-id "@TOKEN@ $(segment $admin | sed 's/Failed to authenticate/Not match Endpoint ACL/')"
done
# The server-side error (endpoint 203 has no auth object): not an attack in mode "normal".
guess 10.242.2.66 10.242.2.36 "server-side auth error, forged segment" --user 203 --count 2 \
  --call-id "@TOKEN@ $(segment 10.242.2.36)"

# AMI logins with hostile user names (the address comes first in Asterisk's line), from the
# attacker's real addresses (before it gets a second IPv6 address).
podman exec -i "$attacker" python3 - <<'EOF'
import socket, time
for host, user in (("10.242.2.10", "admin' 10.242.2.36 failed to authenticate as 'x"),
                   ("fd42:4242:2::10", "nobody (ü) fd42:4242:2::36"),
                   ("10.242.2.10", "admin")):
    sock = socket.create_connection((host, 5038), timeout=3)
    sock.recv(200)
    sock.send(f"Action: Login\r\nUsername: {user}\r\nSecret: wrong secret\r\n\r\n".encode())
    time.sleep(0.3)
    sock.close()
EOF

# The global ACL refuses the attacker's second IPv6 address before any endpoint lookup.
podman exec "$attacker" ip addr add fd42:4242:2::67/64 dev eth0 nodad
sleep 1
podman exec -i "$attacker" python3 - <<'EOF'
import socket
# sip_client binds no source address: send these two from ::67 directly.
for n in (1, 2):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind(("fd42:4242:2::67", 0))
    sock.settimeout(1)
    port = sock.getsockname()[1]
    text = (f"REGISTER sip:[fd42:4242:2::10] SIP/2.0\r\nVia: SIP/2.0/UDP [fd42:4242:2::67]:{port};branch=z9hG4bKacl{n};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: \"x' failed for '10.242.2.36:5060' (callid: q) - Failed to authenticate\" <sip:201@[fd42:4242:2::10]>;tag=a{n}\r\n"
            f"To: <sip:201@[fd42:4242:2::10]>\r\nCall-ID: pbxguard-acl{n}. did not pass ACL test\r\nCSeq: 1 REGISTER\r\n"
            f"Contact: <sip:201@[fd42:4242:2::67]:{port}>\r\nUser-Agent: Yealink SIP-T46S 66.86.0.15\r\nContent-Length: 0\r\n\r\n")
    sock.sendto(text.encode(), ("fd42:4242:2::10", 5060))
    try:
        sock.recv(4096)
    except socket.timeout:
        pass
EOF

# The legitimate phone registers (a success line for the watcher; never a failure).
podman exec "$phone" python3 /usr/local/bin/sip_client.py register --server 10.242.2.10 \
  --user 201 --password Phone-201-Secret >/dev/null
podman exec "$phone" python3 /usr/local/bin/sip_client.py register --server fd42:4242:2::10 \
  --user 201 --password Phone-201-Secret >/dev/null
sleep 1

mkdir -p "$fixtures"
podman exec "$pbx" cat /var/log/asterisk/fail2ban.log >"$fixtures/crafted-messages.log"
podman exec "$pbx" cat /var/log/asterisk/security >"$fixtures/crafted-security.log"
podman exec "$pbx" cat /var/log/asterisk/pbxguard-secwatch.log >"$fixtures/crafted-secwatch.log"
# AMI ends every line with CRLF and never sends a bare CR or LF: stored with LF (the tests put
# the CRs back), after checking that nothing is lost.
podman exec "$pbx" cat /root/ami.log | python3 -c '
import sys
raw = sys.stdin.buffer.read()
assert raw.count(b"\n") == raw.count(b"\r\n") and b"\r" not in raw.replace(b"\r\n", b""), "a bare CR or LF"
sys.stdout.buffer.write(raw.replace(b"\r\n", b"\n"))' >"$fixtures/crafted-ami.log"
python3 - "$manifest" "$fixtures/crafted-sources.json" <<'EOF'
import json, sys
cases = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump({"token": r"pbxguard-t(\d+)n\d+\.", "phone": ["10.242.2.20", "fd42:4242:2::20"],
               "ami": [{"source": "10.242.2.66", "forged": "10.242.2.36", "logins": 2},
                       {"source": "fd42:4242:2::66", "forged": "fd42:4242:2::36", "logins": 1}],
               "acl": {"source": "fd42:4242:2::67", "forged": "10.242.2.36", "requests": 2},
               "cases": cases}, out, indent=1, ensure_ascii=False)
    out.write("\n")
EOF
rm -f "$manifest"
if podman exec "$pbx" test -s /var/log/secwatch.err; then podman exec "$pbx" cat /var/log/secwatch.err; fi
wc -l "$fixtures"/crafted-*
