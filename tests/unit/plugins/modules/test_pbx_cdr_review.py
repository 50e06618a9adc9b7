"""pbx_cdr_review against the fixtures and a state file in a temporary directory. Most tests
call the module's main() in this process with patched arguments (milliseconds each); one runs
the module file with a JSON arguments file, as Ansible runs it on a target."""

import datetime
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.pbxguard.hardening.plugins.modules import pbx_cdr_review

MODULE = Path(pbx_cdr_review.__file__)
COLLECTIONS_ROOT = MODULE.parents[5]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cdr"
KNOWN = [
    "2125550147", "12125550163", "6465550112", "17185550190", "9175550134", "12015550178",
    "3475550121", "16095550145", "5165550187", "19145550102",
]
# The numbers that the normal day's outbound calls dial.
NORMAL_DAY = ["12015550178", "12125550163", "16095550145", "19145550102", "3475550121", "5165550187", "6465550112",
              "9175550134"]
NO_FINDINGS = dict.fromkeys(
    ["international", "premium", "after_hours", "burst", "concurrency", "long_call", "new_destination"], 0
)


@pytest.fixture
def run(capsys):
    """Run the module's main() once in this process; return its parsed JSON result."""

    def run_module(tmp_path, check_mode=False, **args):
        del tmp_path
        with patch_module_args(dict(args, _ansible_check_mode=check_mode)), pytest.raises(SystemExit):
            pbx_cdr_review.main()
        return json.loads(capsys.readouterr().out)

    return run_module


def run_file(tmp_path, **args):
    """Run the module file with a JSON arguments file, as Ansible would on a target."""
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}), encoding="utf-8")
    environment = dict(os.environ, PYTHONPATH=str(COLLECTIONS_ROOT))
    completed = subprocess.run(
        [sys.executable, str(MODULE), str(args_file)], capture_output=True, text=True, env=environment, check=False,
        cwd=tmp_path,
    )
    return json.loads(completed.stdout)


@pytest.fixture
def state(tmp_path):
    return tmp_path / "var" / "lib" / "pbxguard" / "known.json"


def write_state(path, destinations):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "destinations": destinations}), encoding="utf-8")
    path.chmod(0o600)


@pytest.fixture
def review(run, tmp_path, state):
    def review_fixture(name, **args):
        arguments = dict(path=str(FIXTURES / name), since_hours=0, state_file=str(state), trunk_caps={"itsp": 2})
        arguments.update(args)
        return run(tmp_path, **arguments)

    return review_fixture


def stored(path):
    return json.loads(path.read_text(encoding="utf-8"))


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def warnings(result):
    # ansible-core 2.19 modules return structured warnings: {"event": {"msg": ...}}.
    return [warning["event"]["msg"] if isinstance(warning, dict) else warning for warning in result.get("warnings", [])]


def test_normal_day_with_known_destinations_gives_no_finding(tmp_path, state):
    write_state(state, KNOWN)
    before = state.read_bytes()
    result = run_file(tmp_path, path=str(FIXTURES / "normal_day.csv"), since_hours=0, state_file=str(state),
                      trunk_caps={"itsp": 2})
    assert not result.get("failed"), result
    assert result["findings"] == [] and result["counts"] == NO_FINDINGS
    assert (result["rows_read"], result["rows_skipped"], result["rows_in_window"]) == (34, 0, 34)
    assert result["changed"] is False and result["baseline"] is False and result["new_destinations"] == 0
    assert result["truncated"] is False and result["findings_truncated"] is False
    assert state.read_bytes() == before


def test_first_run_learns_without_reporting_new_destinations(state, review):
    first = review("normal_day.csv")
    assert first["changed"] is True and first["baseline"] is True and first["findings"] == []
    assert first["new_destinations"] == len(NORMAL_DAY)
    assert stored(state) == {"format": 1, "destinations": NORMAL_DAY}
    assert mode(state) == 0o600 and mode(state.parent) == 0o700
    assert sorted(path.name for path in state.parent.iterdir()) == ["known.json"]

    second = review("normal_day.csv")
    assert second["changed"] is False and second["baseline"] is False and second["findings"] == []


def test_burst_of_international_calls_at_3am(state, review):
    write_state(state, KNOWN)
    result = review("burst_international_3am.csv")
    assert result["counts"] == dict(NO_FINDINGS, international=12, after_hours=12, burst=1, new_destination=12)
    # In order of start time, then of the rules.
    assert [item["rule"] for item in result["findings"][:5]] == [
        "international", "after_hours", "burst", "new_destination", "international",
    ]
    assert result["findings"][2] == {
        "rule": "burst", "severity": "high", "extension": "205", "endpoint": "205", "destination": "011882161234567",
        "start": "2026-11-29 03:00:05",
        "detail": "12 outbound calls between 03:00:05 and 03:07:25, at most 12 within 10 minutes (limit 10), to 12 destinations",
    }
    assert result["changed"] is True and result["new_destinations"] == 12
    assert len(stored(state)["destinations"]) == len(KNOWN) + 12 and mode(state) == 0o600

    # The numbers are known now; the other rules still flag the calls.
    again = review("burst_international_3am.csv")
    assert again["counts"] == dict(NO_FINDINGS, international=12, after_hours=12, burst=1)
    assert again["changed"] is False


