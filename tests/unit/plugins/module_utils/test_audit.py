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


def test_dialplan_show_lists_each_extension_with_its_steps():
    assert audit.shown_extensions(fixture("dialplan_show_two_routes.txt")) == [
        ("_1900NXXXXXX", [("Hangup", "")]), ("_X.", [("Dial", "PJSIP/${EXTEN}@itsp")])]
    assert audit.shown_extensions(SHOW["s@pbxguard-out-itsp"]) == [("s", [
        ("Set", "GROUP(pbxguard-trunk)=itsp"), ("GotoIf", "$[${GROUP_COUNT(itsp@pbxguard-trunk)} > 2]?full"),
        ("Dial", "PJSIP/${ARG1}@itsp"), ("Return", "next"), ("Return", "next")])]
    assert audit.shown_extensions("There is no existence of 2@from-internal extension\n") == []
    assert audit.shown_extensions("  '201' =>          hint: PJSIP/201          [extensions.conf:2]\n") == []


def test_jump_targets():
    assert audit.jump_targets("goto", "pbxguard-refuse,blocked,1", "c") == [("pbxguard-refuse", "blocked")]
    assert audit.jump_targets("goto", "outbound,1${EXTEN},1", "c") == [("outbound", "1${EXTEN}")]
    assert audit.jump_targets("gosub", "pbxguard-out-itsp,s,1(${EXTEN})", "c") == [("pbxguard-out-itsp", "s")]
    assert audit.jump_targets("gotoif", "$[${DB_EXISTS(x/${CALLERID(num)})}]?blocked:more,1", "c") == [("c", "more")]
    assert audit.jump_targets("gotoif", "$[1]?a,b,1:c,d,1", "c") == [("a", "b"), ("c", "d")]
    assert audit.jump_targets("dial", "PJSIP/201", "c") == []


# What Asterisk 22 prints for the trunks role's dial plan, one answer per question asked.
SHOW = {
    "011442079460000@from-internal": (
        "[ Context 'from-internal' created by 'pbx_config' ]\n"
        "  '_011ZXXXXXXXXX!' => 1. Gosub(pbxguard-extension-cap,s,1)     [pbxguard_trunks_extensions.conf:40]\n"
        "                    2. Goto(pbxguard-refuse,blocked,1)         [pbxguard_trunks_extensions.conf:41]\n"),
    "5551234567@from-internal": (
        "[ Context 'from-internal' created by 'pbx_config' ]\n"
        "  '_NXXNXXXXXX' =>  1. Gosub(pbxguard-extension-cap,s,1)      [pbxguard_trunks_extensions.conf:20]\n"
        "                    2. Goto(pbxguard-route-outbound,${EXTEN},1) [pbxguard_trunks_extensions.conf:21]\n"),
    "s@pbxguard-extension-cap": (
        "[ Context 'pbxguard-extension-cap' created by 'pbx_config' ]\n"
        "  's' =>            1. Set(GROUP(pbxguard-extension)=${CHANNEL(endpoint)}) [f:1]\n"
        "                    2. Gosub(pbxguard-extension-max,${CHANNEL(endpoint)},1) [f:2]\n"
        "                    3. GotoIf($[${GROUP_COUNT(${CHANNEL(endpoint)}@pbxguard-extension)} > ${GOSUB_RETVAL}]?full) [f:3]\n"
        "                    4. Return()                                [f:4]\n"
        "     [full]         5. Goto(pbxguard-refuse,extension-busy,1)  [f:5]\n"),
    "pbxguard-extension-max": (
        "[ Context 'pbxguard-extension-max' created by 'pbx_config' ]\n"
        "  '201' =>          1. Return(2)                               [f:7]\n"),
    "blocked@pbxguard-refuse": (
        "[ Context 'pbxguard-refuse' created by 'pbx_config' ]\n"
        "  'blocked' =>      1. Log(NOTICE,pbxguard: refused a blocked or unrouted destination) [f:9]\n"
        "                    2. Hangup(21)                              [f:10]\n"),
    "extension-busy@pbxguard-refuse": (
        "[ Context 'pbxguard-refuse' created by 'pbx_config' ]\n"
        "  'extension-busy' => 1. Hangup(34)                            [f:11]\n"),
    "5551234567@pbxguard-route-outbound": (
        "[ Context 'pbxguard-route-outbound' created by 'pbx_config' ]\n"
        "  '_NXXNXXXXXX' =>  1. Gosub(pbxguard-out-itsp,s,1(${EXTEN}))  [f:12]\n"
        "                    2. Goto(pbxguard-refuse,trunks-busy,1)     [f:13]\n"),
    "s@pbxguard-out-itsp": (
        "[ Context 'pbxguard-out-itsp' created by 'pbx_config' ]\n"
        "  's' =>            1. Set(GROUP(pbxguard-trunk)=itsp)         [f:14]\n"
        "                    2. GotoIf($[${GROUP_COUNT(itsp@pbxguard-trunk)} > 2]?full) [f:15]\n"
        "                    3. Dial(PJSIP/${ARG1}@itsp)                [f:16]\n"
        "                    4. Return(next)                            [f:17]\n"
        "     [full]         5. Return(next)                            [f:18]\n"),
}


