"""_dialplan: the parser (every syntax form), the checker (each finding on the fixture
dial plans, reachability through includes and jumps) and hostile input."""

import time
from pathlib import Path

import pytest

from ansible_collections.pbxguard.hardening.plugins.module_utils import _dialplan
from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import (
    check_path,
    check_texts,
    parse_texts,
    pattern_is_safe,
    pattern_is_unbounded,
    split_top,
    strip_comments,
    tainted_references,
    validate_entry_points,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialplan"
ENTRY_POINTS = {
    "extensions": ["from-internal"],
    "trunks": ["from-trunk"],
    "inbound": ["from-trunk"],
    "outbound_routes": ["outbound-allowed"],
}


def parse(text, name="extensions.conf"):
    return parse_texts({name: text})


def entries(plan, context):
    return [(e.pattern, e.callerid, e.priority, e.label, e.app, e.data, e.line) for e in plan.contexts[context].entries]


def kinds(findings):
    return [(item["kind"], item["line"], item["context"], item["pattern"]) for item in findings]


def check(text, **points):
    return check_texts({"extensions.conf": text}, points)


# Lexing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, depth, expected",
    [
        ("exten => 1,1,NoOp(a) ; a comment", 0, ("exten => 1,1,NoOp(a) ", 0)),
        ("; only a comment", 0, ("", 0)),
        (r"exten => 1,1,NoOp(a\;b) ; c", 0, ("exten => 1,1,NoOp(a;b) ", 0)),
        ("exten => 1,1 ;-- block starts", 0, ("exten => 1,1 ", 1)),
        ("still inside ; a lone semicolon", 1, ("", 1)),
        ("ends here --; exten => 2,1,NoOp()", 1, (" exten => 2,1,NoOp()", 0)),
        ("a ;-- one --; b ;-- two --; c", 0, ("a  b  c", 0)),
        (";-- ;-- nested --; still --; after", 0, (" after", 0)),
        ("x ;--- three dashes are a plain comment", 0, ("x ", 0)),
    ],
)
def test_comments(line, depth, expected):
    assert strip_comments(line, depth) == expected


def test_split_top_keeps_nested_arguments_together():
    assert split_top('PJSIP/${FILTER(0-9,${EXTEN})}@p,30,"a,b",[x,y]', ",") == [
        "PJSIP/${FILTER(0-9,${EXTEN})}@p", "30", '"a,b"', "[x,y]",
    ]
    assert split_top(r"a\,b,c", ",") == [r"a\,b", "c"]
    assert split_top("a?b:c?d", "?", 1) == ["a", "b:c?d"]


# Parsing ------------------------------------------------------------------------------------


def test_every_statement_form():
    plan = parse(
        "[general]\n"
        "static=yes\n"
        "[globals]\n"
        "TRUNK=PJSIP/provider\n"
        "[from-internal]\n"
        "exten => 201,1,Dial(PJSIP/201,30)\n"
        " same => n(busy),VoiceMail(201@default,b)\n"
        "same=>n+1,Hangup\n"
        "exten = _1NXXNXXXXXX/_2XX,1(start),Set(CALLERID(num)=5551234)\n"
        "EXTEN => 201,hint,PJSIP/201\n"
        "exten => _[2-4]X,1,NoOp(a,b)\n"
        "include => internal-numbers\n"
        "include => after-hours,18:00-08:00,mon-fri,*,*\n"
        "include => daytime|09:00-17:00\n"
        "ignorepat => 9\n"
        "switch => Realtime/ctx@table\n"
    )
    assert set(plan.contexts) == {"from-internal"}
    assert entries(plan, "from-internal") == [
        ("201", None, "1", None, "Dial", "PJSIP/201,30", 6),
        ("201", None, "n", "busy", "VoiceMail", "201@default,b", 7),
        ("201", None, "n", None, "Hangup", "", 8),
        ("_1NXXNXXXXXX", "_2XX", "1", "start", "Set", "CALLERID(num)=5551234", 9),
        ("201", None, "hint", None, "PJSIP/201", "", 10),
        ("_[2-4]X", None, "1", None, "NoOp", "a,b", 11),
    ]
    assert [(i.target, i.line) for i in plan.contexts["from-internal"].includes] == [
        ("internal-numbers", 12), ("after-hours", 13), ("daytime", 14),
    ]
    assert plan.problems == []


