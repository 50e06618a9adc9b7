# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scheduled backup of the PBX's configuration (role backup)."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._operations import read_calendar, read_path


def read(ctx):
    paths = []
    for index, value in enumerate(ctx.list("backup_paths") or []):
        path = read_path(ctx.problems, f"backup_paths[{index}]", value)
        if path == "/":
            ctx.problems.add(f"backup_paths[{index}]", "is the whole file system; name the configuration folders")
        elif path is not None:
            paths.append(path)
    if ctx.vars.get("backup_paths") == []:
        ctx.problems.add("backup_paths", "is empty; name what to back up (/etc/asterisk)")
    ctx.site["backup"] = {
        "dir": read_path(ctx.problems, "backup_dir", ctx.vars.get("backup_dir")),
        "paths": paths,
        "keep": ctx.int("backup_keep", minimum=1, hint="; the number of archives kept"),
        "on_calendar": read_calendar(ctx.problems, "backup_on_calendar", ctx.vars.get("backup_on_calendar")),
    }
