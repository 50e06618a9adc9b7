# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Score a PBX against the checklist items a machine can check (private to this collection).

The pbx_audit module runs commands on the PBX and hands their output to the parsers here;
score() turns the observations into one result per checklist item. Everything here is a
pure function of text and numbers, so that each verdict is unit-tested without a PBX.

A result is {id, status, detail}: status "pass", "fail" or "unknown" (the audit could not
tell, said plainly - never a pass by default). Secrets never appear in a result: only the
name of what was audited and the audit's words.
"""

from __future__ import annotations

import datetime
import re

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
STATUSES = (FAIL, UNKNOWN, PASS)  # the report's order: failures first

# The items of roles/audit/files/checklist.yml that a machine checks, in the checklist's order.
ITEMS = (
    "updates-pending",
    "asterisk-supported",
    "backups-recent",
    "secrets-strong",
    "extension-acl",
    "trunk-caps",
    "no-wildcard-routes",
    "international-blocked",
    "firewall-default-deny",
    "fail2ban-running",
    "call-review-active",
)
# Applications that place a call: a probe number that can reach one of them is not blocked.
CALLING_APPS = frozenset(("dial", "disa", "queue", "followme", "page", "originate"))
MAX_JUMPS = 40
MAX_TRUNK_CHANNELS = 2
# The dial plan's findings that open a road for toll fraud (dialplan_check's kinds).
ROAD_KINDS = ("wildcard", "outbound-from-inbound", "disa-without-pin", "unfiltered-exten")

_VERSION = re.compile(r"^Asterisk (?:certified[-/])?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?", re.IGNORECASE)
_APT_INST = re.compile(r"^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) (.*)\)")
_OBJECT_FIELD = re.compile(r"^\s*([A-Za-z0-9_]+)\s+: ?(.*?)\s*$")
_LISTED = re.compile(r"^\s*(Endpoint|Auth):\s+([^\s/]+)")
_SHOWN = re.compile(r"^\s*(?:'([^']*)' =>)?\s*(?:\[[^\]]*\]\s+)?([0-9]+)\.\s+([A-Za-z0-9_]+)\((.*)\)\s+\[[^\]]*\]\s*$")
# The trunks role's cap: GotoIf($[${GROUP_COUNT(itsp@pbxguard-trunk)} > 2]?full).
_TRUNK_CAP = re.compile(r"GROUP_COUNT\(([^@()]+)@pbxguard-trunk\)\}\s*>\s*([0-9]+)")
_NFT_CHAIN = re.compile(r"^\s*table\s+(\S+)\s+(\S+)\s*\{|^\s*type filter hook input priority [^;]+;\s*policy (\w+);")
_JAILS = re.compile(r"Jail list:\s*(.*)$", re.MULTILINE)


def result(item, status, detail):
    return {"id": item, "status": status, "detail": detail}


# Parsers of what the PBX's commands print.

def asterisk_version(text):
    """(major, minor) from `core show version`, or None."""
    match = _VERSION.match((text or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def apt_pending(text):
    """Packages `apt-get -s dist-upgrade` would install: [{name, version, security}]."""
    pending = []
    for line in (text or "").splitlines():
        match = _APT_INST.match(line)
        if match:
            origin = match.group(3)
            pending.append({"name": match.group(1), "version": match.group(2),
                            "security": "security" in origin.lower()})
    return pending


def listed_objects(text, kind):
    """Names of `pjsip show endpoints` (kind Endpoint) or `pjsip show auths` (kind Auth)."""
    names = []
    for line in (text or "").splitlines():
        match = _LISTED.match(line)
        if match and match.group(1) == kind and match.group(2) not in names and not match.group(2).startswith("<"):
            names.append(match.group(2))
    return names


def object_fields(text):
    """The `ParameterName : ParameterValue` table of `pjsip show endpoint|auth NAME`."""
    fields = {}
    started = False
    for line in (text or "").splitlines():
        if line.strip().startswith("ParameterName"):
            started = True
            continue
        match = _OBJECT_FIELD.match(line) if started else None
        if match:
            fields.setdefault(match.group(1), match.group(2))
    return fields


def voicemail_pins(text):
    """[(context, mailbox, pin)] of one voicemail.conf-style file's mailboxes."""
    boxes = []
    context = None
    for raw in (text or "").splitlines():
        line = raw.split(";", 1)[0].strip()
        header = re.match(r"^\[([^\]]+)\]", line)
        if header:
            context = header.group(1)
            continue
        if context in (None, "general", "zonemessages") or "=>" not in line:
            continue
        mailbox, value = (part.strip() for part in line.split("=>", 1))
        pin = value.split(",", 1)[0].strip()
        # A leading "-" only stops the user from changing the PIN; "*" ... hashed forms are not PINs.
        boxes.append((context, mailbox, pin[1:] if pin.startswith("-") else pin))
    return boxes


