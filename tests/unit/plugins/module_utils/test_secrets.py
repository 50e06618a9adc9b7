"""_secrets: the strength estimate, the generator, and the statistics of its output.

Chi-square thresholds: the critical values for a false alarm rate of 1e-6 (one
spurious failure in a million runs), from the regularised incomplete gamma
function: 128.52 for 61 degrees of freedom (62 letters and digits) and 44.81
for 9 (10 digits). A biased or truncated alphabet lands far above them.
"""

import ast
import collections
import math
import string
from pathlib import Path

import pytest

from ansible_collections.pbxguard.hardening.plugins.module_utils import _secrets
from ansible_collections.pbxguard.hardening.plugins.module_utils._secret_words import COMMON_WORDS
from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import (
    audit_secret,
    draw,
    estimate_bits,
    generate_secret,
)

DRAWS = 10_000
CHI2_CRITICAL = {61: 128.52, 9: 44.81}
PLUGINS = Path(_secrets.__file__).resolve().parents[1]


def chi_square(values, alphabet):
    counts = collections.Counter("".join(values))
    assert set(counts) <= set(alphabet)
    expected = sum(counts.values()) / len(alphabet)
    return sum((counts[symbol] - expected) ** 2 / expected for symbol in alphabet)


@pytest.fixture(scope="module")
def sip_secrets():
    return [generate_secret("sip", 32) for dummy in range(DRAWS)]


@pytest.fixture(scope="module")
def disa_pins():
    return [generate_secret("disa", 12) for dummy in range(DRAWS)]


@pytest.fixture(scope="module")
def voicemail_pins():
    return [generate_secret("pin", 8) for dummy in range(DRAWS)]


def test_chi_square_detects_a_biased_alphabet():
    # The test below must be able to fail: a generator that never draws "0" fails it.
    biased = [draw(string.digits[1:], 12) for dummy in range(DRAWS)]
    assert chi_square(biased, string.digits) > CHI2_CRITICAL[9]


def test_generated_sip_secrets_are_uniform_and_unique(sip_secrets):
    assert chi_square(sip_secrets, _secrets.SIP_ALPHABET) < CHI2_CRITICAL[61]
    assert len(set(sip_secrets)) == DRAWS
    assert all(len(secret) == 32 and audit_secret(secret, "sip")["ok"] for secret in sip_secrets)


def test_pin_draws_are_uniform():
    # The generator draws with draw() and discards PINs with patterns, and the
    # patterns favour some digits (dates begin with 0-3): generated PINs are
    # uniform over the PINs the policy accepts, not over single digits. The
    # draw itself must be uniform.
    assert chi_square([draw(_secrets.PIN_ALPHABET, 12) for dummy in range(DRAWS)], string.digits) < CHI2_CRITICAL[9]


@pytest.mark.parametrize("pins", ["voicemail_pins", "disa_pins"])
def test_generated_pins_use_every_digit_about_evenly(pins, request):
    values = request.getfixturevalue(pins)
    counts = collections.Counter("".join(values))
    total = sum(counts.values())
    # Measured: 8.9 % to 10.5 % per digit; a missing or doubled digit is far outside.
    assert all(0.08 < counts[digit] / total < 0.12 for digit in string.digits), counts


def test_generated_pins_pass_the_audit(voicemail_pins, disa_pins):
    assert all(len(pin) == 8 and audit_secret(pin, "pin")["ok"] for pin in voicemail_pins)
    assert all(len(pin) == 12 and audit_secret(pin, "disa")["ok"] for pin in disa_pins)


def test_disa_pins_never_repeat(disa_pins):
    assert len(set(disa_pins)) == DRAWS


def test_voicemail_pins_repeat_only_as_often_as_chance_says(voicemail_pins):
    # About 6.8e7 eight-digit PINs pass the policy: 10,000 draws share a value
    # 0.73 times on average (birthday bound), so "never" cannot hold. Eight or
    # more repeats happen by chance about once in ten million runs.
    assert DRAWS - len(set(voicemail_pins)) < 8


def test_generator_fails_clearly_when_nothing_can_pass():
    with pytest.raises(ValueError, match=r"^no pin value of length 8 passed the audit in 50 draws; make it longer or exclude fewer strings$"):
        generate_secret("pin", 8, exclude=list(string.digits), attempts=50)


def test_generator_respects_exclusions():
    values = [generate_secret("pin", 8, exclude=["7"]) for dummy in range(200)]
    assert not any("7" in value for value in values)


def imports(path):
    tree = ast.parse((PLUGINS / path).read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_randomness_comes_from_the_secrets_module_only():
    assert "secrets" in imports("module_utils/_secrets.py")
    assert "random" not in imports("module_utils/_secrets.py")
    assert "random" not in imports("modules/pbx_secret.py")


@pytest.mark.parametrize(
    "secret, expected",
    [
        # 26 lower-case letters: log2(26) = 4.70 bits each, none next to another.
        ("qmzpx", 5 * math.log2(26)),
        # 62 symbols; "B" follows "a" in the alphabet: 1 bit.
        ("aB3", 2 * math.log2(62) + 1),
        # Punctuation adds 33 to the alphabet.
        ("a!", 2 * math.log2(26 + 33)),
        # "qw" are neighbours on the keyboard, and "1q" in a column.
        ("mqw", 2 * math.log2(26) + 1),
        ("x1q", 2 * math.log2(36) + 1),
        # A common word counts as one pick from the word list.
        ("monkey", math.log2(len(COMMON_WORDS))),
        ("m0nk3y", math.log2(len(COMMON_WORDS))),
        ("", 0),
    ],
)
def test_estimate_definition(secret, expected):
    assert estimate_bits(secret) == int(expected)


def test_estimate_of_a_full_length_draw():
    # 32 letters and digits without structure: 32 x log2(62) = 190 bits.
    assert estimate_bits("rytPGhFwMwlSXcYWYdGp6zB746UARAlO") > 150


def test_word_list_is_lower_case_and_long_enough():
    assert len(COMMON_WORDS) > 200
    assert all(word.isalpha() and word.islower() and len(word) >= 4 for word in COMMON_WORDS)


def test_exclude_must_hold_non_empty_strings():
    with pytest.raises(ValueError, match="^exclude must hold non-empty strings, got ''$"):
        audit_secret("83960574", "pin", exclude=[""])


def test_excluded_string_is_named():
    assert audit_secret("83960574", "pin", exclude=["605"])["problems"] == ["contains the excluded string '605'"]
