# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read Asterisk's CSV call records and flag the calls that look like toll fraud (private
to this collection; the pbx_cdr_review module runs it on the PBX).

The file is the one cdr_csv writes, /var/log/asterisk/cdr-csv/Master.csv: one record a line,
each text field in double quotes with a quote inside doubled, the two counts bare, and an
empty date unquoted. Its columns, in Asterisk's order (cdr/cdr_csv.c, build_csv_record):

    accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
    start, answer, end, duration, billsec, disposition, amaflags

then uniqueid when cdr.conf's [csv] sets loguniqueid, userfield with loguserfield, and
peeraccount, linkedid, sequence with newcdrcolumns (16 to 21 columns). Dates are
"%Y-%m-%d %H:%M:%S" in the PBX's local time, or in UTC with usegmtime.

The data is hostile: clid and src of an inbound call are whatever the caller sent. Nothing
is evaluated or trusted beyond its column; text that ends up in a finding has its control
and formatting characters escaped and is cut short. A line that cannot be read as a record
is counted and skipped, never fatal, and memory stays bounded whatever the file holds.

Each rule is a pure function over classified calls (see classify) with its thresholds as
parameters, returning findings {rule, severity, extension, endpoint, destination, start,
detail}: endpoint is the PJSIP endpoint the call came from (empty for any other channel), the
one key a block may use, as the caller ID (src) is whatever the phone sent.
"""

from __future__ import annotations

import collections
import csv
import datetime
import re
import unicodedata

FIELDS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
)
MAX_FIELDS = len(FIELDS) + 5  # uniqueid, userfield, peeraccount, linkedid, sequence
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# cdr_csv builds each record in a 1024-byte buffer and drops longer ones; anything much
# longer is not its output.
MAX_LINE_BYTES = 4096
# A quoted field may hold a line break; a record never spans more lines than this.
MAX_RECORD_LINES = 8
TEXT_LIMIT = 64  # characters of attacker-controlled text quoted in a finding
SKIPPED_LINES_KEPT = 20
# The Asterisk database family of blocked endpoints: the review (role call_review) puts an
# endpoint there, and the trunks role's dial plan refuses its outside calls.
BLOCKED_FAMILY = "pbxguard-blocked"

RULES = ("international", "premium", "after_hours", "burst", "concurrency", "long_call", "new_destination")
SEVERITY = {
    "international": "high",
    "premium": "high",
    "burst": "high",
    "concurrency": "high",
    "after_hours": "medium",
    "long_call": "medium",
    "new_destination": "low",
}

# Area codes of the NANP's members other than the United States and Canada (NANPA's list
# of NANP area codes by country): calls to them look domestic (1 + 10 digits) but are billed
# as international, and the "one-ring" and premium-rate scams use them (the FTC's alerts
# name 268, 284, 473, 649, 664, 767, 809, 829, 849 and 876). 658 is Jamaica's overlay of 876,
# in service since 2018. US territories (Puerto Rico 787/939, USVI 340, Guam 671, ...) are
# domestic and not listed.
HIGH_FRAUD_AREA_CODES = (
    "242",  # Bahamas
    "246",  # Barbados
    "264",  # Anguilla
    "268",  # Antigua and Barbuda
    "284",  # British Virgin Islands
    "345",  # Cayman Islands
    "441",  # Bermuda
    "473",  # Grenada
    "649",  # Turks and Caicos Islands
    "658",  # Jamaica (overlay of 876)
    "664",  # Montserrat
    "721",  # Sint Maarten
    "758",  # Saint Lucia
    "767",  # Dominica
    "784",  # Saint Vincent and the Grenadines
    "809",  # Dominican Republic
    "829",  # Dominican Republic
    "849",  # Dominican Republic
    "868",  # Trinidad and Tobago
    "869",  # Saint Kitts and Nevis
    "876",  # Jamaica
)
# NANP premium-rate services: the 900 area code, and the 976 exchange inside any area code.
PREMIUM_AREA_CODES = ("900",)
PREMIUM_EXCHANGES = ("976",)
# Toll-free area codes, whose 976 exchange is not premium.
TOLL_FREE_AREA_CODES = ("800", "833", "844", "855", "866", "877", "888")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# ASCII digits only: \d would also take other scripts' digits, which int() reads.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_COUNT = re.compile(r"[0-9]{1,10}")
# TECH/resource-suffix, e.g. PJSIP/201-0000001a, IAX2/branch-1234, Local/201@from-internal-0000002b;1
_CHANNEL = re.compile(r"([A-Za-z0-9_]+)/(.+)-[0-9A-Fa-f]+(?:;[12])?")
# A PJSIP endpoint name that can be a key of Asterisk's database through the CLI (no spaces).
_ENDPOINT = re.compile(r"[A-Za-z0-9_.+-]{1,64}")
_HOURS = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")
_PREFIX = re.compile(r"\+?[0-9]+")


class CdrError(ValueError):
    """A parameter the review cannot work with."""


CallRecord = collections.namedtuple("CallRecord", FIELDS + ("extra", "line"))
CallRecord.__doc__ = "One row of Master.csv: text fields as written, times as datetimes, counts as ints."

Call = collections.namedtuple("Call", ("record", "extension", "number", "e164", "trunk", "outbound"))
Call.__doc__ = """A record with what the rules need: who called (the endpoint of its channel, else src),
the number dialled (None unless dst is one), its E.164 form when known, the trunk it used
and whether it left the PBX."""


class ReadStats:
    """What reading a file gave: rows read, rows skipped and why, and whether it was cut short."""

    def __init__(self):
        self.rows_read = 0
        self.rows_skipped = 0
        self.reasons = collections.Counter()
        self.skipped_lines = []
        self.truncated = False

    def skip(self, line, reason):
        self.rows_skipped += 1
        self.reasons[reason] += 1
        if len(self.skipped_lines) < SKIPPED_LINES_KEPT:
            self.skipped_lines.append({"line": line, "reason": reason})


# Reading


def _physical_lines(handle, stats, max_line_bytes):
    """(line number, text) of each line of a binary file, each at most max_line_bytes long;
    a longer line is skipped whole without being held in memory."""
    number = 0
    while True:
        raw = handle.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(max_line_bytes + 1)
            stats.skip(number, "line too long")
            continue
        # Caller ID text may be in any encoding: undecodable bytes become U+FFFD.
        yield number, raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _logical_records(handle, stats, max_line_bytes):
    """(first line number, text) of each record: lines are joined while a quoted field is
    open (an odd number of quotes so far), for at most MAX_RECORD_LINES lines. A record
    that stays open is skipped as its first line alone, and the lines after it are read
    again on their own, so one stray quote costs one row."""
    pending = collections.deque()
    source = _physical_lines(handle, stats, max_line_bytes)
    while True:
        if not pending:
            item = next(source, None)
            if item is None:
                return
            pending.append(item)
        parts = [pending[0][1]]
        quotes = parts[0].count('"')
        used = 1
        while quotes % 2:
            if used == len(pending):
                if used == MAX_RECORD_LINES:
                    break
                item = next(source, None)
                if item is None:
                    break
                pending.append(item)
            parts.append(pending[used][1])
            quotes += parts[-1].count('"')
            used += 1
        first = pending[0][0]
        if quotes % 2:
            pending.popleft()
            stats.skip(first, "unterminated quoted field")
            continue
        for dummy in range(used):
            pending.popleft()
        yield first, "\n".join(parts)


def _time(text, utc):
    """A local naive datetime from cdr_csv's date text; None for an empty date. Raises ValueError."""
    if text == "":
        return None
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(text)
    when = datetime.datetime(*(int(part) for part in match.groups()))
    if utc:
        when = when.replace(tzinfo=datetime.timezone.utc).astimezone().replace(tzinfo=None)
    return when