def test_pattern_with_a_comma_in_brackets_is_one_pattern():
    plan = parse("[c]\nexten => _[1,2]XX,1,NoOp()\n")
    assert entries(plan, "c")[0][0] == "_[1,2]XX"


def test_application_data_runs_to_the_last_parenthesis():
    plan = parse("[c]\nexten => 1,1,Set(X=${IF($[${A}=1]?a:b)})\nexten => 2,1,Answer\n")
    assert [(app, data) for _p, _c, _pr, _l, app, data, _n in entries(plan, "c")] == [
        ("Set", "X=${IF($[${A}=1]?a:b)}"), ("Answer", ""),
    ]


def test_escaped_semicolon_reaches_the_application():
    plan = parse("[c]\nexten => 1,1,System(echo a\\;b) ; comment\n")
    assert entries(plan, "c")[0][5] == "echo a;b"


def test_block_comment_hides_lines():
    plan = parse("[c]\n;-- exten => _X.,1,Dial(PJSIP/${EXTEN})\nexten => _.,1,NoOp()\n--;\nexten => 1,1,NoOp()\n")
    assert entries(plan, "c") == [("1", None, "1", None, "NoOp", "", 5)]


def test_templates_are_copied_and_are_no_contexts():
    plan = parse(
        "[base](!)\n"
        "exten => i,1,Hangup()\n"
        "include => common\n"
        "[live]\n"
        "exten => 1,1,NoOp()\n"
        "[office](base,live)\n"
        "exten => 2,1,NoOp()\n"
        "[tmpl](!)\n"
        "[tmpl](+)\n"
        "exten => t,1,Hangup()\n"
        "[later](tmpl)\n"
    )
    assert set(plan.contexts) == {"live", "office", "later"}
    assert plan.problems == []
    assert set(plan.templates) == {"base", "tmpl"}
    assert [(e.pattern, e.line) for e in plan.contexts["office"].entries] == [("i", 2), ("1", 5), ("2", 7)]
    assert [i.target for i in plan.contexts["office"].includes] == ["common"]
    assert [(e.pattern, e.line) for e in plan.contexts["later"].entries] == [("t", 10)]


def test_same_after_a_template_continues_its_last_extension():
    plan = parse("[t](!)\nexten => s,1,Answer()\n[c](t)\nsame => n,Hangup()\n")
    assert [(e.pattern, e.priority) for e in plan.contexts["c"].entries] == [("s", "1"), ("s", "n")]


def test_a_context_written_twice_or_added_to_is_one_context():
    plan = parse("[c]\nexten => 1,1,NoOp()\n[d]\n[c]\nexten => 2,1,NoOp()\n[c](+)\nsame => n,Hangup()\n")
    assert [(e.pattern, e.line) for e in plan.contexts["c"].entries] == [("1", 2), ("2", 5), ("2", 7)]
    assert plan.contexts["c"].line == 1


def test_include_files_relative_to_the_including_file():
    plan = parse_texts({
        "/etc/asterisk/extensions.conf": '[a]\nexten => 1,1,NoOp()\n#include "custom/extra.conf"\nexten => 2,1,NoOp()\n',
        "/etc/asterisk/custom/extra.conf": "#tryinclude <not-there.conf>\n[b]\nexten => 3,1,NoOp()\n#include ../tail.conf\n",
        "/etc/asterisk/tail.conf": "exten => 4,1,NoOp()\n",
    })
    assert plan.files == ["/etc/asterisk/extensions.conf", "/etc/asterisk/custom/extra.conf", "/etc/asterisk/tail.conf"]
    # After an #include the last context of the included file carries on, as in Asterisk.
    assert [e.pattern for e in plan.contexts["a"].entries] == ["1"]
    assert [(e.pattern, e.file) for e in plan.contexts["b"].entries] == [
        ("3", "/etc/asterisk/custom/extra.conf"), ("4", "/etc/asterisk/tail.conf"), ("2", "/etc/asterisk/extensions.conf"),
    ]
    assert plan.problems == []


