# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The checklist audit's settings (role audit, playbook audit.yml)."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._operations import read_path, read_texts


def read(ctx):
    probes = read_texts(ctx.problems, "audit_probe_numbers", ctx.vars.get("audit_probe_numbers"), r"^[0-9]{4,20}$", "a number to dial (4 to 20 digits)")
    if probes is not None and not probes:
        ctx.problems.add("audit_probe_numbers", "is empty; give the international and premium numbers no phone may reach")
    ctx.site["audit"] = {
        "report_dir": ctx.str("audit_report_dir", allow_empty=False),
        "probe_numbers": probes,
        "backup_dir": read_path(ctx.problems, "audit_backup_dir", ctx.vars.get("audit_backup_dir")),
        "backup_max_age_hours": ctx.int("audit_backup_max_age_hours", minimum=1),
        "apt_lists_max_age_days": ctx.int("audit_apt_lists_max_age_days", minimum=1),
    }
