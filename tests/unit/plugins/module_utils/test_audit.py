"""_audit: the parsers of what Asterisk, apt, nft and fail2ban print, and each item's verdict.

The pjsip and dialplan fixtures in tests/unit/plugins/fixtures/audit/ are Asterisk 22.10's
own output (captured from the test image); the others are written in the tools' formats.
"""

import datetime
from pathlib import Path

import pytest
import yaml

from ansible_collections.pbxguard.hardening.plugins.module_utils import _audit as audit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"
ROLE_FILES = Path(__file__).resolve().parents[4] / "roles" / "audit" / "files"
TODAY = datetime.date(2026, 12, 1)
RELEASES = {"date": "2026-11-30", "branches": [
    {"branch": 18, "security_fixes_until": "2025-10-20"},
    {"branch": 20, "security_fixes_until": "2027-10-16"},
    {"branch": 22, "security_fixes_until": "2029-10-16"},
]}


def fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_the_checklist_names_every_scored_item_and_the_person_items():
    checklist = yaml.safe_load((ROLE_FILES / "checklist.yml").read_text(encoding="utf-8"))
    machine = [item["id"] for item in checklist["items"] if item["who"] == "machine"]
    person = [item["id"] for item in checklist["items"] if item["who"] == "person"]
    assert tuple(machine) == audit.ITEMS
    assert person == ["provider-recharge", "security-feeds"]


def test_the_shipped_release_data_has_its_date_and_a_supported_branch():
    releases = yaml.safe_load((ROLE_FILES / "asterisk_releases.yml").read_text(encoding="utf-8"))
    assert datetime.date.fromisoformat(releases["date"]) <= datetime.date.today()
    assert audit.supported_branches(releases, datetime.date.fromisoformat(releases["date"]))


def test_pjsip_listings_and_objects():
    assert audit.listed_objects(fixture("pjsip_show_endpoints.txt"), "Endpoint") == ["201", "202"]
    assert audit.listed_objects(fixture("pjsip_show_auths.txt"), "Auth") == ["201", "202"]
    with_acl = audit.object_fields(fixture("pjsip_show_endpoint_acl.txt"))
    assert (with_acl["acl"], with_acl["contact_acl"], with_acl["auth"], with_acl["context"]) == (
        "deny/permit", "deny/permit", "202", "from-internal")
    assert audit.object_fields(fixture("pjsip_show_endpoint_open.txt"))["acl"] == ""
    auth = audit.object_fields(fixture("pjsip_show_auth.txt"))
    assert (auth["auth_type"], auth["username"], auth["password"]) == ("userpass", "201", "1234")


def test_dialplan_route_is_the_first_one_asterisk_lists():
    assert audit.route(fixture("dialplan_show_two_routes.txt")) == ("_1900NXXXXXX", "Hangup", "")
    assert audit.route("  '_X.' =>          1. Dial(PJSIP/${EXTEN}@itsp,30,T(x))   [extensions.conf:2]\n") == (
        "_X.", "Dial", "PJSIP/${EXTEN}@itsp,30,T(x)")
    assert audit.route("There is no existence of 2@from-internal extension\n") is None


def test_versions():
    assert audit.asterisk_version("Asterisk 22.10.1+dfsg+~cs6.17-1 built by nobody") == (22, 10)
    assert audit.asterisk_version("Asterisk certified/20.7-cert5 built by") == (20, 7)
    assert audit.asterisk_version("Unable to connect to remote asterisk") is None
    assert audit.asterisk_version(None) is None


def test_apt_simulation():
    text = ("Inst libssl3t64 [3.5.1-1] (3.5.4-1 Debian-Security:13/stable-security [amd64])\n"
            "Inst asterisk [22.10.1-1] (22.10.2-1 Debian:unstable [amd64])\n"
            "Conf libssl3t64 (3.5.4-1 Debian-Security:13/stable-security [amd64])\n")
    assert audit.apt_pending(text) == [
        {"name": "libssl3t64", "version": "3.5.4-1", "security": True},
        {"name": "asterisk", "version": "22.10.2-1", "security": False},
    ]