def parse_fields(fields, line, utc=False):
    """A CallRecord from one row's fields, or (None, reason)."""
    if len(fields) < len(FIELDS):
        return None, "missing fields"
    if len(fields) > MAX_FIELDS:
        return None, "too many fields"
    values = dict(zip(FIELDS, fields))
    for name in ("start", "answer", "end"):
        try:
            values[name] = _time(values[name], utc)
        except (ValueError, OverflowError):
            return None, f"bad {name} time"
    if values["start"] is None:
        return None, "bad start time"
    for name in ("duration", "billsec"):
        if not _COUNT.fullmatch(values[name]):
            return None, f"bad {name}"
        values[name] = int(values[name])
    return CallRecord(extra=tuple(fields[len(FIELDS):]), line=line, **values), None


def read_records(handle, stats, utc=False, max_line_bytes=MAX_LINE_BYTES):
    """Yield the CallRecords of a Master.csv opened in binary mode, counting in stats what
    was read and what was skipped. The file is streamed: memory does not grow with it."""
    for line, text in _logical_records(handle, stats, max_line_bytes):
        if text.strip() == "":
            continue
        try:
            rows = list(csv.reader([text], strict=True))
        except csv.Error:
            stats.skip(line, "not CSV")
            continue
        if len(rows) != 1:
            stats.skip(line, "not CSV")
            continue
        record, reason = parse_fields(rows[0], line, utc)
        if record is None:
            stats.skip(line, reason)
            continue
        stats.rows_read += 1
        yield record