def test_include_with_a_glob():
    plan = parse_texts({
        "extensions.conf": "#include extensions_*.conf\n",
        "extensions_b.conf": "[b]\n",
        "extensions_a.conf": "[a]\n",
    })
    assert plan.files == ["extensions.conf", "extensions_a.conf", "extensions_b.conf"]


def test_include_on_disk_follows_a_chain_with_a_loop():
    findings, files = check_path(str(FIXTURES / "chain_a.conf"), {"extensions": ["ring-a"]})
    assert [Path(name).name for name in files] == ["chain_a.conf", "chain_b.conf", "chain_c.conf"]
    loop = [item for item in findings if item["kind"] == "include-loop"]
    assert len(loop) == 1 and loop[0]["file"].endswith("chain_c.conf") and loop[0]["line"] == 1
    assert loop[0]["message"].startswith("#include chain_a.conf loops (")
    # ring-a includes ring-b includes ring-c includes ring-a: the loop ends, ring-c's wildcard is found.
    wildcard = [item for item in findings if item["kind"] == "wildcard"]
    assert [(item["context"], item["pattern"], item["path"]) for item in wildcard] == [
        ("ring-c", "_9X.", ["ring-a", "ring-b", "ring-c"]),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("exten => 1,1,NoOp()\n", "'exten => 1,1,NoOp()' is outside any context"),
        ("[c]\nwhat is this\n", "'what is this' is neither a context header, a directive nor a 'name => value' line"),
        ("[c]\nsame => n,NoOp()\n", "same => has no exten => before it in [c]"),
        ("[c]\nexten => 1,n,NoOp()\n", "priority n cannot be the first one of [c]"),
        ("[c]\nexten => 1\n", "'exten => 1' has no priority"),
        ("[c]\nexten => 1,,NoOp()\n", "priority '' is not a number, n, s, hint or a label"),
        ("[c]\nexten => ,1,NoOp()\n", "'exten => ,1,NoOp()' has no extension pattern"),
        ("[c]\ninclude =>\n", "include => needs a context name"),
        ("[c]\nfoo => bar\n", "unknown statement 'foo' in [c]"),
        ("[]\n", "'[]' is not a context header like [name] or [name](options)"),
        ("[c](missing)\n", "[c] inherits from missing, which is not defined before it"),
        ("[c](+)\n", "[c](+) adds to a context that is not defined before it"),
        ("#exec /bin/date\n", "#exec /bin/date is not run by the checker; what it prints is not checked"),
        ("#define x\n", "unknown directive '#define x'"),
        ("#include\n", "#include needs a file name"),
    ],
)
def test_parse_errors(text, message):
    problems = parse(text).problems
    assert [(p["kind"], p["severity"], p["message"]) for p in problems] == [("parse-error", "warning", message)]


# Patterns and tainted values ----------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["_X.", "_.", "_!", "_X!", "_011.", "_9011X.", "_[0-9].", "_ZXX."])
def test_unbounded_patterns(pattern):
    assert pattern_is_unbounded(pattern)


@pytest.mark.parametrize("pattern", ["_NXXNXXXXXX", "_1NXXNXXXXXX", "_1800NXXXXXX", "911", "s", "_[.!]XX", "hangup."])
def test_bounded_patterns(pattern):
    assert not pattern_is_unbounded(pattern)


@pytest.mark.parametrize("pattern, safe", [
    ("_NXXNXXXXXX", True), ("201", True), ("s", True), ("_[2-4]X", True), ("_1-NXX-XXXX", True),
    ("_X.", False), ("_[&]X", False), ("a&b", False), ("_[0-9", False),
])
def test_safe_patterns(pattern, safe):
    assert pattern_is_safe(pattern) is safe


def test_tainted_references_know_their_enclosing_functions():
    text = "a ${EXTEN} ${EXTEN:1} ${FILTER(0-9,${EXTEN})} ${SHELL(x ${CALLERID(num)})} {${EXTENSION}}"
    assert tainted_references(text) == [
        ("${EXTEN}", "EXTEN", ()),
        ("${EXTEN:1}", "EXTEN", ()),
        ("${EXTEN}", "EXTEN", ("FILTER",)),
        ("${CALLERID(num)}", "CALLERID", ("SHELL",)),
    ]


