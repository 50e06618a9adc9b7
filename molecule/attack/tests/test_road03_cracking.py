"""Road 3, password cracking: SIPVicious svcrack and a guesser posing as a phone (its
User-Agent, a Call-ID and a From display name of the kind a desk phone sends) find no
password; where a guesser's requests reach Asterisk from an unlisted address (SIP open to
the world), fail2ban bans it after a few guesses."""

import re

import attacks
import pytest
from lab import legitimate_path

# maxretry 3, plus the guesses in flight when the ban lands.
MOST_GUESSES_BEFORE_THE_BAN = 5


def cracked(lab, client, pbx, seconds):
    output = lab.host(client).sh(attacks.svcrack(lab.address(pbx), seconds), check=False)
    return re.findall(r"(?m)^\|\s*201\s*\|\s*(\S+)\s*\|", output)


def test_road03_svcrack_from_a_listed_address_finds_no_password(lab):
    assert cracked(lab, "insider", "office", 10) == []


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road03_svcrack_from_an_unlisted_address_lands_no_guess(lab, pbx):
    assert cracked(lab, "outsider", pbx, 10) == []
    assert attacks.failures(lab.host(pbx), lab.address("outsider")) == 0


@pytest.fixture(scope="module")
def disguised(lab):
    """The disguised guesser against the world-open PBX, in the background, until banned."""
    guesser = lab.host("guesser")
    guesser.sh(f"systemd-run --collect --unit=guesser timeout 90 "
               f"{attacks.disguised_guesser(lab.address('world'), count=100)}")
    seconds = lab.wait_for_ban("world", lab.address("guesser"), timeout=90)
    guesser.sh("systemctl stop guesser 2>/dev/null || true", check=False)
    return seconds


def test_road03_a_guesser_posing_as_a_phone_is_banned(lab, disguised):
    assert disguised is not None, "not banned within 90 s"


def test_road03_the_disguised_guesser_landed_only_a_few_guesses(lab, disguised):
    assert 1 <= attacks.failures(lab.host("world"), lab.address("guesser")) <= MOST_GUESSES_BEFORE_THE_BAN


def test_road03_the_banned_guesser_gets_no_answer(lab, disguised):
    assert lab.register("guesser", "world", "Wrong-0000") == "timeout"


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road03_the_lan_phone_still_registers_and_calls(lab, pbx):
    legitimate_path(lab, pbx)