def test_a_refused_destination_reaches_no_dial_through_every_branch():
    asked = []

    def show(what):
        asked.append(what)
        return SHOW.get(what, f"There is no existence of {what} extension\n")

    assert audit.follow(show, "from-internal", "011442079460000") == ("blocked", "")
    # The cap's subroutine, the extension's cap by a variable (the whole context), the refusals.
    assert "pbxguard-extension-max" in asked and "blocked@pbxguard-refuse" in asked
    assert audit.follow(show, "from-internal", "18765550100") == ("blocked", "")


def test_a_routed_number_reaches_the_trunks_dial_and_no_secret_is_shown():
    def show(what):
        return SHOW.get(what, "")

    assert audit.follow(show, "from-internal", "5551234567") == ("open", "'s' in [pbxguard-out-itsp] reaches Dial")
    wild = "  '_X.' =>          1. Dial(IAX2/user:Secret1@itsp/${EXTEN})   [extensions.conf:2]\n"
    assert audit.follow(lambda what: wild, "from-internal", "011442079460000") == (
        "open", "'_X.' in [from-internal] reaches Dial")


def test_jumps_that_cannot_be_followed_are_unknown_never_blocked():
    by_variable = "  '_X.' =>          1. Goto(${TARGET},${EXTEN},1)   [extensions.conf:2]\n"
    verdict = audit.follow(lambda what: by_variable, "from-internal", "011442079460000")
    assert verdict[0] == "unknown" and "${TARGET}" in verdict[1]
    loop = "  '_X.' =>          1. Goto(from-internal,1${EXTEN},1)   [extensions.conf:2]\n"
    verdict = audit.follow(lambda what: loop, "from-internal", "011442079460000")
    assert verdict[0] == "unknown" and verdict[1].startswith("more than 40 jumps")


def test_trunk_caps_the_dial_plan_enforces():
    steps = [("GotoIf", "$[${GROUP_COUNT(itsp@pbxguard-trunk)} > 2]?full"), ("Dial", "PJSIP/x@itsp"),
             ("GotoIf", "$[${GROUP_COUNT(peer@pbxguard-trunk)} > 4]?full")]
    assert audit.trunk_caps_enforced(steps) == {"itsp": 2, "peer": 4}
    assert audit.trunk_caps_enforced([("Dial", None)]) == {}


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
    assert audit.score_trunks({"itsp": 10, "backup": 2}, None)["detail"] == (
        "trunk(s) allowed more than 2 calls at once: itsp (10)")
    assert audit.score_trunks({"itsp": 2}, {"itsp": 2})["status"] == audit.PASS
    # The inventory says 2, the dial plan Asterisk loaded does not hold it to that.
    verdict = audit.score_trunks({"itsp": 2}, {})
    assert verdict["status"] == audit.FAIL and "enforces no channel cap on trunk(s) itsp" in verdict["detail"]
    verdict = audit.score_trunks({"itsp": 2}, {"itsp": 2, "other": 5})
    assert verdict["detail"] == "trunk(s) allowed more than 2 calls at once: other (5 in the dial plan)"
    assert audit.score_trunks({}, {})["status"] == audit.UNKNOWN
    assert audit.score_trunks({}, None)["status"] == audit.UNKNOWN