def open_tail(path, max_bytes, stats):
    """Open path in binary mode; when it is longer than max_bytes, start at the first full
    line of its last max_bytes (the recent records) and mark stats truncated."""
    handle = open(path, "rb")  # pylint: disable=consider-using-with
    try:
        handle.seek(0, 2)
        size = handle.tell()
        if size > max_bytes:
            handle.seek(size - max_bytes)
            handle.readline()
            stats.truncated = True
        else:
            handle.seek(0)
    except OSError:
        handle.close()
        raise
    return handle


# Classification


class Numbering:
    """How numbers are dialled at the site.

    international_prefix: what precedes a country code (011 in the NANP, 00 in most of the
    rest of the world); country_code: the site's own (1 for the NANP); dial_prefixes: what
    phones dial before an outside number (such as 9), removed before a number is classified;
    min_external_digits: the fewest digits of an outside number (shorter ones are extensions).
    """

    def __init__(self, international_prefix="011", country_code="1", dial_prefixes=(), min_external_digits=7):
        for name, value in (("international_prefix", international_prefix), ("country_code", country_code)):
            if not isinstance(value, str) or not value.isdigit() or not value.isascii():
                raise CdrError(f"{name} must be digits, got {value!r}")
        for prefix in dial_prefixes:
            if not isinstance(prefix, str) or not prefix.isdigit() or not prefix.isascii():
                raise CdrError(f"dial_prefixes must hold digits only, got {prefix!r}")
        if isinstance(min_external_digits, bool) or not isinstance(min_external_digits, int) or min_external_digits < 1:
            raise CdrError(f"min_external_digits must be a positive integer, got {min_external_digits!r}")
        self.international_prefix = international_prefix
        self.country_code = country_code
        self.dial_prefixes = tuple(sorted(dial_prefixes, key=len, reverse=True))
        self.min_external_digits = min_external_digits

    def number(self, dst):
        """The outside number dialled in dst ("+" and digits, dial prefix removed), or None."""
        text = dst.strip()
        plus = text.startswith("+")
        digits = text[1:] if plus else text
        if not digits.isdigit() or not digits.isascii():
            return None
        if not plus:
            for prefix in self.dial_prefixes:
                if digits.startswith(prefix) and len(digits) - len(prefix) >= self.min_external_digits:
                    digits = digits[len(prefix):]
                    break
        if len(digits) < self.min_external_digits:
            return None
        return ("+" if plus else "") + digits

    def e164(self, number):
        """+<country code><number> for a number in the form number() returns, or None when
        the country cannot be told (a national number outside the NANP, a local 7 digits)."""
        if number is None:
            return None
        if number.startswith("+"):
            return number
        prefix = self.international_prefix
        if number.startswith(prefix):
            return "+" + number[len(prefix):] if len(number) - len(prefix) >= 5 else None
        if self.country_code == "1":
            if len(number) == 11 and number.startswith("1"):
                return "+" + number
            if len(number) == 10:
                return "+1" + number
        return None

    def prefix(self, value):
        """An E.164 prefix from a country code or prefix as a user gives it: 44, +44 and,
        in the NANP, 01144 all give +44."""
        if not isinstance(value, str) or not _PREFIX.fullmatch(value):
            raise CdrError(f"a prefix must be digits with an optional leading +, got {value!r}")
        if value.startswith("+"):
            return value
        if value.startswith(self.international_prefix) and len(value) > len(self.international_prefix):
            return "+" + value[len(self.international_prefix):]
        return "+" + value