def included_files(text):
    """The files a configuration file #includes or #tryincludes, as written."""
    return re.findall(r'(?m)^\s*#\s*(?:try)?include\s+"?([^"\s]+)"?', text or "")


def shown_extensions(text):
    """[(pattern, [(app, data), ...])] that `dialplan show` lists, in its order (hints left out)."""
    extensions = []
    for line in (text or "").splitlines():
        match = _SHOWN.match(line)
        if not match:
            continue
        if match.group(1) is not None:
            extensions.append((match.group(1), []))
        elif not extensions:
            continue
        extensions[-1][1].append((match.group(3), match.group(4)))
    return extensions


def jump_targets(app, data, context):
    """(context, extension) pairs a Goto, GotoIf, Gosub or GosubIf step can jump to.

    A target of one field is a label or priority of the same extension, whose steps the
    caller reads anyway.
    """
    if app in ("gotoif", "gosubif", "gotoiftime"):
        branches = data.rpartition("?")[2].split(":")
    elif app in ("goto", "gosub"):
        branches = [data]
    else:
        return []
    targets = []
    for branch in branches:
        fields = [field.strip() for field in branch.split(",")]
        if len(fields) >= 3:
            targets.append((fields[0], fields[1]))
        elif len(fields) == 2:
            targets.append((context, fields[0]))
    return targets


def follow(show, context, number, limit=MAX_JUMPS):
    """Where a call to number in context can go, asking Asterisk with show(what).

    show("NUMBER@CONTEXT") or show("CONTEXT") returns what `dialplan show` prints for it.
    Returns ("open", where) once a step that places a call (Dial, DISA, ...) is reachable,
    ("blocked", "") when none is, ("unknown", why) when a jump cannot be followed. Every
    branch is followed, and a jump to an extension named by a variable other than ${EXTEN}
    reads the whole target context.
    """
    queue = [(context, number)]
    seen = set()
    while queue:
        current, exten = queue.pop(0)
        if (current, exten) in seen:
            continue
        seen.add((current, exten))
        if len(seen) > limit:
            return "unknown", f"more than {limit} jumps from {number}@{context}"
        listed = shown_extensions(show(current if exten is None else f"{exten}@{current}"))
        for pattern, steps in (listed if exten is None else listed[:1]):
            for app, data in steps:
                name = app.lower()
                if name in CALLING_APPS or (name == "execif" and "dial(" in data.lower()):
                    # The app only: a dial string may hold a secret (IAX2/user:secret@host).
                    return "open", f"'{pattern}' in [{current}] reaches {app}"
                for target, target_exten in jump_targets(name, data, current):
                    if "$" in target:
                        return "unknown", f"'{pattern}' in [{current}] jumps to a context named by a variable ({target})"
                    if exten is not None:
                        target_exten = target_exten.replace("${EXTEN}", exten)
                    queue.append((target, None if "$" in target_exten else target_exten))
    return "blocked", ""


def trunk_caps_enforced(entries):
    """{trunk: cap} of the trunks role's GROUP_COUNT checks among the dial plan's (app, data) steps."""
    caps = {}
    for _app, data in entries:
        for name, cap in _TRUNK_CAP.findall(data or ""):
            caps[name] = max(caps.get(name, 0), int(cap))
    return caps


