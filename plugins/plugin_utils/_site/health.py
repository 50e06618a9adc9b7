# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The health role's settings: how long a host's gate waits for every check to pass."""

from __future__ import annotations


def read(ctx):
    ctx.site["health"] = {
        "timeout": ctx.int("health_timeout", minimum=0, maximum=600, hint=" (seconds the health gate waits)"),
    }