# The checker --------------------------------------------------------------------------------


def test_every_finding_on_the_toll_fraud_fixture():
    findings, _files = check_path(str(FIXTURES / "toll_fraud.conf"), ENTRY_POINTS)
    assert kinds(findings) == [
        ("unfiltered-exten", 23, "outbound-allowed", "_011."),
        ("wildcard", 23, "outbound-allowed", "_011."),
        ("wildcard", 27, "from-trunk", "_X."),
        ("unresolved-jump", 28, "from-trunk", "5551234"),
        ("disa-without-pin", 34, "ivr", "8"),
        ("outbound-from-inbound", 34, "ivr", None),
        ("unfiltered-exten", 35, "ivr", "7"),
        ("unfiltered-exten", 38, "night-service", "s"),
        ("disa-without-pin", 42, "maintenance", "1"),
    ]
    by_kind = {}
    for item in findings:
        by_kind.setdefault(item["kind"], []).append(item)
    assert {item["severity"] for item in findings if item["kind"] != "unresolved-jump"} == {"error"}
    assert by_kind["unresolved-jump"][0]["severity"] == "warning"
    assert by_kind["unresolved-jump"][0]["message"] == "cannot tell where this jumps: the context ${DEST} is a variable"
    assert [item["message"] for item in by_kind["unfiltered-exten"]] == [
        "${EXTEN} reaches Dial() without FILTER()",
        "${CALLERID(num)} reaches System() without FILTER()",
        "${CALLERID(name)} reaches SHELL() without FILTER()",
    ]
    assert by_kind["wildcard"][1]["message"] == (
        "_X. matches numbers of any length and is reachable from the trunk context from-trunk;"
        " spell out the numbers it may dial, like _NXXNXXXXXX"
    )
    assert by_kind["wildcard"][0]["path"] == ["from-internal", "outbound-allowed"]
    assert by_kind["outbound-from-inbound"][0]["message"] == (
        "outbound route outbound-allowed is reachable from inbound context from-trunk"
        " (from-trunk -> ivr -> outbound-allowed): a caller from outside can dial out through it"
    )
    assert [item["message"] for item in by_kind["disa-without-pin"]] == [
        "DISA(no-password) lets any caller who reaches it dial out",
        "DISA() without a password lets any caller who reaches it dial out",
    ]
    assert {item["file"] for item in findings} == {str(FIXTURES / "toll_fraud.conf")}
    assert set(findings[0]) == {"kind", "severity", "file", "line", "context", "pattern", "message", "path"}


def test_clean_nanp_dial_plan_has_no_finding():
    findings, _files = check_path(str(FIXTURES / "clean.conf"), ENTRY_POINTS)
    assert findings == []


def test_wildcards_only_count_where_a_phone_or_trunk_reaches():
    text = "[from-internal]\nexten => 1,1,NoOp()\n[unused]\nexten => _X.,1,NoOp()\n"
    assert check(text, extensions=["from-internal"]) == []
    assert kinds(check(text, trunks=["unused"])) == [("wildcard", 4, "unused", "_X.")]


@pytest.mark.parametrize(
    "jump",
    [
        "Goto(target,s,1)",
        "Goto(target,${EXTEN},1)",
        "GotoIf($[${X} = 1]?target,s,1:other,s,1)",
        "GotoIf($[${X} = 1]?1:target,s,1)",
        "GotoIfTime(08:00-17:00,mon-fri,*,*?target,s,1)",
        "Gosub(target,s,1(${EXTEN},a))",
        "GosubIf($[1]?target,s,1(a):2)",
        "Dial(Local/${EXTEN}@target/n,30)",
        "Dial(PJSIP/201&Local/1@target)",
        "ExecIf($[1]?Goto(target,s,1))",
        "Exec(Gosub(target,s,1))",
        "DISA(/etc/asterisk/disa.pass,target)",
    ],
)
def test_jumps_make_their_target_reachable(jump):
    text = f"[from-internal]\nexten => 1,1,{jump}\n[target]\nexten => _X.,1,NoOp()\n[other]\n"
    assert kinds(check(text, extensions=["from-internal"])) == [("wildcard", 4, "target", "_X.")]