def nft_input_policies(text):
    """[(family, table, policy)] of the nftables base chains on the input hook."""
    policies = []
    table = (None, None)
    for line in (text or "").splitlines():
        match = _NFT_CHAIN.match(line)
        if match and match.group(1):
            table = (match.group(1), match.group(2))
        elif match:
            policies.append((table[0], table[1], match.group(3)))
    return policies


def iptables_input_policy(text):
    """The INPUT chain's policy from `iptables -S INPUT`, or None."""
    match = re.search(r"(?m)^-P INPUT (\w+)", text or "")
    return match.group(1) if match else None


def fail2ban_jails(text):
    """The jails `fail2ban-client status` lists."""
    match = _JAILS.search(text or "")
    return [name.strip() for name in match.group(1).split(",") if name.strip()] if match else []


# The verdicts, one function per checklist item, each over plain observations.

def score_updates(apt):
    """apt: None (apt cannot tell), or {lists_age_days, max_age_days, pending: [...]}."""
    if not apt or apt.get("lists_age_days") is None:
        return result("updates-pending", UNKNOWN, "no package lists: apt-get update has never run on this host (or its"
                      " mirror is unreachable), so pending updates cannot be known")
    if apt["lists_age_days"] > apt["max_age_days"]:
        return result("updates-pending", UNKNOWN, f"the package lists are {apt['lists_age_days']} days old (more than"
                      f" {apt['max_age_days']}): run apt-get update; pending updates cannot be known from them")
    pending = apt.get("pending", [])
    if not pending:
        return result("updates-pending", PASS, "no update is pending")
    security = [item["name"] for item in pending if item["security"]]
    asterisk = [item["name"] for item in pending if item["name"].startswith("asterisk")]
    detail = f"{len(pending)} update(s) pending, {len(security)} of them security updates"
    if asterisk:
        detail += f"; Asterisk among them ({', '.join(asterisk[:5])})"
    if security:
        detail += f": {', '.join(security[:10])}"
    return result("updates-pending", FAIL, detail)


def supported_branches(releases, today):
    """Branches whose security fixes run until today or later."""
    return sorted(int(entry["branch"]) for entry in releases["branches"]
                  if datetime.date.fromisoformat(str(entry["security_fixes_until"])) >= today)


def score_asterisk(version_text, releases, today, max_data_age_days=400):
    version = asterisk_version(version_text)
    if version is None:
        return result("asterisk-supported", UNKNOWN, "Asterisk is not running: its version cannot be read")
    as_of = datetime.date.fromisoformat(str(releases["date"]))
    if (today - as_of).days > max_data_age_days:
        return result("asterisk-supported", UNKNOWN, f"the collection's release data dates from {as_of}, more than"
                      f" {max_data_age_days} days ago: update the collection, then audit again")
    supported = supported_branches(releases, today)
    if not supported:
        return result("asterisk-supported", UNKNOWN, f"no branch in the release data of {as_of} is still supported")
    running = f"{version[0]}.{version[1]}"
    if version[0] in supported:
        return result("asterisk-supported", PASS, f"Asterisk {running}: branch {version[0]} receives security fixes"
                      f" (oldest such branch {supported[0]}, release data of {as_of})")
    return result("asterisk-supported", FAIL, f"Asterisk {running}: branch {version[0]} receives no security fixes any"
                  f" more; supported branches {', '.join(map(str, supported))} (release data of {as_of})")


def score_backups(backups):
    """backups: {dir, count, newest, age_hours, max_age_hours}."""
    if not backups["count"]:
        return result("backups-recent", FAIL, f"no backup archive in {backups['dir']}")
    age = backups["age_hours"]
    detail = f"{backups['count']} backup(s) in {backups['dir']}, the newest {backups['newest']} {age:.0f} h old"
    if age > backups["max_age_hours"]:
        return result("backups-recent", FAIL, f"{detail}: older than {backups['max_age_hours']} h")
    return result("backups-recent", PASS, detail)


