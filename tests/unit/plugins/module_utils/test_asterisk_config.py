"""Reading Asterisk configuration as Asterisk does, and the PJSIP checks before and after a reload."""

from ansible_collections.pbxguard.hardening.plugins.module_utils._asterisk_config import (
    Config,
    check_loaded,
    check_pjsip,
    check_voicemail,
    strip_comment,
    with_block,
)

MARKER = "; {mark} pbxguard.hardening sip_extensions"
EXTENSION = {"number": "201", "endpoint": "201", "auth": "201-auth", "aor": "201", "max_contacts": 1,
             "permit": ["10.1.0.16/28", "fd00::20/126"]}
GOOD = """\
[t]
type=transport
protocol=udp
bind=0.0.0.0:5060

[201]
type=endpoint
auth=201-auth
aors=201
transport=t
deny=0.0.0.0/0.0.0.0
deny=::/0
permit=10.1.0.16/28
permit=fd00::20/126
contact_deny=0.0.0.0/0.0.0.0
contact_deny=::/0
contact_permit=10.1.0.16/255.255.255.240
contact_permit=fd00::20/126

[201-auth]
type=auth
username=201

[201]
type=aor
max_contacts=1
remove_existing=yes
"""


def config(tmp_path, files, candidates=None, blocks=None, main="pjsip.conf"):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    parsed = Config(str(tmp_path), candidates, blocks, MARKER)
    parsed.read(main)
    return parsed


def test_a_good_extension_has_no_problem(tmp_path):
    parsed = config(tmp_path, {"pjsip.conf": GOOD})
    assert parsed.problems == []
    assert check_pjsip(parsed, [EXTENSION]) == []


def test_comments():
    assert strip_comment("a=b ; note", False) == ("a=b", False)
    assert strip_comment(r"a=b\;c", False) == ("a=b;c", False)
    assert strip_comment(";------------;", False) == ("", False)
    assert strip_comment("x=1 ;-- start", False) == ("x=1", True)
    assert strip_comment("still -- end --; y=2", True) == ("y=2", False)


def test_includes_candidates_and_blocks(tmp_path):
    parsed = config(tmp_path, {"pjsip.conf": "[a]\ntype=global\n"}, candidates={"own.conf": GOOD},
                    blocks={"pjsip.conf": "#include own.conf"})
    assert parsed.files == ["pjsip.conf", "own.conf"]
    assert check_pjsip(parsed, [EXTENSION]) == []
    assert with_block("x\n", "#include own.conf", MARKER) == (
        "x\n; BEGIN pbxguard.hardening sip_extensions\n#include own.conf\n; END pbxguard.hardening sip_extensions\n")
    replaced = with_block(with_block("x\n", "old", MARKER) + "y\n", "new", MARKER)
    assert replaced.splitlines() == ["x", "; BEGIN pbxguard.hardening sip_extensions", "new",
                                     "; END pbxguard.hardening sip_extensions", "y"]


def test_appends_with_a_type_filter(tmp_path):
    text = GOOD.replace("max_contacts=1", "max_contacts=5") + "[201](+type=aor)\nmax_contacts=1\n[201](+type=endpoint)\nmailboxes=201\n"
    parsed = config(tmp_path, {"pjsip.conf": text})
    assert check_pjsip(parsed, [EXTENSION]) == []
    assert parsed.objects("endpoint")["201"][0].last("mailboxes") == "201"


def test_what_asterisk_would_refuse(tmp_path):
    parsed = config(tmp_path, {"pjsip.conf": "#include missing.conf\n[x](+)\na=b\nloose line\n[y](nope)\n"})
    assert parsed.problems == [
        "missing.conf: is #included but does not exist (Asterisk skips it)",
        "pjsip.conf:2: [x](+) appends to a category that does not exist (Asterisk drops the whole file)",
        "pjsip.conf:3: parse error: a before any [category]",
        "pjsip.conf:4: parse error: not a category, a directive or key = value",
        "pjsip.conf:5: [y] inherits from nope, which does not exist",
    ]


