# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit's report: one JSON document and one self-contained HTML page for a whole fleet
(private to this collection; the pbx_audit_report module writes them on the controller).

build() joins each host's results with the checklist; render_html() draws the report as
one page with no script and nothing fetched from elsewhere, every text escaped (a detail
may quote what a PBX holds: a context name, a file name).
"""

from __future__ import annotations

import html

from ansible_collections.pbxguard.hardening.plugins.module_utils._audit import FAIL, PASS, STATUSES, UNKNOWN

NOT_AUDITED = "not audited"
FORMAT = 1
_RANK = {FAIL: 0, NOT_AUDITED: 1, UNKNOWN: 2, PASS: 3}


class ReportError(ValueError):
    pass


def _checked_checklist(checklist):
    if not isinstance(checklist, dict) or not isinstance(checklist.get("items"), list):
        raise ReportError("checklist must be a mapping with a list of items")
    for item in checklist["items"]:
        if not isinstance(item, dict) or not {"id", "title", "who"} <= set(item) or item["who"] not in ("machine", "person"):
            raise ReportError(f"checklist item {item!r} needs id, title and who (machine or person)")
    return checklist


def build(checklist, results_by_host, generated):
    """The report as plain data.

    results_by_host: host name -> the pbx_audit results, or None for a host that was not
    audited (unreachable, or the module failed). generated: an ISO time text.
    """
    checklist = _checked_checklist(checklist)
    machine = [item for item in checklist["items"] if item["who"] == "machine"]
    hosts = {}
    for name in sorted(results_by_host):
        results = results_by_host[name]
        by_id = {entry["id"]: entry for entry in results} if isinstance(results, list) else {}
        rows = []
        for item in machine:
            entry = by_id.get(item["id"])
            if entry is None:
                rows.append({"id": item["id"], "status": NOT_AUDITED,
                             "detail": "the host was not audited" if not by_id else "the audit returned no result"})
            else:
                rows.append({"id": item["id"], "status": entry["status"], "detail": entry["detail"]})
        counts = {status: sum(1 for row in rows if row["status"] == status) for status in (*STATUSES, NOT_AUDITED)}
        hosts[name] = {"results": rows, "counts": counts}
    return {
        "format": FORMAT,
        "generated": generated,
        "checklist": {"name": checklist.get("name", ""), "version": checklist.get("version", "")},
        "items": machine,
        "person_items": [item for item in checklist["items"] if item["who"] == "person"],
        "hosts": hosts,
    }


def host_order(report):
    """Hosts with the most failures first, then the most unknowns, then by name."""
    return sorted(report["hosts"], key=lambda name: (
        -report["hosts"][name]["counts"][FAIL] - report["hosts"][name]["counts"][NOT_AUDITED],
        -report["hosts"][name]["counts"][UNKNOWN], name))


def item_order(report):
    """Items failed on the most hosts first; the checklist's order among equals."""
    def failures(item):
        return sum(1 for host in report["hosts"].values() for row in host["results"]
                   if row["id"] == item["id"] and row["status"] in (FAIL, NOT_AUDITED))
    return sorted(report["items"], key=lambda item: -failures(item))


def _cell(status):
    return f'<td class="s-{status.replace(" ", "-")}">{html.escape(status)}</td>'


STYLE = """
body{font-family:sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#eee}
.s-fail,.s-not-audited{background:#f4c7c3;font-weight:bold}
.s-unknown{background:#fce8b2}
.s-pass{background:#b7e1cd}
"""


def render_html(report):
    e = html.escape
    items = item_order(report)
    hosts = host_order(report)
    titles = {item["id"]: item["title"] for item in report["items"]}
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>PBX audit {e(report['generated'])}</title><style>{STYLE}</style></head><body>",
           f"<h1>PBX audit</h1><p>Generated {e(report['generated'])} against the checklist"
           f" {e(str(report['checklist']['name']))} {e(str(report['checklist']['version']))}.</p>",
           '<h2>Fleet summary</h2><table id="fleet"><thead><tr><th>Host</th><th>Failed</th><th>Unknown</th>']
    out += [f'<th title="{e(item["title"])}">{e(item["id"])}</th>' for item in items]
    out.append("</tr></thead><tbody>")
    for name in hosts:
        host = report["hosts"][name]
        by_id = {row["id"]: row for row in host["results"]}
        failed = host["counts"][FAIL] + host["counts"][NOT_AUDITED]
        out.append(f'<tr data-host="{e(name)}"><th>{e(name)}</th><td>{failed}</td><td>{host["counts"][UNKNOWN]}</td>')
        out += [_cell(by_id[item["id"]]["status"]) for item in items]
        out.append("</tr>")
    out.append("</tbody></table>")
    for heading, wanted, element in (("Failed items", (FAIL, NOT_AUDITED), "failed"),
                                     ("Items the audit could not check", (UNKNOWN,), "unknown")):
        rows = [(name, row) for name in hosts for row in report["hosts"][name]["results"] if row["status"] in wanted]
        out.append(f'<h2>{heading}</h2><table id="{element}"><thead><tr><th>Host</th><th>Item</th><th>What</th>'
                   "<th>Why</th></tr></thead><tbody>")
        out += [f'<tr class="{element}" data-host="{e(name)}" data-item="{e(row["id"])}"><td>{e(name)}</td>'
                f'<td>{e(row["id"])}</td><td>{e(titles[row["id"]])}</td><td>{e(row["detail"])}</td></tr>'
                for name, row in rows]
        if not rows:
            out.append('<tr><td colspan="4">none</td></tr>')
        out.append("</tbody></table>")
    out.append('<h2>Items only a person can do</h2><p>No machine can check these: do them, and check them'
               ' again from time to time.</p><ul id="person">')
    out += [f'<li data-item="{e(item["id"])}"><strong>{e(item["title"])}</strong>: {e(item.get("how", ""))}</li>'
            for item in report["person_items"]]
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"
