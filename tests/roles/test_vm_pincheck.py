"""The voicemail PIN checker the sip_extensions role installs for Asterisk (externpasscheck):
run as Asterisk runs it, with the PIN policy installed beside it as on the PBX. It accepts a
PIN only by printing VALID, never prints FAILURE (which Asterisk would take as a pass), and
refuses what it cannot check."""

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECKER = ROOT / "roles/sip_extensions/files/pbxguard-vm-pincheck"
POLICY = ROOT / "plugins/module_utils/_pin_policy.py"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The checker and the policy laid out as on the PBX, under a temporary root."""
    root = tmp_path_factory.mktemp("pbx")
    lib = root / "usr/local/lib/pbxguard"
    lib.mkdir(parents=True)
    shutil.copy(POLICY, lib / "pin_policy.py")
    checker = root / "pbxguard-vm-pincheck"
    checker.write_text(CHECKER.read_text().replace('"/usr/local/lib/pbxguard"', repr(str(lib))))
    return checker


def check(checker, *arguments):
    done = subprocess.run(["python3", str(checker), *arguments], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize(("pin", "reason"), [
    ("11118057", "repeats one digit 4 times"),
    ("80123457", "ascending sequence"),
    ("80575757", "repeats a block"),
    ("19808057", "starts with a year"),
    ("80574", "is 5 long"),
    ("8057491x", "digits only"),
    ("80201574", "contains the mailbox number"),
], ids=["run", "sequence", "block", "year", "short", "not-digits", "mailbox"])
def test_weak_pins_are_refused_by_name(installed, pin, reason):
    verdict = check(installed, "--minimum", "8", "201", "default", "80574913", pin)
    assert verdict.startswith("INVALID: the new PIN") and reason in verdict
    assert pin not in verdict


def test_a_strong_pin_is_accepted(installed):
    assert check(installed, "--minimum", "8", "201", "default", "80574913", "63925087") == "VALID"


def test_the_old_pin_again_is_refused(installed):
    assert "is the PIN it replaces" in check(installed, "201", "default", "63925087", "63925087")


def test_a_longer_site_minimum_applies(installed):
    assert "is 9 long" in check(installed, "--minimum", "10", "201", "default", "", "639250871")


def test_an_empty_old_pin_dropped_by_asterisk_still_checks(installed):
    # Asterisk splits "cmd 201 default  NEW" on spaces: the empty old PIN may vanish.
    assert check(installed, "201", "default", "63925087") == "VALID"


@pytest.mark.parametrize("arguments", [[], ["201"], ["--minimum", "eight", "201", "default", "1", "63925087"]],
                         ids=["none", "too-few", "bad-minimum"])
def test_what_cannot_be_checked_is_refused(installed, arguments):
    assert check(installed, *arguments).startswith("INVALID")


def test_without_the_policy_it_refuses_and_never_says_failure():
    # The checker as installed, but no policy beside it: Asterisk would accept "FAILURE...".
    verdict = check(CHECKER, "201", "default", "80574913", "63925087")
    assert verdict.startswith("INVALID") and "FAILURE" not in verdict
