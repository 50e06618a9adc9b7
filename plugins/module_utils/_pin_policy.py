# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The PIN policy: what makes a voicemail or DISA PIN too easy to guess (private to this collection).

The standard library only: besides the collection's own audit (_secrets), the sip_extensions
role installs this file on the PBX, where Asterisk's voicemail asks it about every PIN a user
sets (pbxguard-vm-pincheck), so that one policy judges given, generated and chosen PINs.
"""

from __future__ import annotations

import re

PIN_MIN_LENGTH = {"pin": 8, "disa": 12}
PIN_LABEL = {"pin": "a voicemail PIN", "disa": "a DISA PIN"}


def _sequences(pin):
    """Ascending or descending runs of three digits or more: "12345" gives ["12345"]."""
    found = []
    start = 0
    while start < len(pin) - 2:
        step = int(pin[start + 1]) - int(pin[start])
        end = start + 1
        while step in (1, -1) and end + 1 < len(pin) and int(pin[end + 1]) - int(pin[end]) == step:
            end += 1
        if end - start >= 2:
            found.append(pin[start:end + 1])
            start = end
        else:
            start += 1
    return found


def _is_date(digits):
    """DDMMYY, MMDDYY or YYMMDD."""
    first, second, third = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    day_month = 1 <= first <= 31 and 1 <= second <= 12
    month_day = 1 <= first <= 12 and 1 <= second <= 31
    year_month_day = 1 <= second <= 12 and 1 <= third <= 31
    return day_month or month_day or year_month_day


def _dates_and_years(pin):
    """Years (1930-2039) and dates at the start or the end of a PIN, where people put them.

    Inside a long PIN they would cost a guesser little, and a rule against them
    anywhere would reject most random PINs. Like every problem, these describe
    the pattern and never quote the PIN, which may end up in logs.
    """
    found = []
    for where, year, date in (("starts", pin[:4], pin[:6]), ("ends", pin[-4:], pin[-6:])):
        if len(year) == 4 and 1930 <= int(year) <= 2039:
            found.append(f"{where} with a year")
        if len(date) == 6 and _is_date(date):
            found.append(f"{where} with a date (DDMMYY, MMDDYY or YYMMDD)")
    return found


def pin_problems(pin, kind="pin", minimum=None):
    """What is wrong with a PIN of kind "pin" (voicemail) or "disa"; never quotes the PIN.

    minimum: a floor above the kind's own (a site may ask for longer PINs).
    """
    problems = []
    minimum = max(PIN_MIN_LENGTH[kind], minimum or 0)
    if len(pin) < minimum:
        problems.append(f"is {len(pin)} long, {PIN_LABEL[kind]} needs at least {minimum} digits")
    if not pin.isdigit() or not pin.isascii():
        problems.append("must contain digits only")
        return problems
    for run in re.findall(r"((\d)\2{2,})", pin):
        problems.append(f"repeats one digit {len(run[0])} times in a row")
    for sequence in _sequences(pin):
        direction = "an ascending" if sequence[1] > sequence[0] else "a descending"
        problems.append(f"has {direction} sequence of {len(sequence)} digits")
    for block in re.findall(r"(?=(\d{2,4})\1)", pin):
        if len(set(block)) > 1:
            problems.append(f"repeats a block of {len(block)} digits")
    problems.extend(_dates_and_years(pin))
    return problems