def test_macro_and_local_without_context():
    text = (
        "[from-internal]\nexten => 1,1,Macro(dialout,${EXTEN})\nexten => 2,1,MacroIf($[1]?other)\nexten => 3,1,Dial(Local/5)\n"
        "[macro-dialout]\nexten => _X.,1,NoOp()\n[macro-other]\nexten => _X!,1,NoOp()\n[default]\nexten => _.,1,NoOp()\n"
    )
    assert kinds(check(text, extensions=["from-internal"])) == [
        ("wildcard", 6, "macro-dialout", "_X."), ("wildcard", 8, "macro-other", "_X!"), ("wildcard", 10, "default", "_."),
    ]


def test_jumps_inside_the_current_context_and_hints_reach_nothing():
    text = "[from-internal]\nexten => 1,1,Goto(2,1)\nexten => 2,1,Goto(1)\nexten => 3,hint,Local/1@target\n[target]\nexten => _X.,1,NoOp()\n"
    assert check(text, extensions=["from-internal"]) == []


@pytest.mark.parametrize(
    "jump, reason",
    [
        ("Goto(${DEST},s,1)", "the context ${DEST} is a variable"),
        ("Goto(${DEST})", "${DEST} may name a context"),
        ("GosubIf($[1]?sub-${X},s,1)", "the context sub-${X} is a variable"),
        ("Macro(${M})", "the macro ${M} is a variable"),
        ("Dial(Local/1@${CTX})", "Local channel Local/1@${CTX} names its context with a variable"),
        ("DISA(/etc/disa.pass,${CTX})", "DISA's context ${CTX} is a variable"),
    ],
)
def test_unresolved_jumps_are_warnings(jump, reason):
    findings = check(f"[c]\nexten => 1,1,{jump}\n")
    assert [(f["kind"], f["severity"], f["message"]) for f in findings] == [
        ("unresolved-jump", "warning", f"cannot tell where this jumps: {reason}"),
    ]


def test_include_of_a_variable_is_unresolved():
    findings = check("[c]\ninclude => ${CTX}\n")
    assert [(f["kind"], f["line"], f["message"]) for f in findings] == [
        ("unresolved-jump", 2, "cannot tell where this jumps: include => ${CTX} names its context with a variable"),
    ]


@pytest.mark.parametrize(
    "app, message",
    [
        ("Dial(PJSIP/${EXTEN}@provider)", "${EXTEN} reaches Dial() without FILTER()"),
        ("Dial(PJSIP/${EXTEN:1}@provider)", "${EXTEN:1} reaches Dial() without FILTER()"),
        ("Dial(PJSIP/201,30,f(${CALLERID(num)}))", "${CALLERID(num)} reaches Dial() without FILTER()"),
        ("TrySystem(echo ${EXTEN})", "${EXTEN} reaches TrySystem() without FILTER()"),
        ("Set(A=${SHELL(echo ${EXTEN})})", "${EXTEN} reaches SHELL() without FILTER()"),
        ("Set(A=${FILTER(0-9,${SHELL(echo ${EXTEN})})})", "${EXTEN} reaches SHELL() without FILTER()"),
        ("ExecIf($[1]?System(echo ${EXTEN}))", "${EXTEN} reaches System() without FILTER()"),
    ],
)
def test_unfiltered_values(app, message):
    findings = check(f"[c]\nexten => _X.,1,{app}\n")
    assert [(f["kind"], f["message"]) for f in findings] == [("unfiltered-exten", message)]


@pytest.mark.parametrize(
    "line",
    [
        "exten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@provider)",
        "exten => _X.,1,System(echo ${FILTER(0-9,${CALLERID(num)})})",
        "exten => _X.,1,Set(A=${SHELL(echo ${FILTER(0-9,${EXTEN})})})",
        "exten => _NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@provider)",
        "exten => 201,1,Dial(PJSIP/${EXTEN})",
        "exten => _X.,1,Set(CALLERID(num)=${EXTEN})",
        "exten => _X.,1,NoOp(${EXTEN} ${CALLERID(all)})",
        "exten => _X.,hint,PJSIP/${EXTEN}",
    ],
)
def test_filtered_or_harmless_values(line):
    assert check(f"[c]\n{line}\n") == []