def endpoint(channel):
    """The endpoint of a channel name: 201 for PJSIP/201-0000001a, 201 for Local/201@ctx-..;1."""
    match = _CHANNEL.fullmatch(channel.strip())
    if not match:
        return ""
    name = match.group(2)
    return name.split("@", 1)[0] if match.group(1).lower() == "local" else name


def pjsip_endpoint(channel):
    """The PJSIP endpoint of a channel name (201 for PJSIP/201-0000001a), else "": what
    ${CHANNEL(endpoint)} gives in the dial plan for that channel."""
    match = _CHANNEL.fullmatch(channel.strip())
    if not match or match.group(1).upper() != "PJSIP" or not _ENDPOINT.fullmatch(match.group(2)):
        return ""
    return match.group(2)


def classify(record, numbering, trunks=()):
    """The Call of a record. trunks names the site's trunks: a call is outbound when its
    destination channel is on one of them, or when it did not come in over one and dst is an
    outside number."""
    trunks = set(trunks)
    source = endpoint(record.channel)
    target = endpoint(record.dstchannel)
    number = numbering.number(record.dst)
    trunk = target if target in trunks else source if source in trunks else ""
    if target in trunks:
        outbound = True
    elif source in trunks:
        outbound = False
    else:
        outbound = number is not None
    return Call(record, source or record.src, number, numbering.e164(number), trunk, outbound)


def classify_all(records, numbering, trunks=()):
    return [classify(record, numbering, trunks) for record in records]


# Findings


def clean(text, limit=TEXT_LIMIT):
    """Text safe to put in a log line or a mail: control and formatting characters (line
    breaks, escapes, bidirectional overrides) escaped, at most limit characters."""
    out = []
    for char in text:
        if unicodedata.category(char)[0] in ("C", "Z") and char != " ":
            out.append(f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}")
        else:
            out.append(char)
    cleaned = "".join(out)
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 3] + "..."


def _when(moment):
    return moment.strftime(DATE_FORMAT)


def finding(rule, call, detail, start=None, destination=None):
    record = call.record
    return {
        "rule": rule,
        "severity": SEVERITY[rule],
        "extension": clean(call.extension),
        "endpoint": pjsip_endpoint(record.channel),
        "destination": clean(record.dst if destination is None else destination),
        "start": _when(record.start if start is None else start),
        "detail": detail,
    }


def _ordered(calls):
    return sorted(calls, key=lambda call: (call.record.start, call.record.line))


# Rules


def international(calls, numbering, allowed_prefixes=()):
    """Calls to another country than the site's, unless their number starts with an allowed prefix."""
    own = "+" + numbering.country_code
    allowed = tuple(numbering.prefix(prefix) for prefix in allowed_prefixes)
    findings = []
    for call in _ordered(calls):
        number = call.e164
        if number is None or number.startswith(own) or number.startswith(allowed):
            continue
        findings.append(finding("international", call, f"international call to {number} ({_outcome(call.record)})"))
    return findings


