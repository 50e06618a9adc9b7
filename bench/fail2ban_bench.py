"""How many password guesses reach Asterisk before fail2ban stops an attacker.

Boots the asterisk22 image and the attacker image on an internal podman network, configures
the PBX with the molecule scenario's prepare and converge playbooks (SIP open to the world,
role pbxguard.hardening.fail2ban with its defaults), then:

1. Fast attackers (measured): SIPVicious svcrack at its default pace and as a flood (-t 0),
   and a guesser disguised as a phone (tests/attacks.py: its User-Agent, crafted Call-ID
   and From display name), each without and with a per-source SIP budget like the
   firewall role's (2048 bytes, refilled by 256 an hour; emulated here with an nft meter). For
   each: the wrong passwords that reached Asterisk ("Failed to authenticate" lines for the
   attacker) and the seconds from the first failure (security log EventTV) to fail2ban's
   Ban line; and what that allows in 24 hours, a ban (and the recidive ban) waited out.
2. Slow attackers (computed, then checked against fail2ban's own counting, its FailManager,
   fed the attacker's timestamps): guesses per 24 hours under maxretry, findtime, bantime
   and recidive, for the configured policy and for fail2ban's stock asterisk jail.

Usage: .venv/bin/python bench/fail2ban_bench.py     (about 3 minutes; removes everything it starts)
Needs: the images localhost/pbxguard/asterisk22 and localhost/pbxguard/attacker, the
virtualenv (tests/playbook.py runs its ansible-playbook with this checkout's collections).
"""

import json
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))
import attacks  # noqa: E402  (tests/ is not a package)
import figures  # noqa: E402
import playbook  # noqa: E402
from containers import Container, Testbed, down  # noqa: E402
SCENARIO = REPO / "molecule/fail2ban"
BED = Testbed("f2b-bench", unique=False)
PBX, ATTACKER = BED.name("pbx"), BED.name("attacker")
PBX_IP, ATTACKER_IP = "10.242.2.10", "10.242.2.66"
# The PBX and the attacker on an internal dual-stack network of their own.
SPEC = {
    "networks": [{"name": "net", "ipv4": "10.242.2.0/24", "ipv6": "fd42:4242:2::/64"}],
    "platforms": [{"name": name, "image": f"localhost/pbxguard/{image}",
                   "networks": [{"name": "net", "ipv4": f"10.242.2.{host}", "ipv6": f"fd42:4242:2::{host}"}]}
                  for name, image, host in (("pbx", "asterisk22", "10"), ("attacker", "attacker", "66"))],
}
# The firewall role's per-source budget in world-open mode (firewall_sip_world_bytes' default)
# and its nftables refill, as one nft meter.
BUDGET_BYTES, REFILL_BYTES_PER_HOUR = 2048, 256
OVER_BUDGET = f"limit rate over {REFILL_BYTES_PER_HOUR} bytes/hour burst {BUDGET_BYTES - REFILL_BYTES_PER_HOUR} bytes"
RATE_LIMIT = f"""
table inet pbxguard-bench-ratelimit {{
  chain input {{
    type filter hook input priority -20; policy accept;
    udp dport 5060 meter sip_per_source {{ ip saddr {OVER_BUDGET} }} drop
  }}
}}
"""


def on(container, command, check=True, stdin=None):
    return Container(container).sh(command, check=check, stdin=stdin)


def teardown():
    down(BED.prefix)


def setup():
    BED.up(SPEC)
    with tempfile.TemporaryDirectory() as tmp:
        inventory = Path(tmp) / "inventory.json"
        inventory.write_text(json.dumps({
            "all": {"vars": {"ansible_connection": "containers.podman.podman", "ansible_user": "root"}},
            "pbx": {"hosts": {"pbx": {"ansible_host": PBX}}},
            "clients": {"hosts": {"attacker": {"ansible_host": ATTACKER}}},
        }))
        for name in ("prepare.yml", "converge.yml"):
            run = playbook.run(SCENARIO / name, inventory)
            if run.rc != 0:
                raise RuntimeError(f"{name} failed: {run.output[-1500:]}")


def policy():
    jail = on(PBX, "fail2ban-client get pbxguard-asterisk maxretry; fail2ban-client get pbxguard-asterisk findtime;"
                   "fail2ban-client get pbxguard-asterisk bantime; fail2ban-client get pbxguard-recidive maxretry;"
                   "fail2ban-client get pbxguard-recidive findtime; fail2ban-client get pbxguard-recidive bantime")
    values = [int(v) for v in jail.split()]
    return dict(zip(["maxretry", "findtime", "bantime", "r_maxretry", "r_findtime", "r_bantime"], values))


def banned(address):
    return f"'{address}'" in on(PBX, "fail2ban-client get pbxguard-asterisk banned")


