"""_audit_report: the fleet report's data, its order (failures first) and its HTML."""

from pathlib import Path

import pytest
import yaml

from ansible_collections.pbxguard.hardening.plugins.module_utils import _audit_report as report_lib
from ansible_collections.pbxguard.hardening.plugins.module_utils._audit import ITEMS

CHECKLIST = yaml.safe_load((Path(__file__).resolve().parents[4] / "roles" / "audit" / "files" / "checklist.yml")
                           .read_text(encoding="utf-8"))


def results(failing=(), unknown=()):
    return [{"id": item, "status": "fail" if item in failing else "unknown" if item in unknown else "pass",
             "detail": f"detail of {item}"} for item in ITEMS]


def test_hosts_and_items_with_failures_come_first():
    report = report_lib.build(CHECKLIST, {
        "a-good": results(),
        "b-weak": results(failing=("extension-acl", "trunk-caps"), unknown=("updates-pending",)),
        "c-some": results(failing=("trunk-caps",)),
        "d-down": None,
    }, "2026-12-01T20:00:00+00:00")
    assert report_lib.host_order(report) == ["d-down", "b-weak", "c-some", "a-good"]
    assert [item["id"] for item in report_lib.item_order(report)][:2] == ["trunk-caps", "extension-acl"]
    assert report["hosts"]["b-weak"]["counts"] == {"fail": 2, "unknown": 1, "pass": 8, "not audited": 0}
    assert {row["status"] for row in report["hosts"]["d-down"]["results"]} == {"not audited"}
    assert [item["id"] for item in report["person_items"]] == ["provider-recharge", "security-feeds"]


def test_html_holds_the_fleet_table_each_failure_and_nothing_from_elsewhere():
    hostile = {"id": "no-wildcard-routes", "status": "fail", "detail": "_X. in [<script>alert(1)</script>]"}
    host_results = [hostile if entry["id"] == "no-wildcard-routes" else entry for entry in results()]
    page = report_lib.render_html(report_lib.build(CHECKLIST, {"pbx1": host_results}, "2026-12-01T20:00:00+00:00"))
    assert '<table id="fleet">' in page
    assert '<tr class="failed" data-host="pbx1" data-item="no-wildcard-routes">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "src=" not in page and "href=" not in page and "@import" not in page
    assert "Automatic recharge off" in page


@pytest.mark.parametrize(("checklist", "message"), [
    ({}, "checklist must be a mapping with a list of items"),
    ({"items": [{"id": "x", "title": "t", "who": "robot"}]}, "needs id, title and who"),
])
def test_bad_checklist(checklist, message):
    with pytest.raises(report_lib.ReportError, match=message):
        report_lib.build(checklist, {}, "now")