@pytest.mark.parametrize(
    "name, counts, first",
    [
        ("premium.csv", {"premium": 4}, {
            "rule": "premium", "severity": "high", "extension": "203", "endpoint": "203", "destination": "19005550123",
            "start": "2026-11-24 10:12:03", "detail": "premium-rate area code 900 (ANSWERED, 312 s billed)"}),
        ("long_call.csv", {"long_call": 1}, {
            "rule": "long_call", "severity": "medium", "extension": "204", "endpoint": "204", "destination": "2125550147",
            "start": "2026-11-24 09:05:00", "detail": "call of 4 h 00 min (14400 s billed, more than 7200 s)"}),
        ("concurrency.csv", {"concurrency": 1}, {
            "rule": "concurrency", "severity": "high", "extension": "203", "endpoint": "203", "destination": "9175550134",
            "start": "2026-11-24 10:02:05", "detail": "3 answered calls up at once over trunk itsp (cap 2)"}),
    ],
)
def test_fraud_patterns(state, review, name, counts, first):
    write_state(state, KNOWN + ["19005550123", "8095550188", "18765550123", "+12645550111"])
    result = review(name)
    assert result["counts"] == dict(NO_FINDINGS, **counts)
    assert result["findings"][0] == first


def test_hostile_rows_are_counted(state, review):
    write_state(state, KNOWN + ["01144207946001"])
    result = review("hostile.csv")
    assert (result["rows_read"], result["rows_skipped"]) == (6, 8)
    assert result["skipped_rows"]["reasons"] == {
        "missing fields": 1, "bad start time": 2, "bad billsec": 1, "unterminated quoted field": 1,
        "line too long": 1, "not CSV": 1, "too many fields": 1,
    }
    assert [item["line"] for item in result["skipped_rows"]["lines"]] == [6, 7, 8, 9, 10, 11, 14, 15]
    assert result["counts"] == dict(NO_FINDINGS, international=1, long_call=1)
    assert result["findings"][1]["destination"] == "2125550100\\x1b[2J"
    assert "\x1b" not in json.dumps(result["findings"])


def test_check_mode_writes_no_state(state, review):
    created = review("normal_day.csv", check_mode=True)
    assert created["changed"] is True and created["baseline"] is True
    assert not state.parent.exists()

    write_state(state, KNOWN)
    before = state.read_bytes()
    updated = review("burst_international_3am.csv", check_mode=True)
    assert updated["changed"] is True and updated["new_destinations"] == 12
    assert updated["counts"]["new_destination"] == 12
    assert state.read_bytes() == before


def test_without_the_new_destination_rule_no_state_is_read_or_written(state, review):
    result = review("burst_international_3am.csv", rules=["international", "burst"])
    assert result["counts"] == dict(NO_FINDINGS, international=12, burst=1)
    assert result["changed"] is False and not state.parent.exists()


def line(start, dst="2125550147", ext="201"):
    end = start + datetime.timedelta(seconds=65)
    answer = start + datetime.timedelta(seconds=5)
    fields = ['""', f'"{ext}"', f'"{dst}"', '"from-internal"', f'"""Ext"" <{ext}>"', f'"PJSIP/{ext}-00000001"',
              '"PJSIP/itsp-00000002"', '"Dial"', '"x"']
    fields += [f'"{moment:%Y-%m-%d %H:%M:%S}"' for moment in (start, answer, end)]
    fields += ["65", "60", '"ANSWERED"', '"DOCUMENTATION"']
    return ",".join(fields) + "\n"


def test_window_reviews_recent_calls_and_learns_older_destinations(tmp_path, state, run):
    write_state(state, KNOWN)
    now = datetime.datetime.now().replace(microsecond=0)
    path = tmp_path / "Master.csv"
    path.write_text(
        line(now - datetime.timedelta(hours=30), dst="01144207946001")
        + line(now - datetime.timedelta(hours=2), dst="01144207946001")
        + line(now - datetime.timedelta(hours=1), dst="2125550188"),
        encoding="utf-8",
    )
    result = run(tmp_path, path=str(path), state_file=str(state), business_days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                 business_hours="00:00-24:00")
    assert (result["rows_read"], result["rows_in_window"]) == (3, 2)
    assert result["counts"] == dict(NO_FINDINGS, international=1, new_destination=1)
    assert [item["destination"] for item in result["findings"] if item["rule"] == "new_destination"] == ["2125550188"]
    assert set(stored(state)["destinations"]) == set(KNOWN) | {"01144207946001", "2125550188"}


