# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Strict readers for inventory values (private to this collection).

Every inventory value may arrive as text: from `-e`, an AWX survey or a CI variable. The
readers turn each into the one type the model uses, or record a problem that names the
value's path and the fix, and return None. Nothing downstream tests a raw value for
truthiness: "false" is a non-empty string, so it would count as true.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# The spellings of yes and no that Ansible users write; anything else is refused.
_TRUE = frozenset(("true", "yes", "on", "y", "1"))
_FALSE = frozenset(("false", "no", "off", "n", "0"))
_DECIMAL = re.compile(r"^\s*-?[0-9]+\s*$")


class Problems:
    """Every problem found in one site description, each naming its path."""

    def __init__(self):
        self.messages = []

    def add(self, path, message):
        self.messages.append(f"{path}: {message}")

    def __bool__(self):
        return bool(self.messages)


def describe(value):
    """A value with its kind, as users should see it: text '30', boolean True."""
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "text"),
                       (Mapping, "mapping"), (Sequence, "list")):
        if isinstance(value, kind):
            # str() and plain types: Ansible's tagged values would show their class in repr.
            plain = str(value) if isinstance(value, str) else value
            return f"{name} {plain!r}"
    return "null" if value is None else f"{type(value).__name__} {value!r}"


def read_bool(problems, path, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    problems.add(path, f"{describe(value)} is not a boolean; write true or false")
    return None


def read_int(problems, path, value, minimum=None, maximum=None, hint=""):
    """An integer, also from decimal text ("30"); never a boolean or a float."""
    number = None
    if isinstance(value, bool) or isinstance(value, float):
        problems.add(path, f"{describe(value)} is not an integer{hint}")
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DECIMAL.match(value):
        number = int(value)
    else:
        problems.add(path, f"{describe(value)} is not an integer{hint}")
        return None
    if minimum is not None and number < minimum:
        problems.add(path, f"{number} is below the minimum of {minimum}{hint}")
        return None
    if maximum is not None and number > maximum:
        problems.add(path, f"{number} is above the maximum of {maximum}{hint}")
        return None
    return number


def read_str(problems, path, value, choices=None, allow_empty=True, hint=""):
    """Text; numbers are taken as their decimal text (an extension written 201)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        problems.add(path, f"{describe(value)} is not text{hint}")
        return None
    if not allow_empty and not value.strip():
        problems.add(path, f"is empty{hint}")
        return None
    if choices is not None and value not in choices:
        problems.add(path, f"{value!r} is not one of {', '.join(choices)}{hint}")
        return None
    return value


def read_list(problems, path, value, allow_none=True):
    """A list; null is an empty list. A single string is refused: it is a typo for a list."""
    if value is None and allow_none:
        return []
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray)):
        return list(value)
    problems.add(path, f"{describe(value)} is not a list; write [item, ...]")
    return None


def read_mapping(problems, path, value, known, required=()):
    """A dict of the known keys; unknown and missing required keys are reported."""
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        problems.add(path, f"{describe(value)} is not a mapping")
        return None
    for key in sorted(str(key) for key in value if key not in known):
        problems.add(f"{path}.{key}", f"unknown key; {path} takes {', '.join(known)}")
    for key in required:
        if value.get(key) is None:
            problems.add(f"{path}.{key}", "is required")
    # The known keys only, so that a caller never reads a key it did not declare.
    return {key: value[key] for key in known if key in value}
