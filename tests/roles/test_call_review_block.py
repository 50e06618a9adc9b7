"""The call review's block (role call_review, pbxguard-call-review with call_review_block): run
as on the PBX, with the review rules installed beside it and a stand-in for `asterisk -rx` that
records each command. The key it writes is the PJSIP endpoint the call came from (what the
trunks role's routes check with ${CHANNEL(endpoint)}), never the caller ID a phone sets, and
never a trunk."""

import datetime
import json
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROGRAM = ROOT / "roles/call_review/files/pbxguard-call-review"
RULES = ROOT / "plugins/module_utils/_cdr_review.py"
# Records each command; answers `database put` and `database del` as Asterisk 22 does.
FAKE_ASTERISK = """#!/bin/sh
echo "$*" >> "{log}"
case "$2" in
  "database put"*) echo "Updated database successfully" ;;
  "database del"*) echo "Database entry removed." ;;
esac
"""


def record(channel, src, dst, start):
    """A Master.csv row of an answered outbound call over trunk itsp."""
    when = start.strftime("%Y-%m-%d %H:%M:%S")
    fields = ["", src, dst, "from-internal", f"<{src}>", channel, "PJSIP/itsp-0000001b", "Dial",
              f"PJSIP/{dst}@itsp", when, when, when]
    return ",".join(f'"{value}"' for value in fields) + ',30,30,"ANSWERED","DOCUMENTATION"\n'


@pytest.fixture()
def pbx(tmp_path):
    """The program, its rules and a fake asterisk laid out as on the PBX; returns run(*args)."""
    lib = tmp_path / "lib"
    lib.mkdir()
    shutil.copy(RULES, lib / "pbxguard_cdr_review.py")
    program = tmp_path / "pbxguard-call-review"
    program.write_text(PROGRAM.read_text().replace('"/usr/local/lib/pbxguard"', repr(str(lib))))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "asterisk"
    fake.write_text(FAKE_ASTERISK.format(log=tmp_path / "asterisk.log"))
    fake.chmod(0o755)
    now = datetime.datetime.now() - datetime.timedelta(hours=1)
    (tmp_path / "Master.csv").write_text(
        # An extension's phone: blocked by its endpoint.
        record("PJSIP/201-0000001a", "201", "011441234567890", now)
        # Caller ID 202 sent over endpoint 203: 203 is blocked, 202 (the phone's own text) is not.
        + record("PJSIP/203-0000001c", "202", "011441234567891", now)
        # No PJSIP channel (a Local channel, then none): flagged, but nothing to key a block on.
        + record("Local/204@from-internal-0000002b;1", "204", "011441234567892", now)
        + record("", "205", "011441234567893", now)
        # In over the trunk and out again (DISA): the trunk is no extension to block.
        + record("PJSIP/itsp-0000003a", "2125550100", "011441234567894", now))
    config = {
        "cdr_path": str(tmp_path / "Master.csv"), "usegmtime": False, "since_hours": 24,
        "international_prefix": "011", "country_code": "1", "dial_prefixes": [], "allowed_prefixes": [],
        "business_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "business_hours": "00:00-24:00",
        "burst_calls": 10, "burst_minutes": 10, "long_call_seconds": 7200, "webhook_url": "", "mail_to": "",
        "block": True, "block_rules": ["international"], "trunk_caps": {"itsp": 2},
        "state_file": str(tmp_path / "state/known.json"),
    }
    (tmp_path / "call_review.json").write_text(json.dumps(config))

    def run(*arguments):
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
        done = subprocess.run(["python3", str(program), "--config", str(tmp_path / "call_review.json"), *arguments],
                              capture_output=True, text=True, check=False, env=env)
        log = tmp_path / "asterisk.log"
        return done, log.read_text().splitlines() if log.exists() else []

    return run


def test_the_block_is_keyed_on_the_pjsip_endpoint_never_the_caller_id(pbx):
    done, commands = pbx()
    assert done.returncode == 0, done.stderr
    assert commands == ["-rx database put pbxguard-blocked 201 international",
                        "-rx database put pbxguard-blocked 203 international"]
    assert "blocked outbound calls of 201, 203" in done.stdout
    assert "not blocked: the international call of 204 came from no PJSIP endpoint" in done.stdout
    assert "not blocked: the international call of 205 came from no PJSIP endpoint" in done.stdout
    assert "not blocked: the international call of itsp came from trunk itsp (DISA has its own lock)" in done.stdout


def test_clear_removes_the_same_key(pbx):
    done, commands = pbx("--clear", "201")
    assert done.returncode == 0 and commands == ["-rx database del pbxguard-blocked 201"]