def fresh_fail2ban():
    """Unban everyone and start from empty logs (the SIP jail reads the AMI watcher's too).
    Guesses logged after a ban (in flight when it
    landed) stay in fail2ban's memory, and a restart reads the last findtime of the log again:
    either would ban the next measurement's attacker at once."""
    on(PBX, "fail2ban-client unban --all >/dev/null; systemctl stop fail2ban;"
            ": > /var/log/asterisk/fail2ban.log; : > /var/log/asterisk/pbxguard-secwatch.log;"
            ": > /var/log/fail2ban.log; systemctl start fail2ban")
    for _attempt in range(100):
        if "pbxguard-asterisk" in on(PBX, "fail2ban-client status 2>/dev/null || true"):
            return
        time.sleep(0.2)
    raise RuntimeError("fail2ban did not come back")


def measure(label, attack, rate_limited, address=ATTACKER_IP):
    fresh_fail2ban()
    on(PBX, "nft delete table inet pbxguard-bench-ratelimit 2>/dev/null || true")
    if rate_limited:
        on(PBX, "nft -f -", stdin=RATE_LIMIT)
    time.sleep(1)
    offsets = on(PBX, "wc -l < /var/log/asterisk/security; wc -l < /var/log/fail2ban.log").split()
    on(ATTACKER, f"systemd-run --collect --unit=bench-attack {attack}")
    deadline = time.time() + 40
    while time.time() < deadline and not banned(address):
        time.sleep(0.2)
    was_banned = banned(address)
    time.sleep(3)  # the guesses that were in flight when the ban landed still count
    on(ATTACKER, "systemctl stop bench-attack 2>/dev/null || true", check=False)
    failed = attacks.failures(Container(PBX), address)  # fresh_fail2ban emptied the jail's log
    events = on(PBX, f"tail -n +{int(offsets[0]) + 1} /var/log/asterisk/security"
                     f" | grep ChallengeResponseFailed | grep -m1 'IPV4/UDP/{address}/' || true")
    bans = on(PBX, f"tail -n +{int(offsets[1]) + 1} /var/log/fail2ban.log"
                   f" | grep -m1 '\\[pbxguard-asterisk\\] Ban {address}' || true")
    seconds = None
    first = re.search(r'EventTV="([^"]+)"', events)
    ban = re.match(r"(\S+ \S+)", bans)
    if first and ban:
        start = datetime.strptime(first.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        end = datetime.strptime(ban.group(1) + "+0000", "%Y-%m-%d %H:%M:%S,%f%z").timestamp()
        seconds = end - start
    return {"attack": label, "attacker": address, "rate limit": "2048 B" if rate_limited else "none",
            "banned": "yes" if was_banned else "NO", "guesses reached Asterisk": int(failed),
            "seconds to ban": f"{seconds:.2f}" if seconds is not None else "-"}


# The fast attackers: label and the command the attacker container runs (40 s at most).
ATTACKS = [
    ("svcrack, default pace", attacks.svcrack(PBX_IP, 40)),
    ("svcrack, flood (-t 0)", attacks.svcrack(PBX_IP, 40, extra="-t 0")),
    ("guesser disguised as a phone", f"timeout 40 {attacks.disguised_guesser(PBX_IP, count=400, interval=0.05)}"),
]


def per_day(p, row):
    """Guesses in 24 hours for an attacker who lands row's guesses, is banned, waits the ban
    out and starts again (recidive only lowers this). One the budget held unbanned gets more
    only as the budget refills: as a slow guesser, computed."""
    if row["banned"] == "yes" and row["seconds to ban"] != "-":
        to_ban = float(row["seconds to ban"])
        return row["guesses reached Asterisk"] * (1 + int(max(0.0, 86400 - to_ban) // (to_ban + p["bantime"])))
    if row["rate limit"] == "none":
        return "no ban"
    landed = max(row["guesses reached Asterisk"], 1)
    # Another guess did not fit in the budget, so a guess is larger than BUDGET / (landed + 1):
    # the refill lets the next one through no sooner than this.
    gap = BUDGET_BYTES / (landed + 1) / REFILL_BYTES_PER_HOUR * 3600
    return f"{held_per_day(p, landed, gap)} (computed: one more every {gap / 3600:.1f} h)"


def held_per_day(p, landed, gap):
    """Guesses in the first 24 hours: landed at once, then one every gap seconds, each a
    failure fail2ban counts within findtime; at maxretry of them, banned for bantime."""
    failures, guesses, t, banned_until = [0.0] * landed, landed, gap, -1.0
    if landed >= p["maxretry"]:
        failures, banned_until = [], p["bantime"]
    while t < 86400:
        if t < banned_until:
            t = banned_until
            continue
        failures = [f for f in failures if f > t - p["findtime"]] + [t]
        guesses += 1
        if len(failures) >= p["maxretry"]:
            banned_until, failures = t + p["bantime"], []
        t += gap
    return guesses


# Runs inside the PBX container: fail2ban's own FailManager counts the slow attacker.
SIMULATION = r"""
import json, sys
from fail2ban.server.failmanager import FailManager, FailManagerEmpty
from fail2ban.server.ticket import FailTicket

def attack(p, gap, days=60):
    # The attacker guesses every `gap` seconds and waits out each ban (recidive included).
    # Returns the most guesses in any 24 hours and the average a day.
    fm, recidive = FailManager(), FailManager()
    fm.setMaxRetry(p["maxretry"]); fm.setMaxTime(p["findtime"])
    recidive.setMaxRetry(p["r_maxretry"] if p["r_bantime"] else 10**9); recidive.setMaxTime(p["r_findtime"] or 1)
    t, banned_until, guesses, end = 0.0, -1.0, [], days * 86400
    while t < end:
        if t < banned_until:
            t = banned_until
            continue
        guesses.append(t)
        fm.cleanup(t)
        fm.addFailure(FailTicket("192.0.2.1", t))
        try:
            fm.toBan("192.0.2.1")
            banned_until = t + p["bantime"]
            recidive.cleanup(t)
            recidive.addFailure(FailTicket("192.0.2.1", t))
            try:
                recidive.toBan("192.0.2.1")
                banned_until = t + p["r_bantime"]
            except FailManagerEmpty:
                pass
        except FailManagerEmpty:
            pass
        t += gap
    most, j = 0, 0
    for i, start in enumerate(guesses):
        while guesses[j] < start - 86400:
            j += 1
        most = max(most, i - j + 1)
    return most, len(guesses) / days

policies = json.loads(sys.stdin.read())
rows = []
for name, p in policies.items():
    under_gap = p["findtime"] / max(p["maxretry"] - 1, 1) + 1
    for label, gap in (("just under maxretry", under_gap), ("1 guess a minute", 60.0),
                       ("1 guess every 71 s", 71.0)):
        most, daily = attack(p, gap)
        rows.append([name, label, round(gap), most, round(daily, 1)])
print(json.dumps(rows))
"""


def computed(p, gap):
    """Guesses in the first 24 hours, by arithmetic: the attacker stays under maxretry
    within findtime, or is banned at the maxretry-th guess and waits out the ban."""
    if gap * (p["maxretry"] - 1) >= p["findtime"]:  # never maxretry failures within findtime
        return int(86400 // gap) + 1
    per_ban = p["maxretry"]
    cycle = (p["maxretry"] - 1) * gap + p["bantime"]
    return per_ban * (int(86400 // cycle) + 1) if cycle < 86400 else per_ban


def table(rows, headers):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main():
    teardown()
    try:
        setup()
        p = policy()
        fast = [measure(label, command, limited) for label, command in ATTACKS for limited in (False, True)]
        stock = {"maxretry": 10, "findtime": 600, "bantime": 600, "r_maxretry": 0, "r_findtime": 0, "r_bantime": 0}
        on(PBX, "cat > /tmp/pbxguard-simulation.py", stdin=SIMULATION)
        simulated = json.loads(on(PBX, "python3 /tmp/pbxguard-simulation.py",
                                  stdin=json.dumps({"pbxguard": p, "fail2ban stock": stock})))
    finally:
        teardown()

    print(f"\nfail2ban bench: pbxguard-asterisk jail maxretry {p['maxretry']}, findtime {p['findtime']} s, "
          f"bantime {p['bantime']} s; recidive {p['r_maxretry']} bans in {p['r_findtime']} s -> "
          f"{p['r_bantime']} s\n")
    print("Fast attackers (measured, SIP open to the world, one extension, wrong passwords):")
    for row in fast:
        row["guesses per 24 h"] = per_day(p, row)
    headers = list(fast[0])
    table([[row[h] for h in headers] for row in fast], headers)
    for label, command in ATTACKS:
        for row in (r for r in fast if r["attack"] == label):
            limit = "per-source budget 2048 B" if row["rate limit"] != "none" else "no SIP limit"
            where = f"{command}   (bench/fail2ban_bench.py, {limit})"
            figures.record(f"{label}, {limit}: guesses before the ban", row["guesses reached Asterisk"], where)
            figures.record(f"{label}, {limit}: guesses per 24 h", row["guesses per 24 h"], where)
            figures.record(f"{label}, {limit}: seconds to ban", row["seconds to ban"], where)
    print("\nSlow attackers (guesses per 24 h; computed, and counted by fail2ban's FailManager over 60 days):")
    rows = []
    for name, label, gap, most, daily in simulated:
        policy_of = p if name == "pbxguard" else stock
        rows.append([name, label, f"{gap} s", computed(policy_of, gap), most, daily])
        figures.record(f"slow guesser, {label} ({gap} s apart), {name} jail: guesses per 24 h", most,
                       "bench/fail2ban_bench.py: fail2ban's FailManager fed the guesser's times, 60 days")
    table(rows, ["policy", "attacker", "gap", "computed, first 24 h", "fail2ban: most in 24 h",
                 "fail2ban: average a day"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