NFT_DROP = """table inet pbxguard {
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tct state established,related accept
\t}
}
"""
NFT_ACCEPT = "table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n"


@pytest.mark.parametrize(("nft", "v4", "v6", "status"), [
    (NFT_DROP, "", "", audit.PASS),
    (NFT_ACCEPT, "", "", audit.FAIL),
    (NFT_ACCEPT.replace("accept;", "drop;"), "", "", audit.FAIL),  # IPv4 only
    (NFT_ACCEPT.replace("accept;", "drop;") + NFT_ACCEPT.replace("ip filter", "ip6 filter").replace("accept;", "drop;"),
     "", "", audit.PASS),
    ("", "-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n", "-P INPUT DROP\n", audit.PASS),
    ("", "-P INPUT DROP\n", "-P INPUT ACCEPT\n", audit.FAIL),
    ("", "", "", audit.FAIL),
])
def test_firewall_default_deny(nft, v4, v6, status):
    assert audit.score_firewall(nft, v4, v6)["status"] == status


def test_fail2ban_needs_a_jail_for_asterisk():
    status = "Status\n|- Number of jail:\t2\n`- Jail list:\tpbxguard-asterisk, pbxguard-sshd\n"
    assert audit.fail2ban_jails(status) == ["pbxguard-asterisk", "pbxguard-sshd"]
    assert audit.score_fail2ban(True, audit.fail2ban_jails(status))["status"] == audit.PASS
    assert audit.score_fail2ban(True, ["sshd"])["status"] == audit.FAIL
    assert audit.score_fail2ban(False, [])["detail"] == "the fail2ban server is not running"


def test_voicemail_pins_and_includes():
    text = ("[general]\nmaxlogins=3\n[zonemessages]\neastern => America/New_York|'vm-received'\n"
            "[default]\n1234 => 4242,Example Mailbox,root@localhost ; Debian's example\n"
            "201 => -58203917,Extension 201\n#include \"pbxguard_voicemail.conf\"\n")
    assert audit.voicemail_pins(text) == [("default", "1234", "4242"), ("default", "201", "58203917")]
    assert audit.included_files(text) == ["pbxguard_voicemail.conf"]


def test_updates_unknown_without_fresh_lists():
    assert audit.score_updates(None)["status"] == audit.UNKNOWN
    old = audit.score_updates({"lists_age_days": 30, "max_age_days": 7, "pending": []})
    assert old["status"] == audit.UNKNOWN and "30 days old" in old["detail"]
    assert audit.score_updates({"lists_age_days": 0, "max_age_days": 7, "pending": []})["status"] == audit.PASS
    pending = audit.score_updates({"lists_age_days": 1, "max_age_days": 7, "pending": [
        {"name": "asterisk", "version": "1", "security": True}]})
    assert pending["status"] == audit.FAIL
    assert pending["detail"] == "1 update(s) pending, 1 of them security updates; Asterisk among them (asterisk): asterisk"


@pytest.mark.parametrize(("version", "today", "status", "words"), [
    ("Asterisk 22.10.1", TODAY, audit.PASS, "oldest such branch 20"),
    ("Asterisk 18.26.0", TODAY, audit.FAIL, "supported branches 20, 22"),
    ("Asterisk 20.15.0", datetime.date(2027, 10, 17), audit.FAIL, "supported branches 22"),
    ("", TODAY, audit.UNKNOWN, "not running"),
    ("Asterisk 22.10.1", datetime.date(2028, 1, 5), audit.UNKNOWN, "update the collection"),
])
def test_asterisk_branch(version, today, status, words):
    verdict = audit.score_asterisk(version, RELEASES, today)
    assert verdict["status"] == status and words in verdict["detail"]


def test_backups():
    base = {"dir": "/var/backups/pbxguard", "max_age_hours": 48}
    assert audit.score_backups({**base, "count": 0, "newest": "", "age_hours": 0})["status"] == audit.FAIL
    assert audit.score_backups({**base, "count": 3, "newest": "a.tar.gz", "age_hours": 50})["status"] == audit.FAIL
    assert audit.score_backups({**base, "count": 3, "newest": "a.tar.gz", "age_hours": 2})["status"] == audit.PASS