def test_broken_references_acls_and_limits(tmp_path):
    text = (GOOD.replace("auth=201-auth", "auth=201-auht").replace("transport=t", "transport=t2")
            .replace("max_contacts=1", "").replace("permit=10.1.0.16/28\n", "permit=10.1.0.0/24\n")
            .replace("contact_deny=::/0\n", "")
            + "[t6]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n[anonymous]\ntype=endpoint\n")
    problems = check_pjsip(config(tmp_path, {"pjsip.conf": text}), [EXTENSION])
    assert problems == [
        "transport t6 binds udp 0.0.0.0:5060 like transport t; Asterisk loads only one of them: remove the other",
        "endpoint anonymous exists: it takes calls from anyone who does not authenticate; remove it",
        "endpoint 201: auth=201-auht, but no auth 201-auht exists",
        "endpoint 201: transport=t2, but no transport t2 exists",
        "endpoint 201: auth is 201-auht, not the auth 201-auth it needs",
        "aor 201: max_contacts is None, not 1 (0, the default, refuses every phone)",
        "endpoint 201: the endpoint ACL permits ['10.1.0.0/24'] over IPv4, not ['10.1.0.16/28']",
        "endpoint 201: the contact ACL does not deny every IPv6 address (contact_deny=::/0)",
    ]


def test_a_deny_all_after_the_permits_cancels_them(tmp_path):
    text = GOOD.replace("contact_permit=fd00::20/126\n", "contact_permit=fd00::20/126\ncontact_deny=0.0.0.0/0\n")
    problems = check_pjsip(config(tmp_path, {"pjsip.conf": text}), [EXTENSION])
    assert problems == ["endpoint 201: the contact ACL permits nothing over IPv4, not ['10.1.0.16/28']"]


SHOWN = {
    "endpoints": (" Endpoint:  <Endpoint/CID.....>  <State.....>  <Channels.>\n"
                  " Endpoint:  201/201   Unavailable   0 of inf\n     InAuth:  201-auth/201\n"),
    "aors": "      Aor:  <Aor....>  <MaxContact>\n      Aor:  201      2\n",
    "auths": "  I/OAuth:  <AuthId/UserName....>\n     Auth:  201-auth/201\n",
    "transports": "Transport:  <TransportId..>  <Type>\nTransport:  pbxguard-udp   udp   0   0  0.0.0.0:5060\n",
}


def test_what_asterisk_loaded():
    assert check_loaded(SHOWN, [EXTENSION], ["pbxguard-udp", "pbxguard-tcp"]) == [
        "aor 201 has max_contacts 2, not 1",
        "Asterisk did not load transport pbxguard-tcp",
    ]
    assert check_loaded({}, [EXTENSION], []) == [
        "Asterisk did not load endpoint 201", "Asterisk did not load auth 201-auth", "Asterisk did not load aor 201"]


SAMPLE = "1234 => 4242,Example Mailbox,root@localhost"
VOICEMAIL = f"""\
[general]
maxlogins=3
[zonemessages]
eastern=America/New_York|'vm-received' Q 'digits/at' IMp
[default]
{SAMPLE}
2001 => 1111,Weak
2002 => -5839204716,Strong and fixed
[other]
201 => 1234,Weak too
[myaliases]
1234@devices => 1234@default
#include own.conf
"""
OWN = "[default](+)\n201 => 58392047,Extension 201\n"


def voicemail(tmp_path, numbers, disabled=(SAMPLE,)):
    parsed = config(tmp_path, {"voicemail.conf": VOICEMAIL, "own.conf": OWN}, main="voicemail.conf")
    return check_voicemail(parsed, numbers, "default", "own.conf", disabled, 8)


def test_mailboxes_outside_the_role_file_with_weak_pins_are_named_never_their_pins(tmp_path):
    problems, weak = voicemail(tmp_path, ["201"])
    assert problems == []
    assert weak == ["voicemail.conf:7: mailbox 2001@default", "voicemail.conf:10: mailbox 201@other"]
    assert not any("1111" in line or "1234 " in line for line in weak)


def test_a_mailbox_before_the_role_file_would_keep_its_own_pin(tmp_path):
    problems, _weak = voicemail(tmp_path, ["201", "2001"])
    assert len(problems) == 1
    assert problems[0].startswith("voicemail.conf:7: mailbox 2001@default is defined before the role's")
    assert "sip_extensions_voicemail_context" in problems[0]


def test_a_sample_mailbox_the_role_does_not_disable_counts_as_weak_or_shadowing(tmp_path):
    assert voicemail(tmp_path, ["201"], disabled=())[1][0] == "voicemail.conf:6: mailbox 1234@default"
    problems, _weak = voicemail(tmp_path, ["1234"], disabled=())
    assert [line.split(" is ")[0] for line in problems] == ["voicemail.conf:6: mailbox 1234@default"]
