"""_cdr_review: reading Master.csv as cdr_csv writes it, hostile rows, and each rule.

The fixtures in tests/unit/plugins/fixtures/cdr/ are written the way cdr_csv's
build_csv_record writes a record: text fields quoted with quotes doubled, the counts bare,
an empty date unquoted. The site of the fixtures: a NANP office, extensions 201-208, one
PJSIP trunk "itsp" with a cap of 2 channels, business hours Monday to Friday 07:00-19:00.
"""

import datetime
import io
from pathlib import Path

import pytest

from ansible_collections.pbxguard.hardening.plugins.module_utils import _cdr_review as review

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cdr"
NANP = review.Numbering()
CAPS = {"itsp": 2}
# What the office calls every day: the known destinations of the fixtures.
KNOWN = {
    "2125550147", "12125550163", "6465550112", "17185550190", "9175550134", "12015550178",
    "3475550121", "16095550145", "5165550187", "19145550102",
}
BURST_NUMBERS = [
    "011882161234567", "01153785123456", "0112524112233", "01122507654321", "0118817612345678",
    "01153785123457", "0112524112234", "01137455512345", "0112216543210", "01123224445566",
    "01153785123458", "0112524112235",
]


def read(data):
    stats = review.ReadStats()
    records = list(review.read_records(io.BytesIO(data), stats))
    return records, stats


def fixture(name):
    records, stats = read((FIXTURES / name).read_bytes())
    return review.classify_all(records, NANP, CAPS), stats


def every_rule(calls, known=frozenset(KNOWN)):
    return (
        review.international(calls, NANP)
        + review.premium(calls, NANP)
        + review.after_hours(calls)
        + review.burst(calls)
        + review.concurrency(calls, CAPS)
        + review.long_call(calls)
        + review.new_destination(calls, known)
    )


def rules_of(findings):
    return {item["rule"] for item in findings}


def record(dst="2125550147", start="2026-11-24 10:00:00", billsec=60, channel="PJSIP/201-00000001",
           dstchannel="PJSIP/itsp-00000002", disposition="ANSWERED", src="201", ring=5):
    """One line as cdr_csv writes it."""
    began = datetime.datetime.strptime(start, review.DATE_FORMAT)
    answer = (began + datetime.timedelta(seconds=ring)).strftime(review.DATE_FORMAT) if disposition == "ANSWERED" else ""
    end = (began + datetime.timedelta(seconds=ring + billsec)).strftime(review.DATE_FORMAT)
    text = [f'"{value}"' for value in ("", src, dst, "from-internal", f'""Ext"" <{src}>', channel, dstchannel, "Dial", "x")]
    text += [f'"{start}"', f'"{answer}"' if answer else "", f'"{end}"', str(ring + billsec),
             str(billsec if disposition == "ANSWERED" else 0), f'"{disposition}"', '"DOCUMENTATION"']
    return ",".join(text) + "\n"


def calls_of(*lines, trunks=("itsp",)):
    records, stats = read("".join(lines).encode("utf-8"))
    assert stats.rows_skipped == 0
    return review.classify_all(records, NANP, trunks)


# The fixtures


def test_normal_office_day_gives_no_finding():
    calls, stats = fixture("normal_day.csv")
    assert (stats.rows_read, stats.rows_skipped) == (34, 0)
    assert sum(call.outbound for call in calls) >= 10
    assert every_rule(calls) == []