@pytest.mark.parametrize("app", ["DISA(no-password,c)", "DISA()", "DISA( ,c)", "disa(NO-PASSWORD)"])
def test_disa_without_pin(app):
    assert [f["kind"] for f in check(f"[c]\nexten => 1,1,{app}\n")] == ["disa-without-pin"]


@pytest.mark.parametrize("app", ["DISA(/etc/asterisk/disa.pass,c)", "DISA(482915736021,c)", "DISA(${DISA_PIN},c)"])
def test_disa_with_a_pin(app):
    assert check(f"[c]\nexten => 1,1,{app}\n") == []


def test_outbound_route_through_default_and_includes():
    text = (
        "[default]\ninclude => guest\n[guest]\nexten => 0,1,Goto(outbound,s,1)\n"
        "[outbound]\nexten => s,1,Dial(PJSIP/5551234@provider)\n[from-trunk]\n"
    )
    findings = check(text, inbound=["from-trunk"], outbound_routes=["outbound"])
    assert [(f["kind"], f["line"], f["context"], f["path"]) for f in findings] == [
        ("outbound-from-inbound", 4, "guest", ["default", "guest", "outbound"]),
    ]


def test_outbound_route_that_is_itself_inbound():
    findings = check("[routes]\nexten => 1,1,NoOp()\n", inbound=["routes"], outbound_routes=["routes"])
    assert [(f["kind"], f["line"], f["context"]) for f in findings] == [("outbound-from-inbound", 1, "routes")]


def test_unknown_entry_points_are_warnings():
    findings = check("[c]\n", extensions=["from-internal"], outbound_routes=["out"])
    assert [(f["kind"], f["severity"], f["file"], f["line"], f["message"]) for f in findings] == [
        ("unknown-context", "warning", None, None, "entry point from-internal (extensions) is not a context of the dial plan; nothing is checked from it"),
        ("unknown-context", "warning", None, None, "entry point out (outbound_routes) is not a context of the dial plan; nothing is checked from it"),
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        ([], "entry_points must be a dict with the keys extensions, trunks, inbound, outbound_routes, got list"),
        ({"trunk": []}, "entry_points has unknown keys trunk; the keys are extensions, trunks, inbound, outbound_routes"),
        ({"extensions": "from-internal"}, "entry_points.extensions must be a list of context names, got str 'from-internal'"),
        ({"inbound": [""]}, "entry_points.inbound must hold non-empty context names, got str ''"),
        ({"inbound": [1]}, "entry_points.inbound must hold non-empty context names, got int 1"),
    ],
)
def test_bad_entry_points(value, message):
    with pytest.raises(ValueError, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}$"):
        validate_entry_points(value)


def test_entry_points_default_to_none():
    assert validate_entry_points(None) == {"extensions": [], "trunks": [], "inbound": [], "outbound_routes": []}


# Hostile input ------------------------------------------------------------------------------


def test_huge_line_is_skipped_and_reported_quickly():
    huge = "exten => _X.,1,Dial(" + "${EXTEN}" * 200_000 + ")"
    started = time.perf_counter()
    findings = check(f"[c]\n{huge}\nexten => 1,1,DISA()\n")
    assert time.perf_counter() - started < 1
    assert [(f["kind"], f["line"]) for f in findings] == [("parse-error", 2), ("disa-without-pin", 3)]
    assert findings[0]["message"] == f"line of {len(huge)} characters is longer than 65536; not checked"


def test_long_line_within_the_limit_is_checked_in_linear_time():
    line = "exten => _X.,1,Dial(" + "${FILTER(0-9,${EXTEN})}&" * 2000 + ")"
    started = time.perf_counter()
    assert check(f"[c]\n{line}\n") == []
    assert time.perf_counter() - started < 1