def test_usegmtime_converts_to_local_time(tmp_path, state, run):
    path = tmp_path / "Master.csv"
    # Tuesday 02:00 UTC is Monday 21:00 at UTC-5.
    path.write_text(line(datetime.datetime(2026, 11, 24, 2, 0, 0)), encoding="utf-8")
    arguments = dict(path=str(path), since_hours=0, state_file=str(state), rules=["after_hours"])
    try:
        in_zone("XST+5")
        (finding,) = run(tmp_path, usegmtime=True, **arguments)["findings"]
        in_zone("XST-8")
        east = run(tmp_path, usegmtime=True, **arguments)["findings"]
    finally:
        in_zone(ZONE)
    assert (finding["start"], finding["detail"]) == (
        "2026-11-23 21:00:00", "outbound call on Monday at 21:00, outside business hours (Mon-Fri 07:00-19:00)",
    )
    assert east == []


ZONE = os.environ.get("TZ")


def in_zone(zone):
    """Set the process's local time zone (POSIX TZ text; None for the system's)."""
    if zone is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = zone
    time.tzset()


def test_caps_on_findings_and_rows(state, review):
    write_state(state, KNOWN)
    result = review("burst_international_3am.csv", max_findings=5, max_rows=6)
    assert result["truncated"] is True and result["rows_in_window"] == 6 and result["rows_read"] == 12
    assert result["findings_truncated"] is True and len(result["findings"]) == 5
    assert result["counts"] == dict(NO_FINDINGS, international=6, after_hours=6, new_destination=6)
    assert result["findings"][0]["start"] == "2026-11-29 03:04:05"


def test_missing_file(tmp_path, state, run):
    path = tmp_path / "Master.csv"
    failed = run(tmp_path, path=str(path), state_file=str(state))
    assert failed["failed"] is True
    assert failed["msg"] == f'{path} does not exist: is cdr_csv loaded (asterisk -rx "module show like cdr_csv")?'
    # In its own process: warnings of a module run inside pytest depend on what else was imported.
    allowed = run_file(tmp_path, path=str(path), state_file=str(state), missing_ok=True)
    assert not allowed.get("failed") and allowed["findings"] == [] and allowed["rows_read"] == 0
    assert warnings(allowed) == [f"{path} does not exist: no call was reviewed"]
    assert not state.parent.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        ({"trunk_caps": {"itsp": 0}}, "trunk_caps.itsp must be a number of channels of 1 or more, got 0"),
        ({"trunk_caps": {"itsp": True}}, "trunk_caps.itsp must be a number of channels of 1 or more, got True"),
        ({"trunk_caps": {"itsp": "two"}}, "trunk_caps.itsp must be a number of channels of 1 or more, got 'two'"),
        ({"business_hours": "19:00-07:00"}, "business hours must end after they start, on the same day, got '19:00-07:00'"),
        ({"business_days": ["mon", "funday"]}, "business days must be weekdays such as mon or Monday, got 'funday'"),
        ({"allowed_prefixes": ["UK"]}, "a prefix must be digits with an optional leading +, got 'UK'"),
        ({"premium_area_codes": ["8090"]}, "premium_area_codes must hold three-digit area codes, got '8090'"),
        ({"international_prefix": "+"}, "international_prefix must be digits, got '+'"),
        ({"since_hours": -1}, "since_hours must be 0 or more, got -1"),
        ({"burst_calls": 0}, "burst_calls must be 1 or more, got 0"),
        ({"rules": ["toll"]}, "value of rules must be one or more of: international, premium, after_hours, burst,"
                              " concurrency, long_call, new_destination. Got no match for: toll"),
    ],
)
def test_rejected_arguments(state, review, args, message):
    result = review("normal_day.csv", **args)
    assert result["failed"] is True and result["msg"] == message
    assert not state.parent.exists()


def test_text_caps_are_accepted(review):
    result = review("concurrency.csv", trunk_caps={"itsp": "3"}, rules=["concurrency"])
    assert result["findings"] == []


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": 2, "destinations": []}', '{"format": 1, "destinations": [1]}'])
def test_state_file_of_another_kind_is_refused(state, review, content):
    state.parent.mkdir(parents=True)
    state.write_text(content, encoding="utf-8")
    result = review("normal_day.csv")
    assert result["failed"] is True
    assert result["msg"].startswith(f"cannot read state file {state}: ") if content == "not json" else (
        result["msg"] == f"state file {state} is not a pbx_cdr_review state file (format 1)"
    )
    assert state.read_text(encoding="utf-8") == content


def test_state_file_mode_is_tightened(tmp_path, state, run):
    write_state(state, KNOWN)
    state.chmod(0o644)
    shutil.copy(FIXTURES / "premium.csv", tmp_path / "Master.csv")
    result = run(tmp_path, path=str(tmp_path / "Master.csv"), since_hours=0, state_file=str(state))
    assert result["changed"] is True and mode(state) == 0o600