def test_burst_of_international_calls_at_3am():
    calls, stats = fixture("burst_international_3am.csv")
    assert (stats.rows_read, stats.rows_skipped) == (12, 0)
    findings = every_rule(calls)
    assert review.count_by_rule(findings) == {
        "international": 12, "premium": 0, "after_hours": 12, "burst": 1, "concurrency": 0, "long_call": 0,
        "new_destination": 12,
    }
    assert review.burst(calls) == [{
        "rule": "burst", "severity": "high", "extension": "205", "endpoint": "205", "destination": "011882161234567",
        "start": "2026-11-29 03:00:05",
        "detail": "12 outbound calls between 03:00:05 and 03:07:25, at most 12 within 10 minutes (limit 10), to 12 destinations",
    }]
    international = review.international(calls, NANP)
    assert international[0] == {
        "rule": "international", "severity": "high", "extension": "205", "endpoint": "205", "destination": "011882161234567",
        "start": "2026-11-29 03:00:05", "detail": "international call to +882161234567 (ANSWERED, 25 s billed)",
    }
    assert international[2]["detail"] == "international call to +2524112233 (FAILED)"
    assert [item["destination"] for item in international] == BURST_NUMBERS
    assert review.after_hours(calls)[0] == {
        "rule": "after_hours", "severity": "medium", "extension": "205", "endpoint": "205", "destination": "011882161234567",
        "start": "2026-11-29 03:00:05",
        "detail": "outbound call on Sunday at 03:00, outside business hours (Mon-Fri 07:00-19:00)",
    }
    assert review.new_destination(calls, KNOWN)[0] == {
        "rule": "new_destination", "severity": "low", "extension": "205", "endpoint": "205", "destination": "011882161234567",
        "start": "2026-11-29 03:00:05", "detail": "first call to 011882161234567 (ANSWERED, 25 s billed)",
    }


def test_premium_and_caribbean_calls():
    calls, dummy = fixture("premium.csv")
    assert review.premium(calls, NANP) == [
        {"rule": "premium", "severity": "high", "extension": "203", "endpoint": "203", "destination": "19005550123",
         "start": "2026-11-24 10:12:03", "detail": "premium-rate area code 900 (ANSWERED, 312 s billed)"},
        {"rule": "premium", "severity": "high", "extension": "203", "endpoint": "203", "destination": "8095550188",
         "start": "2026-11-24 10:20:41",
         "detail": "high-fraud NANP area code 809, billed as international (ANSWERED, 95 s billed)"},
        {"rule": "premium", "severity": "high", "extension": "203", "endpoint": "203", "destination": "18765550123",
         "start": "2026-11-24 11:02:17", "detail": "high-fraud NANP area code 876, billed as international (NO ANSWER)"},
        {"rule": "premium", "severity": "high", "extension": "206", "endpoint": "206", "destination": "+12645550111",
         "start": "2026-11-24 14:45:00",
         "detail": "high-fraud NANP area code 264, billed as international (ANSWERED, 61 s billed)"},
    ]
    # +1 numbers are not international from a NANP site; the premium rule is what flags them.
    assert rules_of(every_rule(calls)) == {"premium", "new_destination"}


def test_four_hour_call():
    calls, dummy = fixture("long_call.csv")
    assert every_rule(calls) == [{
        "rule": "long_call", "severity": "medium", "extension": "204", "endpoint": "204", "destination": "2125550147",
        "start": "2026-11-24 09:05:00", "detail": "call of 4 h 00 min (14400 s billed, more than 7200 s)",
    }]


def test_three_simultaneous_calls_over_a_trunk_capped_at_2():
    calls, dummy = fixture("concurrency.csv")
    assert every_rule(calls) == [{
        "rule": "concurrency", "severity": "high", "extension": "203", "endpoint": "203", "destination": "9175550134",
        "start": "2026-11-24 10:02:05", "detail": "3 answered calls up at once over trunk itsp (cap 2)",
    }]
    assert review.concurrency(calls, {"itsp": 3}) == []


