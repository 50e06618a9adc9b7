#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_cdr_review
short_description: Review Asterisk's call records for signs of toll fraud
version_added: 0.3.0
author: pbxguard developers (@pbxguard)
description:
  - Reads the call records that Asterisk's C(cdr_csv) backend writes to C(Master.csv) on the
    PBX, keeps the calls that started within the last O(since_hours), and flags international
    and premium-rate destinations, outbound calls outside business hours, bursts of calls from
    one extension, more answered calls at once over a trunk than its cap, unusually long calls
    and destinations never called before.
  - Returns the findings; it changes nothing on the PBX except its own O(state_file), the
    destinations seen so far.
  - The file is streamed and read as hostile data (caller ID text is whatever a caller sent).
    Rows that cannot be read are counted in RV(rows_skipped), never fatal; text from the file
    that appears in a finding has its control characters escaped and is cut to 64 characters.
  - "Columns, in C(cdr_csv)'s order: accountcode, src, dst, dcontext, clid, channel, dstchannel,
    lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags; then
    uniqueid, userfield, peeraccount, linkedid and sequence when C(cdr.conf) turns them on."
  - An outbound call is one whose destination channel is on a trunk of O(trunk_caps), or that
    did not come in over one of them and dialled an outside number (at least
    O(min_external_digits) digits). The extension of a call is the endpoint of its channel
    (C(201) for C(PJSIP/201-0000001a)), the trunk's name for a call that came in over a trunk,
    and C(src) when the channel has no endpoint.
