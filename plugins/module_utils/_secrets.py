# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Audit and generate SIP secrets and PINs (private to this collection).

Shared by the pbx_secret module, which generates values on the target, and
the secret_audit filter, which checks values given in the inventory.

Strength estimate, in bits. Each character is worth log2 of the alphabet the
secret actually uses: the sum of the sizes of the classes it draws from
(lower case 26, upper case 26, digits 10, anything else 33). Structure that a
guesser tries first is then charged at a flat rate instead:
  - a character that repeats the one before it, follows it in sequence
    ("ab", "21") or sits next to it on a US keyboard ("qw", "1q") is worth 1 bit;
  - a common word of four letters or more (after undoing l33t spelling) is
    worth log2 of the word list's size as a whole, as if picked from that list.
The estimate is an upper bound on what a pattern-aware guesser faces, never a
promise; it is meant to reject weak values, not to rank strong ones.
"""

from __future__ import annotations

import math
import secrets
import string

from ansible_collections.pbxguard.hardening.plugins.module_utils._pin_policy import pin_problems
from ansible_collections.pbxguard.hardening.plugins.module_utils._secret_words import COMMON_WORDS

SIP_MIN_BITS = 128
KINDS = ("sip", "pin", "disa")

# SIP secrets avoid punctuation: it breaks quoting in pjsip.conf and in phone provisioning.
SIP_ALPHABET = string.ascii_letters + string.digits
PIN_ALPHABET = string.digits

_CLASS_SIZES = (
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
)
_OTHER_CLASS_SIZE = 33  # printable ASCII punctuation and space

_KEYBOARD_ROWS = ("1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_MIN_WORD = 4
_MAX_WORD = max(len(word) for word in COMMON_WORDS)


def _keyboard_neighbours():
    """Keys beside each other in a row, or above each other in a column ("1qaz")."""
    pairs = set()
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        for column, key in enumerate(row):
            if column + 1 < len(row):
                pairs.add((key, row[column + 1]))
            if row_index + 1 < len(_KEYBOARD_ROWS) and column < len(_KEYBOARD_ROWS[row_index + 1]):
                pairs.add((key, _KEYBOARD_ROWS[row_index + 1][column]))
    return frozenset(pairs | {(second, first) for first, second in pairs})


_NEIGHBOURS = _keyboard_neighbours()


def _alphabet_size(text):
    used = set(text)
    size = sum(class_size for members, class_size in _CLASS_SIZES if used & members)
    if any(not any(char in members for members, _size in _CLASS_SIZES) for char in used):
        size += _OTHER_CLASS_SIZE
    return size


def _keyboard_adjacent(first, second):
    return (first.lower(), second.lower()) in _NEIGHBOURS


def _predictable(previous, char):
    """A character a guesser would try right after the previous one."""
    if char == previous:
        return True
    same_class = (previous.isdigit() and char.isdigit()) or (previous.isalpha() and char.isalpha())
    if same_class and abs(ord(previous.lower()) - ord(char.lower())) == 1:
        return True
    return _keyboard_adjacent(previous, char)


def _word_at(normalised, index):
    """The longest common word starting at index, or None."""
    for length in range(min(_MAX_WORD, len(normalised) - index), _MIN_WORD - 1, -1):
        if normalised[index:index + length] in COMMON_WORDS:
            return normalised[index:index + length]
    return None


def _normalise(secret):
    """Lower case with l33t spelling undone, one character for one (str.lower may lengthen non-ASCII)."""
    return "".join(char.lower().translate(_LEET) if char.isascii() else char for char in secret)


def estimate_bits(secret):
    """Estimated strength of a secret in bits, as described in the module docstring."""
    if not secret:
        return 0
    per_char = math.log2(_alphabet_size(secret))
    normalised = _normalise(secret)
    bits = 0.0
    index = 0
    while index < len(secret):
        word = _word_at(normalised, index)
        if word:
            bits += math.log2(len(COMMON_WORDS))
            index += len(word)
            continue
        predictable = index > 0 and _predictable(secret[index - 1], secret[index])
        bits += 1 if predictable else per_char
        index += 1
    return int(bits)


def _common_word_letters(secret):
    """How many characters of the secret belong to common words, l33t spelling undone."""
    normalised = _normalise(secret)
    covered = 0
    index = 0
    while index < len(normalised):
        word = _word_at(normalised, index)
        covered += len(word) if word else 0
        index += len(word) if word else 1
    return covered


def _keyboard_walks(secret):
    """Runs of three or more keys, each beside the one before, e.g. ["1qaz", "2wsx"]."""
    walks = []
    start = 0
    for index in range(1, len(secret) + 1):
        if index == len(secret) or not _keyboard_adjacent(secret[index - 1], secret[index]):
            if index - start >= 3:
                walks.append(secret[start:index])
            start = index
    return walks


def _sip_problems(secret, bits):
    problems = []
    if bits < SIP_MIN_BITS:
        problems.append(f"estimated strength is {bits} bits, below the {SIP_MIN_BITS} required")
    if 2 * _common_word_letters(secret) > len(secret):
        problems.append("is mostly common words")
    if 2 * sum(len(walk) for walk in _keyboard_walks(secret)) > len(secret):
        problems.append("is mostly a walk along the keyboard")
    return problems


def audit_secret(secret, kind, extension=None, exclude=()):
    """Return {ok, bits, problems} for a SIP secret (kind "sip") or a PIN ("pin", "disa").

    Raises ValueError for arguments of the wrong type or value.
    """
    if not isinstance(secret, str):
        raise ValueError(
            f"expected the secret as a string, got {type(secret).__name__}"
            " (quote PINs in YAML so that leading zeros are kept)"
        )
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if extension is not None:
        if isinstance(extension, bool) or not isinstance(extension, (int, str)) or not str(extension).strip():
            raise ValueError(f"extension must be a number or a string, got {type(extension).__name__} {extension!r}")
    for value in exclude:
        if not isinstance(value, str) or not value:
            raise ValueError(f"exclude must hold non-empty strings, got {value!r}")

    bits = estimate_bits(secret)
    if not secret:
        problems = ["is empty"]
    elif kind == "sip":
        problems = _sip_problems(secret, bits)
    else:
        problems = pin_problems(secret, kind)
    if extension is not None and str(extension) in secret:
        problems.append(f"contains the extension number {extension}")
    for value in exclude:
        if value in secret:
            problems.append(f"contains the excluded string '{value}'")
    # Overlapping matches ("121212") may find one problem twice: keep the first.
    problems = list(dict.fromkeys(problems))
    return {"ok": not problems, "bits": bits, "problems": problems}


def draw(alphabet, length):
    """length characters, each drawn uniformly from alphabet by the OS CSPRNG."""
    return "".join(secrets.choice(alphabet) for dummy in range(length))


def generate_secret(kind, length, exclude=(), attempts=10000):
    """A value of kind "sip", "pin" or "disa" that passes audit_secret, or ValueError."""
    alphabet = SIP_ALPHABET if kind == "sip" else PIN_ALPHABET
    for dummy in range(attempts):
        candidate = draw(alphabet, length)
        if audit_secret(candidate, kind, exclude=exclude)["ok"]:
            return candidate
    raise ValueError(
        f"no {kind} value of length {length} passed the audit in {attempts} draws;"
        " make it longer or exclude fewer strings"
    )