def score_secrets(asterisk_running, audits):
    """audits: [{kind: 'SIP secret'|'voicemail PIN', name, ok, problems}], values never."""
    if not asterisk_running:
        return result("secrets-strong", UNKNOWN, "Asterisk is not running: the secrets it loaded cannot be read")
    if not audits:
        return result("secrets-strong", PASS, "Asterisk has loaded no SIP secret and no voicemail PIN")
    weak = [entry for entry in audits if not entry["ok"]]
    if not weak:
        return result("secrets-strong", PASS, f"{len(audits)} secret(s) and PIN(s) audited, all strong")
    words = [f"{entry['kind']} of {entry['name']} {', '.join(entry['problems'])}" for entry in weak]
    return result("secrets-strong", FAIL, f"{len(weak)} of {len(audits)} weak: " + "; ".join(words))


def score_acl(asterisk_running, endpoints):
    """endpoints: [{name, auth, acl, contact_acl}] as Asterisk loaded them."""
    if not asterisk_running:
        return result("extension-acl", UNKNOWN, "Asterisk is not running: its endpoints cannot be read")
    extensions = [entry for entry in endpoints if entry.get("auth")]
    if not extensions:
        return result("extension-acl", PASS, "no endpoint authenticates callers (no extension)")
    missing = [entry["name"] for entry in extensions if not entry.get("acl")]
    if missing:
        return result("extension-acl", FAIL, f"{len(missing)} of {len(extensions)} extension(s) accept requests from"
                      f" anywhere (no permit/deny acl): {', '.join(missing[:20])}")
    return result("extension-acl", PASS, f"all {len(extensions)} extension(s) have a permit/deny acl")


def score_trunks(trunk_caps, enforced):
    """trunk_caps: name -> max_channels as pbx_trunks describes them; enforced: name -> the cap
    the loaded dial plan checks (the trunks role's GROUP_COUNT), None when it was not read."""
    if not trunk_caps and not enforced:
        return result("trunk-caps", UNKNOWN, "pbx_trunks describes no trunk and the dial plan caps none: no channel cap to check")
    problems = [f"{name} ({cap})" for name, cap in sorted(trunk_caps.items()) if cap > MAX_TRUNK_CHANNELS]
    problems += [f"{name} ({cap} in the dial plan)" for name, cap in sorted((enforced or {}).items())
                 if cap > MAX_TRUNK_CHANNELS and trunk_caps.get(name, 0) <= MAX_TRUNK_CHANNELS]
    if problems:
        return result("trunk-caps", FAIL, f"trunk(s) allowed more than {MAX_TRUNK_CHANNELS} calls at once: {', '.join(problems)}")
    if enforced is not None:
        loose = [name for name in sorted(trunk_caps) if name not in enforced]
        if loose:
            return result("trunk-caps", FAIL, f"the dial plan enforces no channel cap on trunk(s) {', '.join(loose)}"
                          " (role trunks has not written its dial plan)")
    caps = dict(trunk_caps) | dict(enforced or {})
    return result("trunk-caps", PASS, f"every trunk is capped at {MAX_TRUNK_CHANNELS} calls or fewer"
                  f" ({', '.join(f'{name} {cap}' for name, cap in sorted(caps.items()))})")


def score_wildcards(dialplan):
    """dialplan: {read: bool, message, findings: dialplan_check findings}."""
    if not dialplan["read"]:
        return result("no-wildcard-routes", UNKNOWN, dialplan["message"])
    roads = [entry for entry in dialplan["findings"] if entry["kind"] in ROAD_KINDS and entry.get("severity", "error") == "error"]
    if roads:
        # Wildcards first: the item's name; then the checker's other roads.
        roads.sort(key=lambda entry: ROAD_KINDS.index(entry["kind"]))
        where = [f"{entry['pattern'] or entry['kind']} in [{entry['context']}] ({entry['file']}:{entry['line']})"
                 + ("" if entry["kind"] == "wildcard" else f" {entry['kind']}") for entry in roads[:10]]
        return result("no-wildcard-routes", FAIL, f"{len(roads)} toll-fraud road(s) in the dial plan: {', '.join(where)}")
    return result("no-wildcard-routes", PASS, "no route reachable from a phone or trunk matches numbers of any length"
                  " (dialplan_check found no toll-fraud road)")


