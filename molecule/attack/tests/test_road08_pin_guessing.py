"""Road 8, PIN guessing: DISA stops a guesser after the allowed attempts.

DISA: the provider (office's IAX2 peer) calls the DID that leads to DISA and keys in a wrong
PIN, one try per call. After trunks_disa_max_attempts (3 in the lab) such calls DISA is
locked: even the right PIN dials nothing; once the admin unlocks it, the right PIN dials out.
(Voicemail's own limit, maxlogins, is the sip_extensions scenario's; a live voicemail guesser
here is still to come.)

PINs are read from the PBX's store inside the test and only ever keyed in, never printed."""

import pytest
from lab import legitimate_path

DISA_DID = "5551009"
DISA_ATTEMPTS = 3
# Wrong, and short: the length makes no difference to DISA, which compares at "#".
WRONG_PIN = "0000"
BAD_PIN_LOGGED = "got bad password"
DISA_LOCKED = "pbxguard: DISA is locked after failed PINs or in use"


def disa_call(lab, keys, outcome):
    """The provider calls DISA over IAX2 and keys in keys (1 s before them, so that DISA
    listens; 4 s after, so that a dialled call starts before the provider hangs up); returns
    once outcome() is true (or after 30 s) and both sides are idle again."""
    lab.asterisk("provider", f"channel originate IAX2/pbx/{DISA_DID} application SendDTMF W{keys}WWWW,150,100")
    lab.wait_for(outcome, timeout=30)
    assert lab.wait_until_idle("provider", "office", timeout=30)


@pytest.fixture(scope="module")
def disa(lab):
    """What each DISA call left: bad PINs logged, locks logged, calls at the provider."""
    pin = lab.secret("office", "disa_pin")
    outcome = {}

    def bad_pins():
        return len(lab.log_lines("office", BAD_PIN_LOGGED))

    for attempt in range(1, DISA_ATTEMPTS + 1):
        disa_call(lab, f"{WRONG_PIN}#", lambda n=attempt: bad_pins() >= n)
        outcome[f"bad pins after {attempt}"] = bad_pins()
    disa_call(lab, f"{pin}#12125550160#", lambda: lab.log_lines("office", DISA_LOCKED))
    outcome["locks"] = len(lab.log_lines("office", DISA_LOCKED))
    outcome["locked call at the provider"] = len(lab.provider_calls("12125550160"))
    lab.asterisk("office", "database del pbxguard disa_failures")  # the admin unlocks DISA
    disa_call(lab, f"{pin}#12125550161#", lambda: lab.provider_calls("12125550161"))
    outcome["unlocked call at the provider"] = len(lab.provider_calls("12125550161"))
    outcome["bad pins at the end"] = bad_pins()
    return outcome


def test_road08_each_wrong_disa_pin_is_one_try(disa):
    assert [disa[f"bad pins after {n}"] for n in range(1, DISA_ATTEMPTS + 1)] == list(range(1, DISA_ATTEMPTS + 1))


def test_road08_disa_locks_after_the_allowed_attempts(disa):
    assert disa["locks"] == 1
    assert disa["locked call at the provider"] == 0


def test_road08_unlocked_disa_dials_out_with_the_right_pin(disa):
    assert disa["unlocked call at the provider"] == 1
    assert disa["bad pins at the end"] == DISA_ATTEMPTS


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road08_the_lan_phone_still_registers_and_calls(lab, pbx):
    legitimate_path(lab, pbx)
