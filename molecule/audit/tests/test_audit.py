"""audit: the checklist report of a weak and a hardened Asterisk 22, read as JSON and in a real
headless Chromium; the audit changed nothing under /etc; the call review's timer runs the review,
logs to the journal and blocks an extension until it is cleared; a restore from the scheduled
backup brings back a deleted file; the patching role read the inventory's text "true"."""

import datetime
import json
import os
import pathlib
import subprocess

import pytest

REPORTS = pathlib.Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports"
WEAK_FAILS = ["backups-recent", "secrets-strong", "extension-acl", "trunk-caps", "no-wildcard-routes",
              "international-blocked", "firewall-default-deny", "fail2ban-running", "call-review-active"]


def newest(suffix):
    found = sorted(REPORTS.glob(f"pbxguard-audit-*.{suffix}"))
    assert found, f"no {suffix} report in {REPORTS}"
    return found[-1]


@pytest.fixture(scope="module")
def report():
    return json.loads(newest("json").read_text(encoding="utf-8"))


def statuses(report, host):
    return {row["id"]: row["status"] for row in report["hosts"][host]["results"]}


def test_each_weakness_of_the_weak_pbx_is_reported(report):
    found = statuses(report, "weak")
    assert {item: found[item] for item in WEAK_FAILS} == {item: "fail" for item in WEAK_FAILS}
    details = {row["id"]: row["detail"] for row in report["hosts"]["weak"]["results"]}
    assert "SIP secret of 201" in details["secrets-strong"]
    assert "Example Mailbox" not in details["secrets-strong"] and "voicemail PIN of 1234@default" in details["secrets-strong"]
    assert details["extension-acl"].endswith(": 201")
    assert "_X. in [from-internal]" in details["no-wildcard-routes"]
    assert "itsp (10)" in details["trunk-caps"]
    # No secret leaves the PBX: not the weak one, not Debian's example PIN.
    assert "201secret" not in json.dumps(report) and "4242," not in json.dumps(report)


def test_the_hardened_pbx_passes(report):
    found = statuses(report, "hardened")
    # The test image has no package lists (its mirror is a frozen snapshot): unknown, honestly.
    assert found.pop("updates-pending") == "unknown"
    assert found == {item: "pass" for item in found}, report["hosts"]["hardened"]["results"]
    assert report["hosts"]["hardened"]["counts"]["fail"] == 0


def test_the_audit_changed_nothing_under_etc(weak, hardened):
    for host in (weak, hardened):
        before = host.file("/root/etc-before-audit.sha256").content_string
        assert before and before == host.file("/root/etc-after-audit.sha256").content_string


def test_the_html_report_in_a_headless_chromium(tmp_path, report):
    page = newest("html")
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "report.png"
    subprocess.run(browser + [f"--screenshot={shot}", "--window-size=1400,1600", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10000
    (REPORTS / "report.png").write_bytes(shot.read_bytes())  # kept with the report, for a person to look at
    dom = subprocess.run(browser + ["--dump-dom", page.as_uri()], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    assert '<table id="fleet">' in dom
    assert '<tr data-host="weak">' in dom and '<tr data-host="hardened">' in dom
    # The weak host, with failures, comes first in the fleet table.
    assert dom.index('<tr data-host="weak">') < dom.index('<tr data-host="hardened">')
    for host in report["hosts"]:
        for row in report["hosts"][host]["results"]:
            if row["status"] == "fail":
                assert f'<tr class="failed" data-host="{host}" data-item="{row["id"]}">' in dom
    assert 'data-item="provider-recharge"' in dom and 'data-item="security-feeds"' in dom


def test_the_call_review_timer_is_installed(hardened):
    assert hardened.run("systemctl is-enabled pbxguard-call-review.timer").stdout.strip() == "enabled"
    assert hardened.run("systemctl is-active pbxguard-call-review.timer").stdout.strip() == "active"


def cdr_line(start, src, dst, billsec=60):
    """A Master.csv record as cdr_csv writes it (usegmtime=yes: UTC)."""
    begin = start.strftime("%Y-%m-%d %H:%M:%S")
    end = (start + datetime.timedelta(seconds=billsec)).strftime("%Y-%m-%d %H:%M:%S")
    fields = ["", src, dst, "from-internal", f'"Ext {src}" <{src}>', f"PJSIP/{src}-0000001a", "PJSIP/itsp-0000001b",
              "Dial", f"PJSIP/{dst}@itsp", begin, begin, end]
    # cdr_csv doubles the quotes inside a field (the caller ID's name is quoted).
    quoted = (value.replace('"', '""') for value in fields)
    return ",".join(f'"{value}"' for value in quoted) + f",{billsec},{billsec},\"ANSWERED\",\"DOCUMENTATION\"\n"


def test_the_review_flags_an_international_burst_and_blocks_the_extension(hardened):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=30)
    calls = "".join(cdr_line(now + datetime.timedelta(seconds=20 * index), "205", f"01188216123456{index % 10}")
                    for index in range(12))
    hardened.run("mkdir -p /var/log/asterisk/cdr-csv")
    hardened.run(f"printf '%s' '{calls}' >> /var/log/asterisk/cdr-csv/Master.csv")
    since = hardened.check_output("date '+%Y-%m-%d %H:%M:%S'")
    assert hardened.run("systemctl start pbxguard-call-review.service").rc == 0
    journal = hardened.check_output(f"journalctl -u pbxguard-call-review.service --since '{since}' --no-pager -o cat")
    assert "high international extension 205" in journal and "high burst extension 205" in journal
    assert "blocked outbound calls of 205" in journal
    assert "205" in hardened.check_output("asterisk -rx 'database show pbxguard-blocked'")
    assert hardened.run("pbxguard-call-review --clear 205").rc == 0
    assert "205" not in hardened.check_output("asterisk -rx 'database show pbxguard-blocked'")


def test_a_restore_from_the_scheduled_backup_brings_back_a_deleted_file(hardened):
    archives = hardened.check_output("ls /var/backups/pbxguard").split()
    assert [name for name in archives if name.startswith("pbxguard-2")], archives
    assert hardened.file("/var/backups/pbxguard").mode == 0o700
    original = hardened.check_output("sha256sum /etc/asterisk/extensions.conf")
    hardened.run("rm /etc/asterisk/extensions.conf")
    assert not hardened.file("/etc/asterisk/extensions.conf").exists
    restore = hardened.run("pbxguard-restore -r /etc/asterisk/extensions.conf")
    assert restore.rc == 0, restore.stderr
    assert hardened.check_output("sha256sum /etc/asterisk/extensions.conf") == original
    # Reloaded: the extensions' context of the trunks role's dial plan is back.
    assert "Goto(pbxguard-refuse,blocked,1)" in hardened.check_output("asterisk -rx 'dialplan show from-internal'")
    # A path the archive does not hold is refused before anything is written.
    assert hardened.run("pbxguard-restore /etc/passwd").rc == 1


def test_patching_reads_the_reboot_policy_as_a_boolean(hardened):
    dump = hardened.check_output("apt-config dump Unattended-Upgrade")
    assert 'Unattended-Upgrade::Automatic-Reboot "true";' in dump
    assert 'origin=Debian,codename=${distro_codename},label=Debian";' not in dump  # only security updates
    assert 'APT::Periodic::Unattended-Upgrade "1";' in hardened.check_output("apt-config dump APT::Periodic")
