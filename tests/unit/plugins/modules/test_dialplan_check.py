"""dialplan_check, run in this process through AnsibleModule with patched arguments:
what it returns, when it fails, check mode, and the arguments it refuses."""

import json
import shutil
from pathlib import Path

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.pbxguard.hardening.plugins.modules import dialplan_check

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialplan"
ENTRY_POINTS = {
    "extensions": ["from-internal"],
    "trunks": ["from-trunk"],
    "inbound": ["from-trunk"],
    "outbound_routes": ["outbound-allowed"],
}


def run(capsys, **args):
    """Run the module once; return its parsed JSON result."""
    with patch_module_args(args), pytest.raises(SystemExit):
        dialplan_check.main()
    return json.loads(capsys.readouterr().out)


def test_clean_dial_plan_passes(capsys):
    path = str(FIXTURES / "clean.conf")
    result = run(capsys, path=path, entry_points=ENTRY_POINTS)
    assert not result.get("failed")
    assert result["changed"] is False
    assert result["findings"] == [] and result["counts"] == {"error": 0, "warning": 0}
    assert result["files"] == [path]


def test_findings_of_severity_error_fail(capsys):
    path = str(FIXTURES / "toll_fraud.conf")
    result = run(capsys, path=path, entry_points=ENTRY_POINTS)
    assert result["failed"] is True
    assert result["counts"] == {"error": 8, "warning": 1}
    assert result["msg"] == (
        f"8 dial plan finding(s) of severity error in {path}; the first: {path}:23 [outbound-allowed]"
        " unfiltered-exten: ${EXTEN} reaches Dial() without FILTER()"
    )
    assert [item["kind"] for item in result["findings"]].count("wildcard") == 2


def test_fail_on_findings_false_only_reports(capsys):
    result = run(capsys, path=str(FIXTURES / "toll_fraud.conf"), entry_points=ENTRY_POINTS, fail_on_findings=False)
    assert not result.get("failed") and result["changed"] is False
    assert len(result["findings"]) == 9


def test_check_mode_reads_the_same(capsys):
    result = run(capsys, path=str(FIXTURES / "toll_fraud.conf"), entry_points=ENTRY_POINTS, fail_on_findings=False, _ansible_check_mode=True)
    assert len(result["findings"]) == 9 and result["changed"] is False


def test_warnings_alone_do_not_fail(capsys):
    path = str(FIXTURES / "chain_a.conf")
    result = run(capsys, path=path, entry_points={"outbound_routes": ["nowhere"]})
    assert not result.get("failed")
    assert [item["kind"] for item in result["findings"]] == ["unknown-context", "include-loop"]
    assert [Path(name).name for name in result["files"]] == ["chain_a.conf", "chain_b.conf", "chain_c.conf"]
    assert result["counts"] == {"error": 0, "warning": 2}


def test_includes_are_read_relative_to_the_main_file(capsys, tmp_path):
    shutil.copy(FIXTURES / "toll_fraud.conf", tmp_path / "extensions_custom.conf")
    main = tmp_path / "extensions.conf"
    main.write_text("#include extensions_custom.conf\n", encoding="utf-8")
    result = run(capsys, path=str(main), entry_points=ENTRY_POINTS, fail_on_findings=False)
    assert result["files"] == [str(main), str(tmp_path / "extensions_custom.conf")]
    assert {item["file"] for item in result["findings"]} == {str(tmp_path / "extensions_custom.conf")}


def test_entry_points_default_to_none(capsys):
    result = run(capsys, path=str(FIXTURES / "clean.conf"))
    assert result["findings"] == []


def test_missing_file_fails(capsys, tmp_path):
    result = run(capsys, path=str(tmp_path / "extensions.conf"))
    assert result["failed"] is True
    assert result["msg"] == f"dial plan {tmp_path / 'extensions.conf'} is not a readable file"


@pytest.mark.parametrize(
    "entry_points, message",
    [
        (
            {"trunk": ["from-trunk"]},
            "Unsupported parameters for (basic.py) module: entry_points.trunk."
            " Supported parameters include: extensions, inbound, outbound_routes, trunks.",
        ),
        ({"inbound": [""]}, "dialplan_check: entry_points.inbound must hold non-empty context names, got str ''"),
    ],
)
def test_bad_entry_points(capsys, entry_points, message):
    result = run(capsys, path=str(FIXTURES / "clean.conf"), entry_points=entry_points)
    assert result["failed"] is True and result["msg"] == message
