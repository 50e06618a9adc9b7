"""secret_audit: what passes, what fails and how each problem is worded."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.secret_audit import FilterModule, secret_audit

# Drawn once from the secrets module; they have none of the patterns below.
STRONG_SIP = "rytPGhFwMwlSXcYWYdGp6zB746UARAlO"
GOOD_PIN = "83960574"
GOOD_DISA = "580392746185"


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"secret_audit": secret_audit}


def test_strong_sip_secret():
    result = secret_audit(STRONG_SIP, kind="sip", extension="201")
    assert result["ok"] is True and result["problems"] == []
    assert result["bits"] >= 128


def test_kind_defaults_to_sip():
    assert secret_audit(STRONG_SIP) == secret_audit(STRONG_SIP, kind="sip")


@pytest.mark.parametrize(
    "secret, bits, problems",
    [
        ("", 0, ["is empty"]),
        ("password", 7, ["estimated strength is 7 bits, below the 128 required", "is mostly common words"]),
        ("P@ssw0rd1!", 21, ["estimated strength is 21 bits, below the 128 required", "is mostly common words"]),
        ("1qaz2wsx", 16, ["estimated strength is 16 bits, below the 128 required", "is mostly a walk along the keyboard"]),
        ("qwertyuiop", 13, ["estimated strength is 13 bits, below the 128 required", "is mostly a walk along the keyboard"]),
        ("Tr0ub4dor&3", 66, ["estimated strength is 66 bits, below the 128 required"]),
        # 40 characters, but one repeated: 4.7 bits for the first, 1 bit for each repeat.
        ("x" * 40, 43, ["estimated strength is 43 bits, below the 128 required"]),
    ],
)
def test_weak_sip_secrets(secret, bits, problems):
    assert secret_audit(secret, kind="sip") == {"ok": False, "bits": bits, "problems": problems}


def test_sip_secret_with_the_extension_number():
    secret = STRONG_SIP[:10] + "201" + STRONG_SIP[10:]
    assert secret_audit(secret, kind="sip", extension=201)["problems"] == ["contains the extension number 201"]


def test_long_passphrase_of_common_words_is_counted_per_word():
    # Each word counts as one pick from the list (about 8.4 bits), not per letter.
    result = secret_audit("correcthorsebatterystaple", kind="sip")
    assert result["bits"] < 128 and not result["ok"]


@pytest.mark.parametrize("kind, pin", [("pin", GOOD_PIN), ("disa", GOOD_DISA), ("pin", GOOD_DISA)])
def test_good_pins(kind, pin):
    assert secret_audit(pin, kind=kind, extension="201") == {"ok": True, "bits": secret_audit(pin, kind=kind)["bits"], "problems": []}


@pytest.mark.parametrize(
    "kind, pin, problems",
    [
        ("pin", "", ["is empty"]),
        ("pin", "8396057", ["is 7 long, a voicemail PIN needs at least 8 digits"]),
        ("disa", GOOD_PIN, ["is 8 long, a DISA PIN needs at least 12 digits"]),
        ("pin", "8396O574", ["must contain digits only"]),
        ("pin", "83960 74", ["must contain digits only"]),
        ("pin", "8396\u0661574", ["must contain digits only"]),
        ("pin", "12a", ["is 3 long, a voicemail PIN needs at least 8 digits", "must contain digits only"]),
        ("pin", "83911174", ["repeats one digit 3 times in a row"]),
        ("pin", "80000074", ["repeats one digit 5 times in a row"]),
        ("pin", "83456074", ["has an ascending sequence of 4 digits"]),
        ("pin", "83987074", ["has a descending sequence of 3 digits"]),
        ("pin", "12345678", ["has an ascending sequence of 8 digits"]),
        ("pin", "83838074", ["repeats a block of 2 digits"]),
        ("pin", "84058405", ["repeats a block of 4 digits"]),
        ("pin", "95306306", ["repeats a block of 3 digits"]),
        ("pin", "19858074", ["starts with a year"]),
        ("pin", "84652024", ["ends with a year"]),
        ("pin", "25128074", ["starts with a date (DDMMYY, MMDDYY or YYMMDD)"]),
        ("pin", "84251287", ["ends with a date (DDMMYY, MMDDYY or YYMMDD)"]),
        ("pin", "96839201", ["contains the extension number 201"]),
    ],
)
def test_weak_pins(kind, pin, problems):
    result = secret_audit(pin, kind=kind, extension="201")
    assert result["problems"] == problems
    assert result["ok"] is False


def test_year_outside_the_range_is_no_problem():
    assert secret_audit("18508074", kind="pin")["ok"] is True


def test_problems_never_quote_the_value():
    result = secret_audit("19871987", kind="pin")
    assert result["problems"] and not any("1987" in problem for problem in result["problems"])


@pytest.mark.parametrize(
    "secret, kwargs, message",
    [
        (12345678, {"kind": "pin"}, r"expected the secret as a string, got int \(quote PINs in YAML so that leading zeros are kept\)"),
        (None, {}, r"expected the secret as a string, got NoneType \(quote PINs in YAML so that leading zeros are kept\)"),
        (b"secret", {}, r"expected the secret as a string, got bytes \(quote PINs in YAML so that leading zeros are kept\)"),
        ("x", {"kind": "voicemail"}, "kind must be one of sip, pin, disa, got 'voicemail'"),
        ("x", {"kind": None}, "kind must be one of sip, pin, disa, got None"),
        ("x", {"extension": True}, "extension must be a number or a string, got bool True"),
        ("x", {"extension": ""}, "extension must be a number or a string, got str ''"),
        ("x", {"extension": [201]}, r"extension must be a number or a string, got list \[201\]"),
    ],
)
def test_rejections(secret, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=f"^secret_audit: {message}$"):
        secret_audit(secret, **kwargs)


def test_type_error_does_not_echo_the_value():
    with pytest.raises(AnsibleFilterError) as caught:
        secret_audit(83960574, kind="pin")
    assert "83960574" not in str(caught.value)
