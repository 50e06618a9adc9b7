"""The strict readers: every spelling an inventory may use, and the exact refusals."""

import pytest

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types

TRUE_TEXT = ["true", "True", "TRUE", "yes", "Yes", "on", "ON", "y", "1", " true ", "\tyes\n"]
FALSE_TEXT = ["false", "False", "FALSE", "no", "No", "off", "OFF", "n", "0", " false ", "\toff\n"]


def read(reader, value, **options):
    problems = _types.Problems()
    return reader(problems, "var", value, **options), problems.messages


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False)] + [(text, True) for text in TRUE_TEXT] + [(text, False) for text in FALSE_TEXT],
    ids=repr,
)
def test_read_bool_accepts(value, expected):
    assert read(_types.read_bool, value) == (expected, [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("maybe", "var: text 'maybe' is not a boolean; write true or false"),
        ("", "var: text '' is not a boolean; write true or false"),
        ("truee", "var: text 'truee' is not a boolean; write true or false"),
        (1, "var: integer 1 is not a boolean; write true or false"),
        (0, "var: integer 0 is not a boolean; write true or false"),
        (1.0, "var: float 1.0 is not a boolean; write true or false"),
        ([True], "var: list [True] is not a boolean; write true or false"),
        ({"a": 1}, "var: mapping {'a': 1} is not a boolean; write true or false"),
        (None, "var: null is not a boolean; write true or false"),
    ],
    ids=["other-text", "empty-text", "misspelt", "int-1", "int-0", "float", "list", "mapping", "null"],
)
def test_read_bool_refuses(value, message):
    assert read(_types.read_bool, value) == (None, [message])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30, 30), ("30", 30), (" 30 ", 30), ("007", 7), (-5, -5), ("-5", -5), (0, 0)],
    ids=["int", "text", "text-spaces", "leading-zeros", "negative-int", "negative-text", "zero"],
)
def test_read_int_accepts(value, expected):
    assert read(_types.read_int, value) == (expected, [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "var: boolean True is not an integer"),
        (False, "var: boolean False is not an integer"),
        (1.5, "var: float 1.5 is not an integer"),
        (2.0, "var: float 2.0 is not an integer"),
        ("1.0", "var: text '1.0' is not an integer"),
        ("+5", "var: text '+5' is not an integer"),
        ("5_000", "var: text '5_000' is not an integer"),
        ("0x10", "var: text '0x10' is not an integer"),
        ("\u0663", "var: text '\u0663' is not an integer"),
        ("ten", "var: text 'ten' is not an integer"),
        ("", "var: text '' is not an integer"),
        (None, "var: null is not an integer"),
        ([1], "var: list [1] is not an integer"),
    ],
    ids=["true", "false", "float", "whole-float", "float-text", "plus-sign", "underscore", "hex",
         "arabic-digit", "word", "empty", "null", "list"],
)
def test_read_int_refuses(value, message):
    assert read(_types.read_int, value) == (None, [message])


@pytest.mark.parametrize(
    ("value", "limits", "message"),
    [
        (0, {"minimum": 1}, "var: 0 is below the minimum of 1; hint"),
        ("-1", {"minimum": 1}, "var: -1 is below the minimum of 1; hint"),
        (11, {"maximum": 10}, "var: 11 is above the maximum of 10; hint"),
        ("x", {"minimum": 1}, "var: text 'x' is not an integer; hint"),
    ],
    ids=["below-minimum", "below-minimum-text", "above-maximum", "hint-on-type-error"],
)
def test_read_int_limits(value, limits, message):
    assert read(_types.read_int, value, hint="; hint", **limits) == (None, [message])


def test_read_int_limits_are_inclusive():
    assert read(_types.read_int, 1, minimum=1, maximum=1) == (1, [])


@pytest.mark.parametrize(
    ("value", "expected"), [("abc", "abc"), (201, "201"), ("", "")], ids=["text", "int-as-text", "empty"]
)
def test_read_str_accepts(value, expected):
    assert read(_types.read_str, value) == (expected, [])


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        (True, {}, "var: boolean True is not text"),
        (1.5, {}, "var: float 1.5 is not text"),
        (["a"], {}, "var: list ['a'] is not text"),
        ({"a": 1}, {}, "var: mapping {'a': 1} is not text"),
        (None, {}, "var: null is not text"),
        ("  ", {"allow_empty": False}, "var: is empty"),
        ("udpp", {"choices": ("udp", "tcp")}, "var: 'udpp' is not one of udp, tcp"),
        ("UDP", {"choices": ("udp", "tcp")}, "var: 'UDP' is not one of udp, tcp"),
    ],
    ids=["bool", "float", "list", "mapping", "null", "empty", "not-a-choice", "choice-case"],
)
def test_read_str_refuses(value, options, message):
    assert read(_types.read_str, value, **options) == (None, [message])


@pytest.mark.parametrize(
    ("value", "expected"), [([1, 2], [1, 2]), ((1, 2), [1, 2]), ([], []), (None, [])],
    ids=["list", "tuple", "empty", "null"],
)
def test_read_list_accepts(value, expected):
    assert read(_types.read_list, value) == (expected, [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.0.0.0/8", "var: text '10.0.0.0/8' is not a list; write [item, ...]"),
        ({"a": 1}, "var: mapping {'a': 1} is not a list; write [item, ...]"),
        (5, "var: integer 5 is not a list; write [item, ...]"),
    ],
    ids=["text", "mapping", "int"],
)
def test_read_list_refuses(value, message):
    assert read(_types.read_list, value) == (None, [message])


def test_read_list_refuses_null_when_not_allowed():
    assert read(_types.read_list, None, allow_none=False) == (None, ["var: null is not a list; write [item, ...]"])


def test_read_mapping_keeps_known_keys_and_reports_the_others_and_the_missing():
    value, messages = read(_types.read_mapping, {"b": 1, "zz": 2, "aa": 3, "c": None}, known=("a", "b", "c"),
                           required=("a", "c"))
    assert value == {"b": 1, "c": None}
    assert messages == [
        "var.aa: unknown key; var takes a, b, c",
        "var.zz: unknown key; var takes a, b, c",
        "var.a: is required",
        "var.c: is required",
    ]


def test_read_mapping_takes_null_as_empty():
    assert read(_types.read_mapping, None, known=("a",)) == ({}, [])


def test_read_mapping_refuses_a_list():
    assert read(_types.read_mapping, [1], known=("a",)) == (None, ["var: list [1] is not a mapping"])


def test_problems_is_false_until_one_is_added():
    problems = _types.Problems()
    assert not problems
    problems.add("x", "bad")
    assert problems and problems.messages == ["x: bad"]
