#!/usr/bin/env bash
# Capture what a real Asterisk 22 logs under attack, as fixtures for the fail2ban filter.
# Boots the asterisk22 image and an attacker on an internal podman network, runs SIPVicious,
# a wrong AMI login and a real phone registration, and saves the logs under ../fixtures/.
# Usage: tests/fail2ban/capture/capture.sh     (about 1 minute; removes everything it starts)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/../fixtures"
run="pbxguard-${PBXGUARD_RUN_ID:-dev}-f2b-capture"
net="$run-net"
pbx="$run-pbx"
attacker="$run-attacker"
phone="$run-phone"
trunk="$run-trunk"
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$here/../../.." && pwd)/containers.conf}

cleanup() {
  podman rm --force --time 0 --ignore "$pbx" "$attacker" "$phone" "$trunk" >/dev/null
  if podman network exists "$net"; then podman network rm --force "$net" >/dev/null; fi
}
trap cleanup EXIT
cleanup

podman network create --internal --disable-dns --ipv6 --subnet fd42:4242:2::/64 \
  --subnet 10.242.2.0/24 "$net" >/dev/null
start() { # name ipv4-host-part image
  podman run --detach --name "$2" --cap-add NET_ADMIN,NET_RAW \
    --network "$net:ip=10.242.2.$3,ip6=fd42:4242:2::$3" "$1" sleep infinity >/dev/null
}
start localhost/pbxguard/asterisk22 "$pbx" 10
start localhost/pbxguard/asterisk22 "$phone" 20
start localhost/pbxguard/asterisk22 "$trunk" 30
if podman image exists localhost/pbxguard/attacker; then
  start localhost/pbxguard/attacker "$attacker" 66
else # the attacker image is not built: SIPVicious from its wheel in an asterisk22 container
  start localhost/pbxguard/asterisk22 "$attacker" 66
  wheels=$(mktemp -d)
  pip download --quiet --no-deps sipvicious==0.3.8 -d "$wheels"
  podman exec "$attacker" mkdir -p /opt/sipvicious
  python3 -m zipfile -e "$wheels"/sipvicious-0.3.8-py3-none-any.whl "$wheels/sv"
  podman cp "$wheels/sv/." "$attacker:/opt/sipvicious/"
  rm -rf "$wheels"
fi
for c in "$attacker" "$phone" "$trunk"; do podman cp "$here/../sip_client.py" "$c:/usr/local/bin/sip_client.py"; done

# The PBX: the capture's PJSIP config, AMI on, the security log in its own file.
podman cp "$here/pjsip.conf" "$pbx:/etc/asterisk/pjsip.conf"
podman cp "$here/manager.conf" "$pbx:/etc/asterisk/manager.conf"
podman exec "$pbx" sh -c 'echo "security => security" >> /etc/asterisk/logger.conf
  asterisk && sleep 1 && asterisk -rx "core waitfullybooted" >/dev/null
  : > /var/log/asterisk/messages.log; : > /var/log/asterisk/security; asterisk -rx "logger reload" >/dev/null'

sv() { # tool args...: SIPVicious from the attacker, bounded in time
  local tool=$1; shift
  podman exec -e PYTHONPATH=/opt/sipvicious "$attacker" timeout 20 python3 -c \
    "import sys; from sipvicious.$tool import main; sys.argv[0] = '$tool'; main()" "$@" >/dev/null 2>&1 || true
}
ami_login() { # address user secret
  podman exec -i "$attacker" python3 - "$@" <<'EOF'
import socket, sys, time
sock = socket.create_connection((sys.argv[1], 5038), timeout=3)
sock.recv(200)
sock.send(f"Action: Login\r\nUsername: {sys.argv[2]}\r\nSecret: {sys.argv[3]}\r\n\r\n".encode())
time.sleep(0.3)
sock.close()
EOF
}

# Attacks over IPv4 and IPv6 (the attacker's second IPv6 address is refused by the global ACL).
sv svmap 10.242.2.10
sv svwar --force -e 300-302 -m REGISTER 10.242.2.10
sv svwar --force -e 300-302 -m INVITE 10.242.2.10
sv svcrack -u 201 -r 1000-1009 10.242.2.10          # wrong passwords
sv svcrack -u 202 -r 1000-1004 10.242.2.10          # endpoint ACL
sv svcrack -u 203 -r 1000-1004 10.242.2.10          # server-side auth error (a negative)
sv svcrack -6 -u 201 -r 1000-1004 fd42:4242:2::10
sv svwar -6 --force -e 300-302 -m REGISTER fd42:4242:2::10
podman exec "$attacker" ip addr add fd42:4242:2::67/64 dev eth0
podman exec "$attacker" timeout 3 python3 /usr/local/bin/sip_client.py flow --server fd42:4242:2::10 \
  --user 201 --interval 0.5 --log /tmp/acl.log || true
ami_login 10.242.2.10 admin wrong-secret
ami_login 10.242.2.10 nobody whatever
ami_login fd42:4242:2::10 admin wrong-secret
ami_login 10.242.2.10 admin Ami-Admin-Secret                  # a success (a negative)

# The legitimate phone (negatives: ChallengeSent and SuccessfulAuth in the security log).
podman exec "$phone" python3 /usr/local/bin/sip_client.py register --server 10.242.2.10 \
  --user 201 --password Phone-201-Secret
podman exec "$phone" python3 /usr/local/bin/sip_client.py register --server fd42:4242:2::10 \
  --user 201 --password Phone-201-Secret
podman exec "$phone" python3 /usr/local/bin/sip_client.py register --server 10.242.2.10 \
  --user 202 --password Phone-202-Secret
# The trunk's qualify OPTIONS (identified by address: a negative).
podman exec "$trunk" python3 /usr/local/bin/sip_client.py options --server 10.242.2.10 --user trunk
sleep 1

mkdir -p "$fixtures"
podman exec "$pbx" cat /var/log/asterisk/messages.log >"$fixtures/asterisk22-messages.log"
podman exec "$pbx" cat /var/log/asterisk/security >"$fixtures/asterisk22-security.log"
wc -l "$fixtures"/asterisk22-*.log
