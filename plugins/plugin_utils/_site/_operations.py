# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Readers the operations topics share (audit, call_review, backup, patching): values that end
up in shell settings, systemd units and mail headers, so one line each and no white space
where none belongs."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types

_PATH = re.compile(r"^/\S*$")
_CALENDAR = re.compile(r"^[A-Za-z0-9*:/.,~ -]+$")
_MAIL = re.compile(r"^[^\s@,;<>\"']+@[^\s@,;<>\"']+$")


def read_path(problems, path, value):
    """An absolute path without white space."""
    text = _types.read_str(problems, path, value, allow_empty=False)
    if text is not None and not _PATH.match(text):
        problems.add(path, f"{text!r} is not an absolute path without spaces")
        return None
    return text


def read_calendar(problems, path, value):
    """A systemd OnCalendar expression on one line."""
    text = _types.read_str(problems, path, value, allow_empty=False)
    if text is not None and not _CALENDAR.match(text):
        problems.add(path, f"{text!r} is not a systemd calendar expression (e.g. \"*-*-* 02:15:00\" or daily)")
        return None
    return text


def read_mail(problems, path, value):
    """Empty, or one mail address (it goes into a mail header)."""
    text = _types.read_str(problems, path, value)
    if text and not _MAIL.match(text):
        problems.add(path, f"{text!r} is not one mail address; leave it empty for none")
        return None
    return text


def read_texts(problems, path, value, pattern, what):
    """A list of texts that each match pattern; numbers are taken as their decimal text."""
    items = _types.read_list(problems, path, value)
    if items is None:
        return None
    texts = []
    for index, item in enumerate(items):
        text = _types.read_str(problems, f"{path}[{index}]", item)
        if text is not None and not re.match(pattern, text):
            problems.add(f"{path}[{index}]", f"{text!r} is not {what}")
        elif text is not None:
            texts.append(text)
    return texts
