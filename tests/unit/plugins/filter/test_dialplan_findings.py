"""dialplan_findings: the checker on text, and every rejected input."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.dialplan_findings import FilterModule, dialplan_findings

TOLL_FRAUD = "[from-internal]\nexten => _X.,1,Dial(PJSIP/${EXTEN}@provider)\n"


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"dialplan_findings": dialplan_findings}


def test_findings_of_one_file():
    findings = dialplan_findings({"extensions_pbxguard.conf": TOLL_FRAUD}, {"extensions": ["from-internal"]})
    assert [(f["kind"], f["file"], f["line"], f["context"], f["pattern"]) for f in findings] == [
        ("unfiltered-exten", "extensions_pbxguard.conf", 2, "from-internal", "_X."),
        ("wildcard", "extensions_pbxguard.conf", 2, "from-internal", "_X."),
    ]


def test_files_include_each_other_by_name():
    files = {
        "/etc/asterisk/extensions.conf": "[from-internal]\ninclude => custom\n#include extensions_custom.conf\n",
        "/etc/asterisk/extensions_custom.conf": "[custom]\nexten => _9.,1,NoOp()\n",
    }
    findings = dialplan_findings(files, {"extensions": ["from-internal"]})
    assert [(f["kind"], f["file"], f["path"]) for f in findings] == [
        ("wildcard", "/etc/asterisk/extensions_custom.conf", ["from-internal", "custom"]),
    ]


def test_a_clean_dial_plan_and_no_entry_points():
    assert dialplan_findings({"x.conf": "[c]\nexten => _NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@p)\n"}) == []


def test_text_subclasses_are_read_as_text():
    class Tagged(str):
        pass

    findings = dialplan_findings({Tagged("x.conf"): Tagged("[c]\nexten => 1,1,DISA()\n")}, {})
    assert [f["kind"] for f in findings] == ["disa-without-pin"]
    assert findings[0]["file"].__class__ is str


@pytest.mark.parametrize(
    "files, entry_points, message",
    [
        ("[c]", {}, "dialplan_findings: expected a dict of file name to text, got str"),
        ({}, {}, "dialplan_findings: no file given"),
        ({"": "[c]"}, {}, "dialplan_findings: file names must be non-empty strings, got str ''"),
        ({1: "[c]"}, {}, "dialplan_findings: file names must be non-empty strings, got int 1"),
        ({"x.conf": b"[c]"}, {}, "dialplan_findings: the text of x.conf must be a string, got bytes"),
        ({"x.conf": "[c]"}, {"trunk": []}, "dialplan_findings: entry_points has unknown keys trunk; the keys are extensions, trunks, inbound, outbound_routes"),
        ({"x.conf": "[c]"}, ["c"], "dialplan_findings: entry_points must be a dict with the keys extensions, trunks, inbound, outbound_routes, got list"),
    ],
)
def test_rejected_input(files, entry_points, message):
    with pytest.raises(AnsibleFilterError) as error:
        dialplan_findings(files, entry_points)
    assert error.value.message == message