options:
  path:
    description: The CSV file of call records.
    type: path
    default: /var/log/asterisk/cdr-csv/Master.csv
  missing_ok:
    description:
      - Return no findings, with a warning, when O(path) does not exist. By default the module
        fails, since a review of no file would otherwise look like a quiet day (C(cdr_csv) may
        not be loaded - C(asterisk -rx "module show like cdr_csv")).
    type: bool
    default: false
  since_hours:
    description:
      - Review the calls that started within this many hours before now. V(0) reviews every
        call in the file.
      - Calls before the window are not reviewed; the numbers they dialled count as known to
        the V(new_destination) rule.
    type: int
    default: 24
  usegmtime:
    description:
      - The file's times are UTC (C(usegmtime=yes) in the C([csv]) section of C(cdr.conf));
        they are converted to the PBX's local time. By default they are taken as local time,
        which is C(cdr_csv)'s default.
    type: bool
    default: false
  rules:
    description: The rules to run.
    type: list
    elements: str
    choices: [international, premium, after_hours, burst, concurrency, long_call, new_destination]
    default: [international, premium, after_hours, burst, concurrency, long_call, new_destination]
  international_prefix:
    description: What is dialled before a country code - V(011) in the NANP, V(00) in most other countries.
    type: str
    default: "011"
  country_code:
    description: The site's own country code; numbers in it are not international.
    type: str
    default: "1"
  dial_prefixes:
    description:
      - What phones dial before an outside number, such as V(9); removed from a destination
        before it is classified, when at least O(min_external_digits) digits remain.
    type: list
    elements: str
    default: []
  min_external_digits:
    description: The fewest digits of an outside number; shorter destinations are extensions and feature codes.
    type: int
    default: 7
  allowed_prefixes:
    description:
      - Destinations the V(international) rule accepts, as country codes or E.164 prefixes -
        V(44), V(+44) and, with O(international_prefix=011), V(01144) all accept the United Kingdom.
    type: list
    elements: str
    default: []
  premium_area_codes:
    description:
      - NANP area codes that the V(premium) rule flags as well as C(900) and the C(976)
        exchange, dialled with or without the leading 1, or as C(+1).
      - The default is every area code of the NANP's members other than the United States and
        Canada (NANPA's list of NANP area codes by country) - the Caribbean and Bermuda, whose
        numbers look domestic but are billed as international and carry the one-ring and
        premium-rate scams (the FTC's alerts name 268, 284, 473, 649, 664, 767, 809, 829, 849
        and 876). 658 is Jamaica's overlay of 876. US territories are domestic and not listed.
    type: list
    elements: str
    default: ["242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721", "758", "767", "784", "809", "829",
              "849", "868", "869", "876"]
  premium_prefixes:
    description: More premium-rate destinations for the V(premium) rule, as E.164 prefixes such as V(+4490).
    type: list
    elements: str
    default: []
  business_days:
    description: The days of business, as V(mon) ... V(sun) or V(Monday) ... V(Sunday).
    type: list
    elements: str
    default: [mon, tue, wed, thu, fri]
  business_hours:
    description:
      - Business hours on business days, local time, as V(HH:MM-HH:MM); a call that starts at
        the end time is after hours. Hours over midnight are not supported.
    type: str
    default: "07:00-19:00"
  burst_calls:
    description: The V(burst) rule flags more than this many outbound calls from one extension within O(burst_minutes).
    type: int
    default: 10
  burst_minutes:
    description: The window of the V(burst) rule, in minutes.
    type: int
    default: 10
  trunk_caps:
    description:
      - The site's trunks, name to the most calls it may carry at once (C(max_channels) of
        P(pbxguard.hardening.pbx#role)'s C(pbx_trunks)). The name is the endpoint in the
        channel name - C(itsp) for C(PJSIP/itsp-00000012) or C(IAX2/itsp-1234).
      - The V(concurrency) rule flags more answered calls at once over a trunk than its cap;
        the names also tell outbound calls from inbound ones.
    type: dict
    default: {}
  long_call_seconds:
    description: The V(long_call) rule flags calls billed for more than this many seconds.
    type: int
    default: 7200
  state_file:
    description:
      - JSON file of the destinations called so far, which the V(new_destination) rule
        compares against. Written atomically with mode C(0600) (its directory C(0700)), never
        in check mode.
      - When it does not exist, the run learns the destinations without reporting any as new
        (RV(baseline) is true); a file that is not a state file of this module makes it fail.
    type: path
    default: /var/lib/pbxguard/cdr_known_destinations.json
  max_bytes:
    description:
      - Read at most this many bytes, from the end of the file (the newest records); RV(truncated)
        tells when the file was longer. 64 MiB hold about 280,000 records; rotate Master.csv
        (logrotate) rather than raise it.
    type: int
    default: 67108864
  max_rows:
    description:
      - Review at most this many calls of the window, the newest ones; RV(truncated) tells when
        there were more.
    type: int
    default: 200000
  max_findings:
    description: Return at most this many findings, the earliest ones; RV(counts) counts them all.
    type: int
    default: 1000
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - In check mode the review runs the same and the state file is not written; C(changed)
        tells whether it would have been.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - Business hours are evaluated in the PBX's local time; there is no holiday calendar.
  - The module reports; alerting by mail or webhook and blocking an extension are left to the
    task or role that runs it.
"""

EXAMPLES = r"""
- name: Review the last day's calls of a NANP office with one trunk of 2 channels
  pbxguard.hardening.pbx_cdr_review:
    trunk_caps:
      itsp: 2
    allowed_prefixes: ["+44"]
    business_hours: "08:00-18:00"
  register: __cdr_review

- name: Fail when the review found something serious
  ansible.builtin.assert:
    that: __cdr_review.findings | selectattr('severity', 'equalto', 'high') | list | length == 0
    fail_msg: "{{ __cdr_review.findings | selectattr('severity', 'equalto', 'high') | map(attribute='detail') | list }}"

- name: Review a whole file in UTC, for a European site dialling 0 for an outside line
  pbxguard.hardening.pbx_cdr_review:
    path: /var/log/asterisk/cdr-csv/Master.csv
    since_hours: 0
    usegmtime: true
    international_prefix: "00"
    country_code: "49"
    dial_prefixes: ["0"]
    premium_prefixes: ["+49900", "+49137"]
    rules: [international, premium, after_hours, burst, long_call]
"""

RETURN = r"""
findings:
  description:
    - What the rules flagged, in order of start time, at most O(max_findings).
    - C(rule) is the rule's name; C(severity) C(high) (international, premium, burst,
      concurrency), C(medium) (after_hours, long_call) or C(low) (new_destination);
      C(extension) the calling extension; C(endpoint) the PJSIP endpoint the call came from
      (the channel's, never the caller ID; empty for other channels), the key of a block;
      C(destination) the number dialled (C(dst));
      C(start) the start time as Master.csv writes it (local time); C(detail) a sentence.
  returned: always
  type: list
  elements: dict
  sample:
    - rule: international
      severity: high
      extension: "205"
      endpoint: "205"
      destination: "011882161234567"
      start: "2026-11-29 03:00:05"
      detail: international call to +882161234567 (ANSWERED, 25 s billed)
    - rule: burst
      severity: high
      extension: "205"
      endpoint: "205"
      destination: "011882161234567"
      start: "2026-11-29 03:00:05"
      detail: 12 outbound calls between 03:00:05 and 03:07:25, at most 12 within 10 minutes (limit 10), to 12 destinations
counts:
  description: The number of findings of each rule (all of them, also past O(max_findings)).
  returned: always
  type: dict
  sample: {international: 12, premium: 0, after_hours: 12, burst: 1, concurrency: 0, long_call: 0, new_destination: 12}
findings_truncated:
  description: Whether there were more findings than O(max_findings).
  returned: always
  type: bool
rows_read:
  description: Records read from the file, in the window or not.
  returned: always
  type: int
  sample: 1834
rows_skipped:
  description: Rows that could not be read as a record (missing fields, bad dates or counts, broken quoting, overlong lines).
  returned: always
  type: int
  sample: 0
skipped_rows:
  description: Why rows were skipped - a count for each reason, and the first 20 rows by line number.
  returned: always
  type: dict
  sample: {reasons: {bad start time: 2}, lines: [{line: 8, reason: bad start time}, {line: 9, reason: bad start time}]}
rows_in_window:
  description: Records in the window, the calls that were reviewed.
  returned: always
  type: int
  sample: 96
truncated:
  description: Whether O(max_bytes) or O(max_rows) left records out.
  returned: always
  type: bool
baseline:
  description: Whether the state file did not exist yet, so no destination was reported as new.
  returned: always
  type: bool
new_destinations:
  description: How many destinations the state file did not hold yet (written unless in check mode).
  returned: always
  type: int
  sample: 3
state_file:
  description: Path of the state file.
  returned: always
  type: str
  sample: /var/lib/pbxguard/cdr_known_destinations.json
"""

import collections
import datetime
import json
import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.pbxguard.hardening.plugins.module_utils._private_file import write_private

from ansible_collections.pbxguard.hardening.plugins.module_utils import _cdr_review as review

STATE_FORMAT = 1
MAX_KNOWN = 200000  # destinations kept in the state file


def positive(module, name, minimum=1):
    value = module.params[name]
    if value < minimum:
        module.fail_json(msg=f"{name} must be {minimum} or more, got {value}")
    return value


def trunk_caps(module):
    caps = {}
    for name, cap in module.params["trunk_caps"].items():
        if isinstance(cap, str) and cap.strip().isdigit() and cap.strip().isascii():
            cap = int(cap.strip())
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            module.fail_json(msg=f"trunk_caps.{name} must be a number of channels of 1 or more, got {cap!r}")
        caps[str(name)] = cap
    return caps


def read_state(module, path):
    """The set of known destinations, or None when the state file does not exist yet."""
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"cannot read state file {path}: {to_native(exc)}")
    known = content.get("destinations") if isinstance(content, dict) and content.get("format") == STATE_FORMAT else None
    if not isinstance(known, list) or not all(isinstance(item, str) for item in known):
        module.fail_json(msg=f"state file {path} is not a pbx_cdr_review state file (format {STATE_FORMAT})")
    return set(known)


def write_state(module, path, known):
    """Write the state through a temporary file in the same directory, mode 0600."""
    text = json.dumps({"format": STATE_FORMAT, "destinations": sorted(known)}, indent=1) + "\n"
    write_private(module, path, text, ".pbx_cdr_review-")


def settings(module):
    """Every rule's parameters, checked, or fail_json."""
    params = module.params
    try:
        numbering = review.Numbering(
            params["international_prefix"], params["country_code"], params["dial_prefixes"],
            positive(module, "min_external_digits"),
        )
        for name in ("allowed_prefixes", "premium_prefixes"):
            for prefix in params[name]:
                numbering.prefix(prefix)
        for code in params["premium_area_codes"]:
            if len(code) != 3 or not code.isdigit() or not code.isascii():
                raise review.CdrError(f"premium_area_codes must hold three-digit area codes, got {code!r}")
        days = review.business_days(params["business_days"])
        hours = review.business_hours(params["business_hours"])
    except review.CdrError as exc:
        module.fail_json(msg=str(exc))
    return numbering, days, hours


def run_rules(module, calls, numbering, days, hours, caps, known):
    params = module.params
    rules = set(params["rules"])
    findings = []
    if "international" in rules:
        findings += review.international(calls, numbering, params["allowed_prefixes"])
    if "premium" in rules:
        findings += review.premium(calls, numbering, area_codes=tuple(params["premium_area_codes"]),
                                   prefixes=params["premium_prefixes"])
    if "after_hours" in rules:
        findings += review.after_hours(calls, days, hours)
    if "burst" in rules:
        findings += review.burst(calls, params["burst_calls"], params["burst_minutes"])
    if "concurrency" in rules:
        findings += review.concurrency(calls, caps)
    if "long_call" in rules:
        findings += review.long_call(calls, params["long_call_seconds"])
    if "new_destination" in rules and known is not None:
        findings += review.new_destination(calls, known)
    order = {rule: index for index, rule in enumerate(review.RULES)}
    return sorted(findings, key=lambda item: (item["start"], order[item["rule"]], item["extension"]))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/var/log/asterisk/cdr-csv/Master.csv"),
            missing_ok=dict(type="bool", default=False),
            since_hours=dict(type="int", default=24),
            usegmtime=dict(type="bool", default=False),
            rules=dict(type="list", elements="str", choices=list(review.RULES), default=list(review.RULES)),
            international_prefix=dict(type="str", default="011"),
            country_code=dict(type="str", default="1"),
            dial_prefixes=dict(type="list", elements="str", default=[]),
            min_external_digits=dict(type="int", default=7),
            allowed_prefixes=dict(type="list", elements="str", default=[]),
            premium_area_codes=dict(type="list", elements="str", default=list(review.HIGH_FRAUD_AREA_CODES)),
            premium_prefixes=dict(type="list", elements="str", default=[]),
            business_days=dict(type="list", elements="str", default=list(review.WEEKDAYS[:5])),
            business_hours=dict(type="str", default="07:00-19:00"),
            burst_calls=dict(type="int", default=10),
            burst_minutes=dict(type="int", default=10),
            trunk_caps=dict(type="dict", default={}),
            long_call_seconds=dict(type="int", default=7200),
            state_file=dict(type="path", default="/var/lib/pbxguard/cdr_known_destinations.json"),
            max_bytes=dict(type="int", default=64 * 1024 * 1024),
            max_rows=dict(type="int", default=200000),
            max_findings=dict(type="int", default=1000),
        ),
        supports_check_mode=True,
    )
    params = module.params
    path = params["path"]
    state_file = params["state_file"]
    since_hours = positive(module, "since_hours", 0)
    for name in ("burst_calls", "burst_minutes", "long_call_seconds", "max_bytes", "max_rows", "max_findings"):
        positive(module, name)
    numbering, days, hours = settings(module)
    caps = trunk_caps(module)
    result = dict(
        changed=False, findings=[], counts=review.count_by_rule([]), findings_truncated=False, rows_read=0,
        rows_skipped=0, skipped_rows={"reasons": {}, "lines": []}, rows_in_window=0, truncated=False, baseline=False,
        new_destinations=0, state_file=state_file,
    )

    wants_state = "new_destination" in params["rules"]
    stored = read_state(module, state_file) if wants_state else None
    if not os.path.exists(path):
        if params["missing_ok"]:
            module.warn(f"{path} does not exist: no call was reviewed")
            module.exit_json(**result)
        module.fail_json(msg=f"{path} does not exist: is cdr_csv loaded (asterisk -rx \"module show like cdr_csv\")?", **result)

    since = datetime.datetime.now() - datetime.timedelta(hours=since_hours) if since_hours else None
    stats = review.ReadStats()
    window = collections.deque(maxlen=params["max_rows"])
    in_window = 0
    history = set()
    trunks = set(caps)
    try:
        with review.open_tail(path, params["max_bytes"], stats) as handle:
            for record in review.read_records(handle, stats, utc=params["usegmtime"]):
                if since is None or record.start >= since:
                    window.append(record)
                    in_window += 1
                elif wants_state and len(history) < MAX_KNOWN:
                    call = review.classify(record, numbering, trunks)
                    if call.outbound and call.number is not None:
                        history.add(call.number)
    except OSError as exc:
        module.fail_json(msg=f"cannot read {path}: {to_native(exc)}")

    calls = review.classify_all(window, numbering, trunks)
    known = None if stored is None else stored | history
    findings = run_rules(module, calls, numbering, days, hours, caps, known)
    result.update(
        findings=findings[:params["max_findings"]],
        counts=review.count_by_rule(findings),
        findings_truncated=len(findings) > params["max_findings"],
        rows_read=stats.rows_read,
        rows_skipped=stats.rows_skipped,
        skipped_rows={"reasons": dict(stats.reasons), "lines": sorted(stats.skipped_lines, key=lambda item: item["line"])},
        rows_in_window=len(window),
        truncated=stats.truncated or in_window > len(window),
        baseline=wants_state and stored is None,
    )

    if wants_state:
        before = stored or set()
        added = (history | review.destinations(calls)) - before
        learned = before | added
        if len(learned) > MAX_KNOWN:
            module.warn(f"more than {MAX_KNOWN} destinations are known: the state file keeps {MAX_KNOWN} of them")
            kept = sorted(before)[:MAX_KNOWN]
            learned = set(kept) | set(sorted(added)[:MAX_KNOWN - len(kept)])
        result.update(new_destinations=len(added), changed=bool(added) or stored is None)
        if result["changed"] and not module.check_mode:
            try:
                write_state(module, state_file, learned)
            except OSError as exc:
                module.fail_json(msg=f"cannot write state file {state_file}: {to_native(exc)}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
