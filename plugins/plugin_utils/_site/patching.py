# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unattended security updates and the reboot policy (role patching)."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._operations import read_mail, read_texts


def read(ctx):
    time = ctx.str("patching_reboot_time")
    if time is not None and not re.match(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", time):
        ctx.problems.add("patching_reboot_time", f"{time!r} is not a time of day as HH:MM (04:00)")
        time = None
    ctx.site["patching"] = {
        "enabled": ctx.bool("patching_enabled"),
        "reboot": ctx.bool("patching_reboot"),
        "reboot_time": time,
        "reboot_with_users": ctx.bool("patching_reboot_with_users"),
        "blacklist": read_texts(ctx.problems, "patching_blacklist", ctx.vars.get("patching_blacklist"), r"^[A-Za-z0-9][A-Za-z0-9.+~*-]*$", "a package name"),
        "mail_to": read_mail(ctx.problems, "patching_mail_to", ctx.vars.get("patching_mail_to")),
    }
