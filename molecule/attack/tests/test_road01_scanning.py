"""Road 1, scanning: SIPVicious svmap, as itself and with a phone's User-Agent, learns
nothing beyond a generic answer - no product, no version - and from an unlisted address
nothing at all (the firewall drops it; with SIP open to the world, the scanner's
User-Agent is dropped)."""

import re

import attacks
import pytest
from lab import legitimate_path

# "Asterisk", "FPBX", a version number: what a fingerprint must not show.
REVEALING = re.compile(r"asterisk|freepbx|fpbx|pjsip|\d+\.\d+", re.IGNORECASE)


def svmap(lab, client, pbx, disguised=False, family="ipv4"):
    """The devices svmap lists: {address: user agent}."""
    six = "-6 " if family == "ipv6" else ""
    # Disguised, the From display name must go too: "sipvicious" is a scanner string as well.
    tool = (attacks.DISGUISED_SIPVICIOUS.format(tool="svmap") + " --fromname Reception" if disguised
            else "sipvicious_svmap")
    output = lab.host(client).sh(f"timeout 60 {tool} {six}--timeout 2 {lab.address(pbx, family)}", check=False)
    return dict(re.findall(r"(?m)^\|\s*(\S+:5060)\s*\|\s*(.*?)\s*\|", output))


@pytest.mark.parametrize("disguised", [False, True], ids=["svmap", "svmap-as-a-phone"])
def test_road01_a_listed_scanner_gets_a_generic_answer_only(lab, disguised):
    found = svmap(lab, "insider", "office", disguised)
    assert list(found) == [f"{lab.address('office')}:5060"]
    assert not REVEALING.search(found[f"{lab.address('office')}:5060"]), found


def test_road01_the_answer_itself_names_no_product(lab):
    answer = lab.sip("insider", "options", server=lab.address("office"), user="100", headers=True)
    assert answer.startswith("SIP/2.0 401"), answer  # a challenge, no capabilities
    headers = dict(re.findall(r"(?m)^(Server|User-Agent):\s*(.*?)\s*$", answer))
    assert headers and all(value == "PBX" for value in headers.values()), headers


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_road01_an_unlisted_scanner_finds_nothing(lab, family):
    assert svmap(lab, "outsider", "office", family=family) == {}


def test_road01_the_scanner_finds_nothing_when_sip_is_open_to_the_world(lab):
    assert svmap(lab, "outsider", "world") == {}


def test_road01_a_disguised_scanner_gets_a_generic_answer_from_the_world_open_pbx(lab):
    found = svmap(lab, "outsider", "world", disguised=True)
    assert list(found) == [f"{lab.address('world')}:5060"]
    assert not REVEALING.search(found[f"{lab.address('world')}:5060"]), found


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road01_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
