#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_audit
short_description: Score a PBX against the checklist items a machine can check, changing nothing
version_added: 0.4.0
author: pbxguard developers (@pbxguard)
description:
  - Reads the PBX - what Asterisk has loaded, the package lists, the backups, the firewall,
    fail2ban and systemd - and returns one result per machine-checkable item of the
    collection's checklist (C(roles/audit/files/checklist.yml)), each C(pass), C(fail) or
    C(unknown) with a sentence that says why.
  - Changes nothing on the host, in check mode or not. Secrets and PINs are audited on the
    host with the rules of P(pbxguard.hardening.secret_audit#filter); only the names of the
    weak ones and the audit's words leave it.
  - C(updates-pending) - C(apt-get -s dist-upgrade) over the package lists as they are (the
    module never runs C(apt-get update)); no lists, or lists older than O(apt_lists_max_age_days),
    give C(unknown).
  - C(asterisk-supported) - the running Asterisk's branch against O(releases).
  - C(backups-recent) - the newest C(*.tar.gz) in O(backup_dir) against O(backup_max_age_hours).
  - C(secrets-strong) - every C(userpass) auth C(pjsip show auth) shows, and every mailbox
    PIN in C(voicemail.conf) and the files it includes.
  - C(extension-acl) - every endpoint with an C(auth) (an extension) has a permit/deny C(acl).
  - C(trunk-caps) - O(trunk_caps) at most 2, and the dial plan enforces each cap (the
    C(GROUP_COUNT) checks role C(trunks) writes), at most 2 as well.
  - C(no-wildcard-routes) - the dial plan checker of M(pbxguard.hardening.dialplan_check),
    starting from the contexts of the loaded extensions and O(entry_points); a wildcard, an
    outbound route reachable from an inbound context, DISA without a PIN or an unfiltered
    C(${EXTEN}) fails.
  - C(international-blocked) - each of O(probe_numbers), dialled in each extension context,
    is followed through the dial plan Asterisk loaded (C(dialplan show), every branch of
    C(Goto), C(GotoIf), C(Gosub)), and passes when no step that places a call (C(Dial),
    C(DISA), C(Queue) and the like) is reachable.
  - C(firewall-default-deny) - an nftables input chain with policy drop (inet, or ip and
    ip6), or iptables and ip6tables INPUT policy DROP.
  - C(fail2ban-running) - the fail2ban server answers and runs a jail for Asterisk.
  - C(call-review-active) - O(call_review_timer) is active and its last review succeeded.
options:
  releases:
    description:
      - The Asterisk release data, C(date) (when it was written) and C(branches), each
        C(branch) and C(security_fixes_until) (ISO dates) - C(roles/audit/files/asterisk_releases.yml).
    type: dict
    required: true
  trunk_caps:
    description: Trunk name to its cap on simultaneous calls, as the site describes it.
    type: dict
    default: {}
  probe_numbers:
    description: International and premium-rate numbers a phone must not be able to reach.
    type: list
    elements: str
    default: ["011442079460000", "19005550100", "18765550100"]
  backup_dir:
    description: Where the backup role keeps its archives.
    type: path
    default: /var/backups/pbxguard
  backup_max_age_hours:
    description: The newest backup must be younger than this.
    type: int
    default: 48
  apt_lists_max_age_days:
    description: Package lists older than this cannot tell what is pending.
    type: int
    default: 7
  call_review_timer:
    description: The systemd timer of the call-log review.
    type: str
    default: pbxguard-call-review.timer
  dialplan:
    description: The dial plan's main file.
    type: path
    default: /etc/asterisk/extensions.conf
  voicemail:
    description: The voicemail configuration's main file.
    type: path
    default: /etc/asterisk/voicemail.conf
  entry_points:
    description:
      - Where callers enter the dial plan, as M(pbxguard.hardening.dialplan_check) takes them
        (C(extensions), C(trunks), C(inbound), C(outbound_routes)); role C(trunks) computes
        them (C(pbx_site.trunks_role.entry_points)). The loaded extensions' contexts are added.
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing.
  platform:
    support: full
    platforms: posix
    description: Debian with systemd.
"""

EXAMPLES = r"""
- name: Score the PBX
  pbxguard.hardening.pbx_audit:
    releases: "{{ lookup('ansible.builtin.file', 'asterisk_releases.yml') | from_yaml }}"
    trunk_caps: {itsp: 2}
  register: __audit
"""

RETURN = r"""
results:
  description: One result per machine-checkable checklist item, C(id), C(status) (C(pass), C(fail), C(unknown)) and C(detail).
  returned: always
  type: list
  elements: dict
  sample:
    - {id: extension-acl, status: fail, detail: "1 of 1 extension(s) accept requests from anywhere (no permit/deny acl): 201"}
asterisk_version:
  description: What C(core show version) printed (empty when Asterisk is not running).
  returned: always
  type: str
"""

import datetime
import glob
import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils import _audit as audit
from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import check_dialplan, parse_files, validate_entry_points
from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import audit_secret

LISTS = "/var/lib/apt/lists"
MAX_INCLUDES = 50


class Host:
    """The commands the audit runs, all of them read-only."""

    def __init__(self, module):
        self.module = module

    def run(self, argv):
        if not self.module.get_bin_path(argv[0]):
            return None
        rc, out, dummy = self.module.run_command(argv, environ_update={"LC_ALL": "C"})
        return out if rc == 0 else None

    def asterisk(self, command):
        return self.run(["asterisk", "-rx", command]) or ""


def apt_state(host, max_age_days):
    lists = [path for path in glob.glob(os.path.join(LISTS, "*_Packages*")) if os.path.isfile(path)]
    if not lists:
        return None
    age = (time.time() - max(os.path.getmtime(path) for path in lists)) / 86400
    simulation = host.run(["apt-get", "-s", "-o", "Debug::NoLocking=true", "dist-upgrade"])
    if simulation is None:
        return None
    return {"lists_age_days": int(age), "max_age_days": max_age_days, "pending": audit.apt_pending(simulation)}


def backups(directory, max_age_hours):
    archives = sorted(glob.glob(os.path.join(directory, "*.tar.gz")), key=os.path.getmtime)
    newest = archives[-1] if archives else None
    return {
        "dir": directory, "count": len(archives), "max_age_hours": max_age_hours,
        "newest": os.path.basename(newest) if newest else "",
        "age_hours": (time.time() - os.path.getmtime(newest)) / 3600 if newest else 0,
    }


def endpoints(host):
    loaded = []
    for name in audit.listed_objects(host.asterisk("pjsip show endpoints"), "Endpoint"):
        fields = audit.object_fields(host.asterisk(f"pjsip show endpoint {name}"))
        loaded.append({"name": name, "auth": fields.get("auth", ""), "acl": fields.get("acl", ""),
                       "contact_acl": fields.get("contact_acl", ""), "context": fields.get("context", "")})
    return loaded


def sip_secret_audits(host):
    audits = []
    for name in audit.listed_objects(host.asterisk("pjsip show auths"), "Auth"):
        fields = audit.object_fields(host.asterisk(f"pjsip show auth {name}"))
        if fields.get("auth_type", "userpass") != "userpass":
            continue  # a digest or OAuth credential holds no password to audit
        verdict = audit_secret(fields.get("password", ""), "sip", extension=fields.get("username") or None)
        audits.append({"kind": "SIP secret", "name": name, "ok": verdict["ok"], "problems": verdict["problems"]})
    return audits


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def pin_audits(path):
    """Every mailbox PIN of path and the files it includes (relative to its directory)."""
    audits = []
    pending, seen = [path], set()
    while pending and len(seen) < MAX_INCLUDES:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        text = read(current)
        if text is None:
            continue
        for include in audit.included_files(text):
            pending.extend(sorted(glob.glob(os.path.join(os.path.dirname(current), include))))
        for context, mailbox, pin in audit.voicemail_pins(text):
            extension = mailbox if mailbox.isdigit() else None
            verdict = audit_secret(pin, "pin", extension=extension)
            audits.append({"kind": "voicemail PIN", "name": f"{mailbox}@{context}", "ok": verdict["ok"],
                           "problems": verdict["problems"]})
    return audits


def dialplan(path, contexts, entry_points):
    """The dial plan checker's findings from the extensions' contexts and the trunks role's
    entry points, and the trunk caps the dial plan enforces."""
    if not os.path.isfile(path):
        return {"read": False, "message": f"the dial plan {path} does not exist", "findings": []}, None
    plan = parse_files(path)
    steps = [(entry.app, entry.data) for context in plan.contexts.values() for entry in context.entries]
    points = {key: list(value) for key, value in entry_points.items()}
    points["extensions"] = sorted(set(points["extensions"]) | set(contexts))
    if not points["extensions"] and not points["trunks"] and not points["inbound"]:
        return ({"read": False, "message": "no loaded extension has a context to start the dial plan check from",
                 "findings": []}, audit.trunk_caps_enforced(steps))
    # A context the site names but this host lacks is no road: the checker's unknown-context.
    return {"read": True, "message": "", "findings": check_dialplan(plan, points)}, audit.trunk_caps_enforced(steps)


def timer_state(host, unit):
    shown = host.run(["systemctl", "show", unit, "--property", "ActiveState,Triggers"]) or ""
    fields = dict(line.split("=", 1) for line in shown.splitlines() if "=" in line)
    last = ""
    service = fields.get("Triggers", "").split(" ")[0]
    if service:
        result = host.run(["systemctl", "show", service, "--property", "Result"]) or ""
        last = result.strip().partition("=")[2]
    return {"unit": unit, "active": fields.get("ActiveState") == "active", "last_result": last}


def observe(module):
    params = module.params
    host = Host(module)
    version = host.asterisk("core show version")
    version = next((line for line in version.splitlines() if line.startswith("Asterisk ")), "")
    running = bool(version)
    loaded = endpoints(host) if running else []
    extension_contexts = sorted({entry["context"] for entry in loaded if entry["auth"] and entry["context"]})
    probes = []
    for context in extension_contexts:
        for number in params["probe_numbers"]:
            verdict = audit.follow(lambda what: host.asterisk(f"dialplan show {what}"), context, number)
            probes.append({"context": context, "number": number, "verdict": verdict})
    checked, enforced = dialplan(params["dialplan"], extension_contexts, params["entry_points"])
    nft = host.run(["nft", "list", "ruleset"]) or ""
    nft_deny = audit.score_firewall(nft, "", "")["status"] == audit.PASS
    fail2ban = host.run(["fail2ban-client", "status"])
    return {
        "apt": apt_state(host, params["apt_lists_max_age_days"]),
        "asterisk_running": running,
        "asterisk_version": version,
        "backups": backups(params["backup_dir"], params["backup_max_age_hours"]),
        "secrets": (sip_secret_audits(host) + pin_audits(params["voicemail"])) if running else [],
        "endpoints": loaded,
        "trunk_caps": params["trunk_caps"],
        "trunk_caps_enforced": enforced,
        "dialplan": checked,
        "probes": probes,
        "nft": nft,
        # iptables only when nftables has no default deny: iptables-nft may create tables.
        "iptables": "" if nft_deny else host.run(["iptables", "-S", "INPUT"]) or "",
        "ip6tables": "" if nft_deny else host.run(["ip6tables", "-S", "INPUT"]) or "",
        "fail2ban_running": fail2ban is not None,
        "fail2ban_jails": audit.fail2ban_jails(fail2ban),
        "call_review_timer": timer_state(host, params["call_review_timer"]),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            releases=dict(type="dict", required=True),
            trunk_caps=dict(type="dict", default={}),
            probe_numbers=dict(type="list", elements="str", default=["011442079460000", "19005550100", "18765550100"]),
            backup_dir=dict(type="path", default="/var/backups/pbxguard"),
            backup_max_age_hours=dict(type="int", default=48),
            apt_lists_max_age_days=dict(type="int", default=7),
            call_review_timer=dict(type="str", default="pbxguard-call-review.timer"),
            dialplan=dict(type="path", default="/etc/asterisk/extensions.conf"),
            voicemail=dict(type="path", default="/etc/asterisk/voicemail.conf"),
            entry_points=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    caps = {}
    for name, cap in module.params["trunk_caps"].items():
        if isinstance(cap, bool) or not str(cap).strip().isdigit():
            module.fail_json(msg=f"trunk_caps.{name} must be a number of channels, got {cap!r}")
        caps[str(name)] = int(str(cap).strip())
    module.params["trunk_caps"] = caps
    try:
        module.params["entry_points"] = validate_entry_points(module.params["entry_points"])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    releases = module.params["releases"]
    try:
        for entry in releases["branches"]:
            int(entry["branch"])
            datetime.date.fromisoformat(str(entry["security_fixes_until"]))
        datetime.date.fromisoformat(str(releases["date"]))
    except (KeyError, TypeError, ValueError) as exc:
        module.fail_json(msg=f"releases must hold date and branches of branch and security_fixes_until (ISO dates): {exc}")
    obs = observe(module)
    results = audit.score(obs, releases, datetime.date.today())
    module.exit_json(changed=False, results=results, asterisk_version=obs["asterisk_version"])


if __name__ == "__main__":
    main()