def premium(calls, numbering, area_codes=HIGH_FRAUD_AREA_CODES, premium_area_codes=PREMIUM_AREA_CODES,
            premium_exchanges=PREMIUM_EXCHANGES, prefixes=()):
    """Calls to NANP premium-rate numbers (area code 900, exchange 976), to the high-fraud
    NANP area codes (with or without the leading 1, or +1), and to the E.164 prefixes given."""
    extra = tuple(numbering.prefix(prefix) for prefix in prefixes)
    findings = []
    for call in _ordered(calls):
        number = call.e164
        reason = None
        if number and number.startswith("+1") and len(number) == 12:
            area, exchange = number[2:5], number[5:8]
            if area in premium_area_codes:
                reason = f"premium-rate area code {area}"
            elif area in area_codes:
                reason = f"high-fraud NANP area code {area}, billed as international"
            elif exchange in premium_exchanges and area not in TOLL_FREE_AREA_CODES:
                reason = f"premium-rate exchange {exchange}"
        elif call.number and numbering.country_code == "1" and len(call.number) == 7:
            if call.number[:3] in premium_exchanges:
                reason = f"premium-rate exchange {call.number[:3]}"
        if reason is None and number and extra and number.startswith(extra):
            reason = "premium-rate prefix " + next(prefix for prefix in extra if number.startswith(prefix))
        if reason:
            findings.append(finding("premium", call, f"{reason} ({_outcome(call.record)})"))
    return findings


def business_hours(text):
    """(start, end) minutes of the day from "HH:MM-HH:MM"; raises CdrError."""
    match = _HOURS.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise CdrError(f"business hours must look like 08:00-18:00, got {text!r}")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    if end > 24 * 60 or start >= end:
        raise CdrError(f"business hours must end after they start, on the same day, got {text!r}")
    return start, end


def business_days(days):
    """Weekday numbers (Monday 0) from names such as mon or Monday, any case; raises CdrError."""
    names = {}
    for number, (short, full) in enumerate(zip(WEEKDAYS, WEEKDAY_NAMES)):
        names[short] = names[full.lower()] = number
    numbers = set()
    for day in days:
        key = day.strip().lower() if isinstance(day, str) else None
        if key not in names:
            raise CdrError(f"business days must be weekdays such as mon or Monday, got {day!r}")
        numbers.add(names[key])
    return numbers


def after_hours(calls, days=(0, 1, 2, 3, 4), hours=(7 * 60, 19 * 60)):
    """Outbound calls that start outside business hours (local time): on a day not in days
    (Monday 0), or before hours[0] or from hours[1] on (minutes of the day)."""
    days = set(days)
    opening = "-".join(f"{minute // 60:02d}:{minute % 60:02d}" for minute in hours)
    open_days = _day_ranges(days)
    findings = []
    for call in _ordered(calls):
        if not call.outbound:
            continue
        start = call.record.start
        minute = start.hour * 60 + start.minute
        if start.weekday() in days and hours[0] <= minute < hours[1]:
            continue
        findings.append(finding(
            "after_hours", call,
            f"outbound call on {WEEKDAY_NAMES[start.weekday()]} at {start:%H:%M},"
            f" outside business hours ({open_days} {opening})",
        ))
    return findings


def _day_ranges(days):
    """Mon-Fri, or Mon, Wed-Fri, Sun: weekday numbers as short ranges."""
    runs = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    names = [WEEKDAY_NAMES[day][:3] for day in range(7)]
    return ", ".join(names[a] if a == b else f"{names[a]}-{names[b]}" for a, b in runs) or "no day"


def burst(calls, max_calls=10, minutes=10):
    """More than max_calls outbound calls from one extension within minutes: one finding per
    burst, at its first call, with the most calls that any window of the burst held."""
    window = datetime.timedelta(minutes=minutes)
    by_extension = collections.defaultdict(list)
    for call in _ordered(calls):
        if call.outbound:
            by_extension[call.extension].append(call)
    findings = []
    for extension_calls in by_extension.values():
        first = 0
        burst_start = None
        for index, call in enumerate(extension_calls):
            while call.record.start - extension_calls[first].record.start > window:
                first += 1
            count = index - first + 1
            if count > max_calls:
                if burst_start is None:
                    burst_start, peak, last = first, count, index
                peak, last = max(peak, count), index
            elif burst_start is not None:
                findings.append(_burst_finding(extension_calls, burst_start, last, peak, max_calls, minutes))
                burst_start = None
        if burst_start is not None:
            findings.append(_burst_finding(extension_calls, burst_start, last, peak, max_calls, minutes))
    return sorted(findings, key=lambda item: (item["start"], item["extension"]))