def test_hostile_rows_are_skipped_or_read_safely():
    calls, stats = fixture("hostile.csv")
    assert (stats.rows_read, stats.rows_skipped) == (6, 8)
    assert sorted(stats.skipped_lines, key=lambda item: item["line"]) == [
        {"line": 6, "reason": "missing fields"},
        {"line": 7, "reason": "bad start time"},
        {"line": 8, "reason": "bad start time"},
        {"line": 9, "reason": "bad billsec"},
        {"line": 10, "reason": "unterminated quoted field"},
        {"line": 11, "reason": "line too long"},
        {"line": 14, "reason": "not CSV"},
        {"line": 15, "reason": "too many fields"},
    ]
    records = {call.record.line: call.record for call in calls}
    assert sorted(records) == [1, 2, 3, 5, 13, 16]
    assert records[1].clid == '"Free "cruise", call back 1-876-555-0199 \u00c9milie M\u00fcller \U0001F4DE" <8765550199>'
    assert records[2].clid == '"\u202eKCAB LLAC\u202c \x1b[31mred" <202>'
    assert records[3].clid == '"=HYPERLINK("x"),\nsecond line" <2015550178>'
    assert (records[5].src, records[5].dst) == ('201","011","from-internal', "2125550100\x1b[2J")
    assert records[13].src == "20\x001"
    assert records[16].dst == "2125550147" and records[16].billsec == 120
    # The caller ID text of the inbound calls flags nothing; the international call and the
    # long inbound call are flagged with their text escaped.
    assert every_rule(calls, KNOWN | {"01144207946001"}) == [
        {"rule": "international", "severity": "high", "extension": "202", "endpoint": "202", "destination": "01144207946001",
         "start": "2026-11-24 11:05:00", "detail": "international call to +44207946001 (ANSWERED, 40 s billed)"},
        {"rule": "long_call", "severity": "medium", "extension": "itsp", "endpoint": "itsp", "destination": "2125550100\\x1b[2J",
         "start": "2026-11-24 11:15:00", "detail": "call of 2 h 01 min (7300 s billed, more than 7200 s)"},
    ]


# Reading


def test_bytes_that_are_not_utf8_are_replaced():
    # Kept out of the fixtures, which are UTF-8 text: a clid in Latin-1.
    records, stats = read(record().replace('""Ext"" <201>', "Jos\u00e9").encode("latin-1"))
    assert stats.rows_skipped == 0 and records[0].clid == "Jos\ufffd"


def test_a_stray_quote_costs_one_row():
    good = record(start="2026-11-24 10:05:00")
    data = ('"","201","2125550147","from-internal","open\n' + good * 9).encode()
    records, stats = read(data)
    assert stats.skipped_lines == [{"line": 1, "reason": "unterminated quoted field"}]
    assert [item.line for item in records] == list(range(2, 11))


def test_a_record_over_two_lines_is_one_record():
    line = record().replace('""Ext"" <201>', 'Ext\r\nline two')
    records, stats = read(line.encode())
    # Line ends inside a field are read as \n.
    assert stats.rows_skipped == 0 and records[0].clid == "Ext\nline two"


def test_an_overlong_line_is_skipped_without_holding_it():
    data = b'"' + b"9" * 10_000_000 + b'"\n' + record().encode()
    records, stats = read(data)
    assert stats.skipped_lines == [{"line": 1, "reason": "line too long"}]
    assert [item.line for item in records] == [2]


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda line: line.replace('"2026-11-24 10:00:00"', '"2026-02-30 10:00:00"'), "bad start time"),
        (lambda line: line.replace('"2026-11-24 10:00:00"', '""'), "bad start time"),
        (lambda line: line.replace('"2026-11-24 10:00:05"', '"10:00:05"'), "bad answer time"),
        (lambda line: line.replace('"2026-11-24 10:01:05"', '"2026-11-24T10:01:05"'), "bad end time"),
        (lambda line: line.replace(",65,60,", ",6.5,60,"), "bad duration"),
        (lambda line: line.replace(",65,60,", ",65,99999999999,"), "bad billsec"),
        (lambda line: line.rsplit(",", 1)[0] + "\n", "missing fields"),
        (lambda line: line.replace('"DOCUMENTATION"', '"DOCUMENTATION"' + ',"x"' * 6), "too many fields"),
        (lambda line: line.replace('"201"', '"2"01', 1), "not CSV"),
        # Digits of other scripts, which int() would read.
        (lambda line: line.replace(",65,60,", ",65,\u0666\u0660,"), "bad billsec"),
        (lambda line: line.replace('"2026-11-24 10:00:00"', '"\u0662026-11-24 10:00:00"'), "bad start time"),
    ],
)
def test_bad_rows_are_counted_with_their_reason(change, reason):
    records, stats = read((record() + change(record()) + record()).encode())
    assert len(records) == 2
    assert stats.skipped_lines == [{"line": 2, "reason": reason}]