def test_binary_junk_is_reported_not_fatal(tmp_path):
    junk = bytes(range(256)) * 64 + b"\n[c]\nexten => 1,1,DISA()\n" + bytes(range(255, -1, -1)) * 8
    path = tmp_path / "extensions.conf"
    path.write_bytes(junk)
    findings, _files = check_path(str(path), {})
    parse_errors = [f for f in findings if f["kind"] == "parse-error"]
    assert 1 <= len(parse_errors) <= _dialplan.MAX_PARSE_ERRORS_PER_FILE
    assert "disa-without-pin" in [f["kind"] for f in findings]


def test_parse_errors_are_capped_per_file():
    findings = check("[c]\n" + "junk\n" * 500)
    assert len(findings) == _dialplan.MAX_PARSE_ERRORS_PER_FILE
    assert findings[-1]["message"].endswith("(further lines of extensions.conf that cannot be read are not reported)")


def test_include_loop_of_a_file_with_itself():
    findings = check_texts({"extensions.conf": "#include extensions.conf\n[c]\nexten => 1,1,DISA()\n"}, {})
    assert [(f["kind"], f["line"]) for f in findings] == [("include-loop", 1), ("disa-without-pin", 3)]
    assert findings[0]["message"] == "#include extensions.conf loops (extensions.conf -> extensions.conf); not read again"


def test_include_that_doubles_at_every_level_is_bounded():
    files = {f"f{level}.conf": f"#include f{level + 1}.conf\n#include f{level + 1}.conf\n" for level in range(20)}
    files["f20.conf"] = "[c]\n"
    started = time.perf_counter()
    findings = check_texts(files, {})
    assert time.perf_counter() - started < 2
    assert [f["message"] for f in findings] == [f"more than {_dialplan.MAX_FILE_READS} files read through #include; the rest is not checked"]


def test_missing_include_file(tmp_path):
    main = tmp_path / "extensions.conf"
    main.write_text("[c]\n#include extensions_custom.conf\n#tryinclude maybe.conf\n#include none_*.conf\nexten => 1,1,NoOp()\n")
    findings, files = check_path(str(main), {})
    assert files == [str(main)]
    assert [(f["kind"], f["severity"], f["line"], f["message"]) for f in findings] == [
        (
            "include-missing", "warning", 2,
            f"#include extensions_custom.conf: file {tmp_path / 'extensions_custom.conf'} cannot be read; its contexts are not checked",
        ),
        ("include-missing", "warning", 4, "#include none_*.conf: no file matches; its contexts are not checked"),
    ]


def test_missing_main_file(tmp_path):
    findings, files = check_path(str(tmp_path / "nothing.conf"), {})
    assert files == []
    assert [f["message"] for f in findings] == [f"file {tmp_path / 'nothing.conf'} cannot be read; its contexts are not checked"]


def test_top_level_files_are_read_once():
    plan = parse_texts({"a.conf": "#include b.conf\n[a]\n", "b.conf": "[b]\nexten => 1,1,NoOp()\n"})
    assert plan.files == ["a.conf", "b.conf"]
    assert len(plan.contexts["b"].entries) == 1


def test_wildcards_reachable_from_outside_callers():
    text = "[default]\nexten => _.,1,Hangup()\n[from-pstn]\ninclude => dids\n[dids]\nexten => _X!,1,NoOp()\n"
    findings = check(text, inbound=["from-pstn"])
    assert [(f["kind"], f["line"], f["path"]) for f in findings] == [("wildcard", 2, ["default"]), ("wildcard", 6, ["from-pstn", "dids"])]
    assert findings[1]["message"] == (
        "_X! matches numbers of any length and is reachable from the inbound context from-pstn;"
        " spell out the numbers it may dial, like _NXXNXXXXXX"
    )


def test_line_numbers_count_newlines_only():
    findings = check("[c]\r\nexten => 1,1,NoOp(\x0c\u2028\x1c)\r\nexten => 2,1,DISA()\r\n")
    assert [(f["kind"], f["line"]) for f in findings] == [("disa-without-pin", 3)]


def test_nul_bytes_and_a_byte_order_mark():
    findings = check("\ufeff[c]\nexten => 1,1,NoOp(\x00)\n\x00\x00\nexten => 2,1,DISA()\n")
    assert [(f["kind"], f["line"]) for f in findings] == [("parse-error", 3), ("disa-without-pin", 4)]