def _burst_finding(calls, first, last, peak, max_calls, minutes):
    members = calls[first:last + 1]
    destinations = len({call.record.dst for call in members})
    return finding(
        "burst", members[0],
        f"{len(members)} outbound calls between {members[0].record.start:%H:%M:%S} and {members[-1].record.start:%H:%M:%S},"
        f" at most {peak} within {minutes} minutes (limit {max_calls}), to {destinations}"
        f" destination{'s' if destinations != 1 else ''}",
    )


def _interval(record):
    """[answer, end) of an answered call, from whichever of answer, end and billsec it has."""
    if record.disposition != "ANSWERED" or record.billsec <= 0:
        return None
    answer, end = record.answer, record.end
    if answer is None and end is None:
        answer = record.start
    if answer is None:
        answer = end - datetime.timedelta(seconds=record.billsec)
    if end is None or end <= answer:
        end = answer + datetime.timedelta(seconds=record.billsec)
    return answer, end


def concurrency(calls, caps):
    """Moments when more answered calls were up at once over a trunk than its cap (a dict
    trunk -> cap): one finding per time over the cap, at the call that took the trunk over,
    with the most calls that were up at once."""
    events = []
    for call in calls:
        if call.trunk in caps:
            interval = _interval(call.record)
            if interval:
                # At one instant, a call ending frees its channel before the next one takes it.
                events.append((interval[0], 1, call.record.line, call))
                events.append((interval[1], 0, call.record.line, call))
    events.sort(key=lambda event: event[:3])
    up = collections.Counter()
    over = {}
    findings = []
    for moment, starts, dummy, call in events:
        trunk = call.trunk
        up[trunk] += 1 if starts else -1
        if up[trunk] > caps[trunk]:
            if trunk not in over:
                over[trunk] = [call, moment, up[trunk]]
            over[trunk][2] = max(over[trunk][2], up[trunk])
        elif trunk in over:
            findings.append(_concurrency_finding(trunk, caps[trunk], *over.pop(trunk)))
    findings.extend(_concurrency_finding(trunk, caps[trunk], *state) for trunk, state in over.items())
    return sorted(findings, key=lambda item: item["start"])


def _concurrency_finding(trunk, cap, call, moment, peak):
    return finding(
        "concurrency", call,
        f"{peak} answered calls up at once over trunk {clean(trunk)} (cap {cap})", start=moment,
    )


def long_call(calls, max_seconds=7200):
    """Calls billed for more than max_seconds."""
    findings = []
    for call in _ordered(calls):
        billsec = call.record.billsec
        if billsec > max_seconds:
            hours, minutes = divmod(billsec // 60, 60)
            findings.append(finding(
                "long_call", call,
                f"call of {hours} h {minutes:02d} min ({billsec} s billed, more than {max_seconds} s)",
            ))
    return findings


def new_destination(calls, known):
    """Outbound calls to a number not in known (a set of numbers as Numbering.number gives
    them): one finding per new number, at its first call."""
    seen = set(known)
    findings = []
    for call in _ordered(calls):
        if not call.outbound or call.number is None or call.number in seen:
            continue
        seen.add(call.number)
        findings.append(finding(
            "new_destination", call, f"first call to {clean(call.number)} ({_outcome(call.record)})",
            destination=call.number,
        ))
    return findings


def destinations(calls):
    """The numbers that outbound calls dialled."""
    return {call.number for call in calls if call.outbound and call.number is not None}


def _outcome(record):
    if record.disposition == "ANSWERED":
        return f"ANSWERED, {record.billsec} s billed"
    return clean(record.disposition, 20)


def count_by_rule(findings):
    counts = dict.fromkeys(RULES, 0)
    for item in findings:
        counts[item["rule"]] += 1
    return counts