def test_wildcards():
    finding = {"kind": "wildcard", "pattern": "_X.", "context": "from-internal", "file": "/etc/asterisk/extensions.conf",
               "line": 2}
    verdict = audit.score_wildcards({"read": True, "message": "", "findings": [finding, {**finding, "kind": "parse-error"}]})
    assert verdict["status"] == audit.FAIL and "_X. in [from-internal]" in verdict["detail"]
    assert audit.score_wildcards({"read": True, "message": "", "findings": []})["status"] == audit.PASS
    assert audit.score_wildcards({"read": False, "message": "no dial plan", "findings": []})["status"] == audit.UNKNOWN


def test_wildcards_and_the_checkers_other_roads():
    road = {"kind": "outbound-from-inbound", "pattern": None, "context": "from-trunk", "file": "e.conf", "line": 9,
            "severity": "error"}
    verdict = audit.score_wildcards({"read": True, "message": "", "findings": [road]})
    assert verdict["status"] == audit.FAIL and "outbound-from-inbound in [from-trunk] (e.conf:9)" in verdict["detail"]
    unknown = {**road, "kind": "unknown-context"}
    assert audit.score_wildcards({"read": True, "message": "", "findings": [unknown]})["status"] == audit.PASS


def test_international_probe():
    blocked = {"context": "from-internal", "number": "19005550100", "verdict": ("blocked", "")}
    open_route = {"context": "from-internal", "number": "18765550100", "verdict": ("open", "'_1NXXNXXXXXX' in [x] reaches Dial")}
    unknown = {"context": "from-internal", "number": "011442079460000", "verdict": ("unknown", "a variable")}
    assert audit.score_international(True, [blocked])["status"] == audit.PASS
    verdict = audit.score_international(True, [blocked, open_route, unknown])
    assert verdict["status"] == audit.FAIL and "18765550100@from-internal: '_1NXXNXXXXXX' in [x] reaches Dial" in verdict["detail"]
    assert audit.score_international(True, [blocked, unknown]) == {
        "id": "international-blocked", "status": audit.UNKNOWN, "detail": "a variable"}
    assert audit.score_international(True, [])["status"] == audit.UNKNOWN


def test_call_review_timer():
    assert audit.score_call_review({"unit": "t", "active": False})["status"] == audit.FAIL
    assert audit.score_call_review({"unit": "t", "active": True, "last_result": "exit-code"})["status"] == audit.FAIL
    assert audit.score_call_review({"unit": "t", "active": True, "last_result": "success"})["status"] == audit.PASS


def test_score_gives_every_item_in_order():
    obs = {
        "apt": None, "asterisk_running": False, "asterisk_version": "", "secrets": [], "endpoints": [],
        "backups": {"dir": "/b", "count": 0, "newest": "", "age_hours": 0, "max_age_hours": 48},
        "trunk_caps": {}, "trunk_caps_enforced": None, "dialplan": {"read": False, "message": "m", "findings": []}, "probes": [],
        "nft": "", "iptables": "", "ip6tables": "", "fail2ban_running": False, "fail2ban_jails": [],
        "call_review_timer": {"unit": "t", "active": False, "last_result": ""},
    }
    results = audit.score(obs, RELEASES, TODAY)
    assert [entry["id"] for entry in results] == list(audit.ITEMS)
    assert {entry["status"] for entry in results} == {audit.FAIL, audit.UNKNOWN}