def score_international(asterisk_running, probes):
    """probes: [{context, number, verdict: (open|blocked|unknown, where)}] from follow()."""
    if not asterisk_running:
        return result("international-blocked", UNKNOWN, "Asterisk is not running: its dial plan cannot be asked")
    if not probes:
        return result("international-blocked", UNKNOWN, "no extension context to probe (no endpoint has a context)")
    open_routes = [probe for probe in probes if probe["verdict"][0] == "open"]
    if open_routes:
        where = [f"{probe['number']}@{probe['context']}: {probe['verdict'][1]}" for probe in open_routes]
        return result("international-blocked", FAIL, "dialled from a phone's context, these can place a call: " + "; ".join(where))
    unknown = [probe for probe in probes if probe["verdict"][0] == "unknown"]
    if unknown:
        return result("international-blocked", UNKNOWN, "; ".join(probe["verdict"][1] for probe in unknown))
    return result("international-blocked", PASS, f"{len(probes)} international and premium test call(s) reach no"
                  " Dial: no route, or one that refuses them")


def score_firewall(nft_text, iptables_text, ip6tables_text):
    policies = nft_input_policies(nft_text)
    families = {family for family, _table, policy in policies if policy == "drop"}
    if "inet" in families or {"ip", "ip6"} <= families:
        tables = sorted({f"{family} {table}" for family, table, policy in policies if policy == "drop"})
        return result("firewall-default-deny", PASS, f"nftables input policy drop loaded ({', '.join(tables)})")
    v4, v6 = iptables_input_policy(iptables_text), iptables_input_policy(ip6tables_text)
    if v4 == "DROP" and v6 == "DROP":
        return result("firewall-default-deny", PASS, "iptables and ip6tables INPUT policy DROP")
    seen = ", ".join(f"{family} {policy}" for family, _table, policy in policies) or "no nftables input chain"
    return result("firewall-default-deny", FAIL, f"no default-deny input policy for IPv4 and IPv6 is loaded ({seen};"
                  f" iptables INPUT {v4 or 'none'}, ip6tables INPUT {v6 or 'none'})")


def score_fail2ban(running, jails):
    if not running:
        return result("fail2ban-running", FAIL, "the fail2ban server is not running")
    asterisk = [name for name in jails if "asterisk" in name.lower()]
    if not asterisk:
        return result("fail2ban-running", FAIL, f"fail2ban runs without a jail for Asterisk (jails: {', '.join(jails) or 'none'})")
    return result("fail2ban-running", PASS, f"fail2ban jails running: {', '.join(jails)}")


def score_call_review(timer):
    """timer: {unit, active, last_result} of the call-log review's systemd timer."""
    if not timer["active"]:
        return result("call-review-active", FAIL, f"{timer['unit']} is not active: nobody reviews the call log")
    detail = f"{timer['unit']} is active"
    if timer.get("last_result") not in (None, "", "success"):
        return result("call-review-active", FAIL, f"{detail} but its last review ended in {timer['last_result']}")
    return result("call-review-active", PASS, detail)


def score(obs, releases, today):
    """One result per machine-checkable item, in ITEMS order, from the observations."""
    running = obs["asterisk_running"]
    results = [
        score_updates(obs["apt"]),
        score_asterisk(obs["asterisk_version"], releases, today),
        score_backups(obs["backups"]),
        score_secrets(running, obs["secrets"]),
        score_acl(running, obs["endpoints"]),
        score_trunks(obs["trunk_caps"], obs["trunk_caps_enforced"]),
        score_wildcards(obs["dialplan"]),
        score_international(running, obs["probes"]),
        score_firewall(obs["nft"], obs["iptables"], obs["ip6tables"]),
        score_fail2ban(obs["fail2ban_running"], obs["fail2ban_jails"]),
        score_call_review(obs["call_review_timer"]),
    ]
    return results