def test_optional_columns_are_kept_apart():
    line = record().replace('"DOCUMENTATION"', '"DOCUMENTATION","1764583200.12","userfield"')
    records, dummy = read(line.encode())
    assert records[0].amaflags == "DOCUMENTATION" and records[0].extra == ("1764583200.12", "userfield")


def test_empty_lines_and_windows_line_ends():
    records, stats = read(("\n" + record().replace("\n", "\r\n") + "\r\n").encode())
    assert len(records) == 1 and stats.rows_skipped == 0 and records[0].amaflags == "DOCUMENTATION"


def test_utc_times_are_converted_to_local_time():
    # Converting to the process's zone: compare with what the standard library gives.
    stats = review.ReadStats()
    (converted,) = review.read_records(io.BytesIO(record().encode()), stats, utc=True)
    expected = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.timezone.utc).astimezone().replace(tzinfo=None)
    assert converted.start == expected


def test_open_tail_reads_the_newest_records(tmp_path):
    path = tmp_path / "Master.csv"
    lines = [record(start=f"2026-11-24 10:{minute:02d}:00") for minute in range(50)]
    path.write_text("".join(lines), encoding="utf-8")
    stats = review.ReadStats()
    with review.open_tail(str(path), len(lines[0]) * 10 + 5, stats) as handle:
        records = list(review.read_records(handle, stats))
    assert stats.truncated is True and stats.rows_skipped == 0
    assert [item.start.minute for item in records] == list(range(40, 50))


# Classification


@pytest.mark.parametrize(
    "dst, number, e164",
    [
        ("2125550147", "2125550147", "+12125550147"),
        ("12125550147", "12125550147", "+12125550147"),
        ("+12125550147", "+12125550147", "+12125550147"),
        ("011442079460000", "011442079460000", "+442079460000"),
        ("5550147", "5550147", None),
        ("201", None, None),
        ("*97", None, None),
        ("s", None, None),
        ("", None, None),
        ("+", None, None),
        ("212-555-0147", None, None),
        ("\u0662\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0664\u0667", None, None),
    ],
)
def test_nanp_numbers(dst, number, e164):
    assert NANP.number(dst) == number
    assert NANP.e164(number) == e164


def test_dial_prefix_and_other_countries():
    germany = review.Numbering("00", "49", dial_prefixes=["0"])
    assert germany.number("00442079460000") == "0442079460000"  # 0 for the line, then 0442...: national
    outside = review.Numbering("00", "49", dial_prefixes=["9"])
    assert outside.number("900442079460000") == "00442079460000"
    assert outside.e164("00442079460000") == "+442079460000"
    assert outside.number("901") is None  # an extension that begins with the prefix
    assert outside.e164("0301234567") is None  # national: country unknown, never international


@pytest.mark.parametrize("value, prefix", [("44", "+44"), ("+44", "+44"), ("01144", "+44"), ("011", "+011")])
def test_allowed_prefix_forms(value, prefix):
    assert NANP.prefix(value) == prefix


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"international_prefix": "+011"}, "international_prefix must be digits, got '+011'"),
        ({"country_code": ""}, "country_code must be digits, got ''"),
        ({"dial_prefixes": ["9", "x"]}, "dial_prefixes must hold digits only, got 'x'"),
        ({"min_external_digits": True}, "min_external_digits must be a positive integer, got True"),
        ({"min_external_digits": 0}, "min_external_digits must be a positive integer, got 0"),
    ],
)
def test_bad_numbering(arguments, message):
    with pytest.raises(review.CdrError, match=f"^{__import__('re').escape(message)}$"):
        review.Numbering(**arguments)


def test_bad_prefix():
    with pytest.raises(review.CdrError, match=r"^a prefix must be digits with an optional leading \+, got '44x'$"):
        NANP.prefix("44x")