def test_secrets_name_the_weak_ones_never_their_values():
    weak = {"kind": "SIP secret", "name": "201", "ok": False, "problems": ["is mostly common words"]}
    strong = {"kind": "voicemail PIN", "name": "202@default", "ok": True, "problems": []}
    verdict = audit.score_secrets(True, [weak, strong])
    assert verdict == {"id": "secrets-strong", "status": audit.FAIL,
                       "detail": "1 of 2 weak: SIP secret of 201 is mostly common words"}
    assert audit.score_secrets(True, [strong])["status"] == audit.PASS
    assert audit.score_secrets(False, [])["status"] == audit.UNKNOWN


def test_acl_on_extensions_only():
    endpoints = [{"name": "201", "auth": "201", "acl": ""}, {"name": "202", "auth": "202", "acl": "deny/permit"},
                 {"name": "itsp", "auth": "", "acl": ""}]
    verdict = audit.score_acl(True, endpoints)
    assert verdict["status"] == audit.FAIL and verdict["detail"].endswith(": 201")
    assert audit.score_acl(True, endpoints[1:])["status"] == audit.PASS


def test_trunk_caps():
    assert audit.score_trunks({"itsp": 10, "backup": 2})["detail"] == (
        "trunk(s) allowed more than 2 calls at once: itsp (10)")
    assert audit.score_trunks({"itsp": 2})["status"] == audit.PASS
    assert audit.score_trunks({})["status"] == audit.UNKNOWN


def test_wildcards():
    finding = {"kind": "wildcard", "pattern": "_X.", "context": "from-internal", "file": "/etc/asterisk/extensions.conf",
               "line": 2}
    verdict = audit.score_wildcards({"read": True, "message": "", "findings": [finding, {**finding, "kind": "parse-error"}]})
    assert verdict["status"] == audit.FAIL and "_X. in [from-internal]" in verdict["detail"]
    assert audit.score_wildcards({"read": True, "message": "", "findings": []})["status"] == audit.PASS
    assert audit.score_wildcards({"read": False, "message": "no dial plan", "findings": []})["status"] == audit.UNKNOWN


def test_international_probe():
    blocked = {"context": "from-internal", "number": "19005550100", "route": ("_1900NXXXXXX", "Hangup", "")}
    missing = {"context": "from-internal", "number": "011442079460000", "route": None}
    open_route = {"context": "from-internal", "number": "18765550100", "route": ("_1NXXNXXXXXX", "Dial", "PJSIP/x")}
    assert audit.score_international(True, [blocked, missing])["status"] == audit.PASS
    verdict = audit.score_international(True, [blocked, open_route])
    assert verdict["status"] == audit.FAIL and "18765550100@from-internal -> '_1NXXNXXXXXX' Dial" in verdict["detail"]
    assert audit.score_international(True, [])["status"] == audit.UNKNOWN


def test_call_review_timer():
    assert audit.score_call_review({"unit": "t", "active": False})["status"] == audit.FAIL
    assert audit.score_call_review({"unit": "t", "active": True, "last_result": "exit-code"})["status"] == audit.FAIL
    assert audit.score_call_review({"unit": "t", "active": True, "last_result": "success"})["status"] == audit.PASS


def test_score_gives_every_item_in_order():
    obs = {
        "apt": None, "asterisk_running": False, "asterisk_version": "", "secrets": [], "endpoints": [],
        "backups": {"dir": "/b", "count": 0, "newest": "", "age_hours": 0, "max_age_hours": 48},
        "trunk_caps": {}, "dialplan": {"read": False, "message": "m", "findings": []}, "probes": [],
        "nft": "", "iptables": "", "ip6tables": "", "fail2ban_running": False, "fail2ban_jails": [],
        "call_review_timer": {"unit": "t", "active": False, "last_result": ""},
    }
    results = audit.score(obs, RELEASES, TODAY)
    assert [entry["id"] for entry in results] == list(audit.ITEMS)
    assert {entry["status"] for entry in results} == {audit.FAIL, audit.UNKNOWN}
