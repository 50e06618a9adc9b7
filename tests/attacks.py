"""The attack lab's shared pieces: what an attacker runs and what the PBX saw.

Used by the attack scenario (molecule/attack), `make bench` and `make demo`, so that each
attack is written once. A host is anything with `sh(command, check=True) -> stdout`, such as
tests/containers.Container. The attackers run the clients the attacker image carries
(SIPVicious, tests/fail2ban/sip_client.py at SIP_CLIENT) on their own side.

For shell scripts (demo/run), the read-only pieces are also a command line:
  python3 tests/attacks.py secret CONTAINER NAME       a generated secret from the PBX's store
  python3 tests/attacks.py guesses CONTAINER ADDRESS [LOG]   wrong passwords Asterisk saw from
                                                       ADDRESS (in LOG, a glob; the jail's log)
  python3 tests/attacks.py forget CONTAINER [LOG]      start the count of guesses afresh
  python3 tests/attacks.py banned CONTAINER            the addresses the SIP jail has banned
  python3 tests/attacks.py command svcrack|disguised_guesser TARGET ARG...
                                                       an attack's command line, for an attacker
"""

import json
import re
import shlex
import sys

SIP_CLIENT = "python3 /usr/local/bin/sip_client.py"
# SIPVicious with a phone's User-Agent instead of "friendly-scanner" (the attack scenario's
# prepare makes this copy on the attackers).
DISGUISED_SIPVICIOUS = "env PYTHONPATH=/opt/disguised python3 -c 'from sipvicious.{tool} import main; main()'"
PHONE_USER_AGENT = "Yealink SIP-T46S 66.86.0.15"
STORE = "/etc/pbxguard/secrets.json"
# The file the fail2ban jail reads: every failure once (the fail2ban role's logger channel).
JAIL_LOG = "/var/log/asterisk/fail2ban.log"
SIP_JAIL = "pbxguard-asterisk"


def secret(pbx, name):
    """A secret or PIN the sip_extensions role generated (sip_201, vm_201); never print it."""
    return json.loads(pbx.sh(f"cat {STORE}"))["secrets"][name]["value"]


def failures(pbx, address, reason="Failed to authenticate", log=JAIL_LOG):
    """How many requests from address Asterisk refused for reason, as log (a glob: before
    the fail2ban role ran, Debian's /var/log/asterisk/messages*) holds them."""
    host = f"[{address}]" if ":" in address else address
    pattern = re.escape(f"failed for '{host}:") + r"[0-9]+'.*" + re.escape(reason)
    return int(pbx.sh(f"cat {log} 2>/dev/null | grep -Ec {shlex.quote(pattern)} || true").strip() or 0)


def forget(pbx, log=JAIL_LOG):
    """Empty log (a glob), so that the next count starts at zero (readers keep reading it)."""
    pbx.sh(f"for f in {log}; do [ -f \"$f\" ] && : > \"$f\"; done; true")


def banned(pbx, jail=SIP_JAIL):
    """The addresses jail has banned now."""
    output = pbx.sh(f"fail2ban-client get {jail} banned 2>/dev/null || true")
    return set(re.findall(r"'([^']+)'", output))


def svcrack(target, seconds, user="201", extra=""):
    """SIPVicious svcrack against one extension, numeric guesses, none of them right."""
    options = f"{extra} " if extra else ""
    return f"timeout {seconds} sipvicious_svcrack {options}-u {user} -r 100000-999999 {target}"


def disguised_guesser(target, count, user="201", interval=0.5):
    """A guesser that looks like a phone: its User-Agent, a Call-ID and a From display name of
    the kind a desk phone sends, one wrong password after another."""
    return (f"{SIP_CLIENT} guess --server {target} --user {user} --count {count} --interval {interval}"
            f" --user-agent {shlex.quote(PHONE_USER_AGENT)} --display {shlex.quote('Reception desk')}"
            f" --call-id {shlex.quote('{n}-3c2a7f@' + PHONE_USER_AGENT.split()[0].lower())}")


def main(argv):
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from containers import Container  # noqa: E402  (tests/ is not a package)

    command, *rest = argv
    if command == "command":
        attack = {"svcrack": svcrack, "disguised_guesser": disguised_guesser}[rest[0]]
        print(attack(*rest[1:]))
        return 0
    pbx = Container(rest.pop(0))
    if command == "secret":
        print(secret(pbx, rest[0]))
    elif command == "guesses":
        print(failures(pbx, rest[0], log=rest[1] if rest[1:] else JAIL_LOG))
    elif command == "forget":
        forget(pbx, log=rest[0] if rest else JAIL_LOG)
    elif command == "banned":
        print(" ".join(sorted(banned(pbx))))
    else:
        raise SystemExit(f"unknown command {command!r}; see {__file__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