@pytest.mark.parametrize(
    "channel, name",
    [
        ("PJSIP/201-0000001a", "201"),
        ("PJSIP/my-trunk-0000001a", "my-trunk"),
        ("IAX2/branch-1234", "branch"),
        ("SIP/itsp-00000abc", "itsp"),
        ("Local/201@from-internal-0000002b;1", "201"),
        ("DAHDI/i1/2125550147-5", "i1/2125550147"),
        ("", ""),
        ("PJSIP/201", ""),
        ("garbage", ""),
    ],
)
def test_endpoint(channel, name):
    assert review.endpoint(channel) == name


def test_inbound_outbound_and_trunk_to_trunk():
    inbound, internal, outbound, relayed, unknown_trunk = calls_of(
        record(dst="2125550100", channel="PJSIP/itsp-00000001", dstchannel="PJSIP/201-00000002", src="7185550190"),
        record(dst="202", dstchannel="PJSIP/202-00000003"),
        record(dst="202", dstchannel="PJSIP/itsp-00000004"),
        record(dst="011442079460000", channel="PJSIP/itsp-00000005", dstchannel="PJSIP/itsp-00000006"),
        record(dst="2125550147", dstchannel="PJSIP/other-00000007"),
    )
    assert (inbound.outbound, inbound.extension, inbound.trunk) == (False, "itsp", "itsp")
    assert (internal.outbound, internal.trunk) == (False, "")
    assert (outbound.outbound, outbound.trunk, outbound.number) == (True, "itsp", None)
    assert (relayed.outbound, relayed.extension, relayed.trunk) == (True, "itsp", "itsp")
    assert (unknown_trunk.outbound, unknown_trunk.trunk) == (True, "")


def test_extension_falls_back_to_src():
    (call,) = calls_of(record(channel="", src="201"))
    assert call.extension == "201"


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("Reception", "Reception"),
        ("M\u00fcller", "M\u00fcller"),
        ("a\nb\tc\x1b[0m", "a\\x0ab\\x09c\\x1b[0m"),
        ("\u202eevil", "\\u202eevil"),
        ("\u00a0", "\\xa0"),
        ("x" * 100, "x" * 61 + "..."),
    ],
)
def test_clean(text, cleaned):
    assert review.clean(text) == cleaned


# Rules, each on its own


def test_international_allowed_prefixes():
    calls = calls_of(record(dst="011442079460000"), record(dst="01133140000000"), record(dst="+4930123456"))
    flagged = review.international(calls, NANP, allowed_prefixes=["44"])
    assert [item["destination"] for item in flagged] == ["01133140000000", "+4930123456"]
    assert review.international(calls, NANP, allowed_prefixes=["+44", "01133", "49"]) == []


def test_international_from_a_site_outside_the_nanp():
    uk = review.Numbering("00", "44")
    calls = review.classify_all(read((record(dst="00442079460000") + record(dst="0033140000000")
                                      + record(dst="02079460000")).encode())[0], uk, ["itsp"])
    assert [item["detail"] for item in review.international(calls, uk)] == [
        "international call to +33140000000 (ANSWERED, 60 s billed)",
    ]


@pytest.mark.parametrize(
    "dst, reason",
    [
        ("9005550123", "premium-rate area code 900"),
        ("+19005550123", "premium-rate area code 900"),
        ("2129765555", "premium-rate exchange 976"),
        ("9765555", "premium-rate exchange 976"),
        ("6585550123", "high-fraud NANP area code 658, billed as international"),
        ("01118095550188", "high-fraud NANP area code 809, billed as international"),
    ],
)
def test_premium_forms(dst, reason):
    assert [item["detail"] for item in review.premium(calls_of(record(dst=dst)), NANP)] == [
        f"{reason} (ANSWERED, 60 s billed)",
    ]


@pytest.mark.parametrize(
    "dst", ["2125550147", "7875550123", "3405550123", "8005550123", "8889765555", "12425550", "242555012345"],
)
def test_not_premium(dst):
    # Puerto Rico (787), USVI (340) and toll-free numbers (976 exchange included) are domestic.
    assert review.premium(calls_of(record(dst=dst)), NANP) == []


