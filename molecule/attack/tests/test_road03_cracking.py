"""Road 3, password cracking: SIPVicious svcrack and a guesser posing as a phone (its
User-Agent, a Call-ID and a From display name of the kind a desk phone sends) find no
password; where a guesser's requests reach Asterisk from an unlisted address (SIP open to
the world), the firewall's per-source byte budget (2048 bytes) lets through about one
registration attempt of a phone's size, and the SIP jail bans at the second failure within a
day (fail2ban_sip_world_maxretry): this guesser, which asks for a fresh nonce before each
guess, lands one or two guesses, then gets no answer. (Guessers that reuse one nonce and fit
more guesses into the budget are banned at once: the roaming scenario.)"""

import re

import attacks
import pytest
from lab import legitimate_path

# fail2ban_sip_world_maxretry: the second failure within a day bans.
SIP_WORLD_MAXRETRY = 2


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
    """The disguised guesser against the world-open PBX for 60 s (one guess a second while
    it gets answers): what reached Asterisk and whether fail2ban banned it."""
    guesser = lab.host("guesser")
    guesser.sh(f"timeout 60 {attacks.disguised_guesser(lab.address('world'), count=60, interval=1)}", check=False)
    address = lab.address("guesser")
    return {"guesses": attacks.failures(lab.host("world"), address),
            "banned": address in attacks.banned(lab.host("world"))}


def test_road03_the_disguised_guesser_lands_at_most_the_ban_count(disguised):
    assert 1 <= disguised["guesses"] <= SIP_WORLD_MAXRETRY, disguised


def test_road03_the_disguised_guesser_is_banned_once_it_reaches_the_ban_count(lab, disguised):
    # Below the count it may be held by the byte budget alone (refilled by 256 bytes an hour);
    # fail2ban may also have counted a failure the log line above does not show.
    banned = lab.wait_for_ban("world", lab.address("guesser"), timeout=10) is not None
    assert banned or disguised["guesses"] < SIP_WORLD_MAXRETRY, disguised


def test_road03_the_guesser_gets_no_answer_after_its_budget(lab, disguised):
    assert lab.register("guesser", "world", "Wrong-0000") == "timeout"


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road03_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
