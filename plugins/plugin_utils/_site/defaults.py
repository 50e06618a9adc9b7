# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' defaults, read from their defaults files (private to this collection).

Each role's defaults/main.yml is the one place its variables and their defaults are
declared: the model fills in what the inventory leaves out from there, also for roles the
play does not run, and knows every other variable with a role's prefix for a typo.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROLES = Path(__file__).resolve().parents[3] / "roles"


def role_defaults(roles=ROLES):
    """role name -> {variable: default} for every role of the collection."""
    defaults = {}
    for path in sorted(roles.glob("*/defaults/main.yml")):
        defaults[path.parents[1].name] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return defaults