def test_premium_from_abroad_and_extra_prefixes():
    germany = review.Numbering("00", "49")
    calls = review.classify_all(read((record(dst="0018095550188") + record(dst="00499001234567")).encode())[0],
                                germany, ["itsp"])
    assert [item["detail"] for item in review.premium(calls, germany, prefixes=["+49900"])] == [
        "high-fraud NANP area code 809, billed as international (ANSWERED, 60 s billed)",
        "premium-rate prefix +49900 (ANSWERED, 60 s billed)",
    ]


@pytest.mark.parametrize(
    "start, flagged",
    [
        ("2026-11-24 06:59:59", True),
        ("2026-11-24 07:00:00", False),
        ("2026-11-24 18:59:59", False),
        ("2026-11-24 19:00:00", True),
        ("2026-11-28 12:00:00", True),  # Saturday
        ("2026-11-30 12:00:00", False),  # Monday
    ],
)
def test_after_hours_boundaries(start, flagged):
    assert bool(review.after_hours(calls_of(record(start=start)))) is flagged


def test_after_hours_ignores_inbound_and_internal_calls():
    calls = calls_of(
        record(start="2026-11-24 23:00:00", dst="2125550100", channel="PJSIP/itsp-1", dstchannel="PJSIP/201-2"),
        record(start="2026-11-24 23:00:00", dst="202", dstchannel="PJSIP/202-3"),
    )
    assert review.after_hours(calls) == []


def test_after_hours_with_other_days_and_hours():
    calls = calls_of(record(start="2026-11-28 09:30:00"))  # Saturday
    days = review.business_days(["Mon", "tuesday", "wed", "thu", "fri", "sat"])
    assert review.after_hours(calls, days, review.business_hours("09:00-13:00")) == []
    (item,) = review.after_hours(calls, review.business_days(["mon", "wed", "thu", "sun"]), review.business_hours("10:00-16:00"))
    assert item["detail"] == "outbound call on Saturday at 09:30, outside business hours (Mon, Wed-Thu, Sun 10:00-16:00)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("18:00-08:00", "business hours must end after they start, on the same day, got '18:00-08:00'"),
        ("08:00-08:00", "business hours must end after they start, on the same day, got '08:00-08:00'"),
        ("24:00-24:00", "business hours must look like 08:00-18:00, got '24:00-24:00'"),
        ("8-18", "business hours must look like 08:00-18:00, got '8-18'"),
        ("08:00-24:30", "business hours must end after they start, on the same day, got '08:00-24:30'"),
    ],
)
def test_bad_business_hours(text, message):
    with pytest.raises(review.CdrError, match=f"^{__import__('re').escape(message)}$"):
        review.business_hours(text)


def test_whole_day_and_bad_days():
    assert review.business_hours("00:00-24:00") == (0, 1440)
    with pytest.raises(review.CdrError, match="^business days must be weekdays such as mon or Monday, got 'mo'$"):
        review.business_days(["mo"])


def burst_lines(count, seconds_apart, ext="201", first="2026-11-24 10:00:00"):
    began = datetime.datetime.strptime(first, review.DATE_FORMAT)
    return [
        record(dst=f"21255501{index:02d}", channel=f"PJSIP/{ext}-{index:08x}",
               start=(began + datetime.timedelta(seconds=seconds_apart * index)).strftime(review.DATE_FORMAT), billsec=20)
        for index in range(count)
    ]


def test_burst_threshold():
    assert review.burst(calls_of(*burst_lines(10, 60)), max_calls=10, minutes=10) == []
    (item,) = review.burst(calls_of(*burst_lines(11, 60)), max_calls=10, minutes=10)
    assert item["detail"] == (
        "11 outbound calls between 10:00:00 and 10:10:00, at most 11 within 10 minutes (limit 10), to 11 destinations"
    )
    # 61 seconds apart, eleven calls span more than 10 minutes.
    assert review.burst(calls_of(*burst_lines(11, 61)), max_calls=10, minutes=10) == []


def test_two_bursts_and_two_extensions_are_told_apart():
    lines = burst_lines(4, 10) + burst_lines(4, 10, first="2026-11-24 12:00:00") + burst_lines(4, 10, ext="202")
    findings = review.burst(calls_of(*lines), max_calls=3, minutes=1)
    assert [(item["extension"], item["start"]) for item in findings] == [
        ("201", "2026-11-24 10:00:00"), ("202", "2026-11-24 10:00:00"), ("201", "2026-11-24 12:00:00"),
    ]


def test_concurrency_counts_answered_calls_only_and_frees_a_channel_at_its_end():
    calls = calls_of(
        record(start="2026-11-24 10:00:00", billsec=60, ring=0),
        record(start="2026-11-24 10:01:00", billsec=60, ring=0, channel="PJSIP/202-1"),  # starts as the first ends
        record(start="2026-11-24 10:01:30", billsec=0, disposition="NO ANSWER", channel="PJSIP/203-1"),
        record(start="2026-11-24 10:01:30", billsec=60, ring=0, channel="PJSIP/204-1"),
        record(start="2026-11-24 10:01:40", billsec=60, ring=0, dstchannel="PJSIP/other-9"),
    )
    assert review.concurrency(calls, {"itsp": 2}) == []
    (item,) = review.concurrency(calls, {"itsp": 1})
    assert (item["extension"], item["start"], item["detail"]) == (
        "204", "2026-11-24 10:01:30", "2 answered calls up at once over trunk itsp (cap 1)",
    )


def test_concurrency_counts_inbound_calls_and_reports_the_peak():
    calls = calls_of(
        record(start="2026-11-24 10:00:00", billsec=600),
        record(start="2026-11-24 10:00:10", billsec=600, dst="2125550100", channel="PJSIP/itsp-1", dstchannel="PJSIP/201-2"),
        record(start="2026-11-24 10:00:20", billsec=600, channel="PJSIP/203-1"),
        record(start="2026-11-24 10:00:30", billsec=600, channel="PJSIP/204-1"),
    )
    (item,) = review.concurrency(calls, {"itsp": 2})
    assert (item["extension"], item["start"], item["detail"]) == (
        "203", "2026-11-24 10:00:25", "4 answered calls up at once over trunk itsp (cap 2)",
    )


def test_long_call_threshold():
    calls = calls_of(record(billsec=7200), record(billsec=7201))
    assert [item["detail"] for item in review.long_call(calls)] == ["call of 2 h 00 min (7201 s billed, more than 7200 s)"]


def test_new_destination_once_per_number_and_outbound_only():
    calls = calls_of(
        record(dst="2125550199"),
        record(dst="2125550199", start="2026-11-24 11:00:00"),
        record(dst="2125550100", channel="PJSIP/itsp-1", dstchannel="PJSIP/201-2"),
        record(dst="202", dstchannel="PJSIP/202-1"),
        record(dst="2125550147"),
    )
    assert [(item["destination"], item["start"]) for item in review.new_destination(calls, KNOWN)] == [
        ("2125550199", "2026-11-24 10:00:00"),
    ]
    assert review.destinations(calls) == {"2125550199", "2125550147"}


@pytest.mark.parametrize(("channel", "endpoint"), [
    ("PJSIP/201-0000001a", "201"),
    ("PJSIP/itsp-00000002", "itsp"),
    ("Local/201@from-internal-0000002b;1", ""),
    ("IAX2/peer-1234", ""),
    ("DAHDI/1-1", ""),
    ("PJSIP/20 1-0000001a", ""),
    ("PJSIP/201;rm -rf-0000001a", ""),
    ("", ""),
], ids=["extension", "trunk", "local", "iax2", "dahdi", "space", "hostile", "empty"])
def test_the_key_of_a_block_is_the_pjsip_endpoint_of_the_channel_only(channel, endpoint):
    assert review.pjsip_endpoint(channel) == endpoint
