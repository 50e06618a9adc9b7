"""Road 8, PIN guessing: DISA and voicemail stop a guesser after the allowed attempts.

DISA: the provider (office's IAX2 peer) calls the DID that leads to DISA and keys in a wrong
PIN, one try per call. After trunks_disa_max_attempts (3 in the lab) such calls DISA is
locked: even the right PIN dials nothing; once the admin unlocks it, the right PIN dials out.

Voicemail: the lab's dial plan, as an admin's does (FreePBX's *98), takes any phone to any
mailbox's VoiceMailMain. The LAN phone plays an insider or a compromised handset: it calls
*98 and keys VPN phone 202's mailbox, then a wrong PIN, as RFC 4733 events (sip_client.py
--dtmf), four times in one call, pausing while "Login incorrect. Mailbox?" plays (Asterisk
hears no keys then). Asterisk checks each wrong PIN once; after maxlogins of them
(sip_extensions_voicemail_maxlogins, 3) it says goodbye and hangs up, so the fourth is never
checked. The right PIN logs in (the mailbox's menu begins: "You have ...").

What bounds a guesser across calls: only that, maxlogins per call, and the time each call
takes. Asterisk 22's app_voicemail reports a wrong PIN as a VERBOSE line alone, with the PIN
in it ("Incorrect password '<PIN>' for user '202' (context = default)"): no NOTICE, no
security event, so no fail2ban jail sees it, and the lab counts it in the FreePBX-style full
log (prepare.yml). Measured in the lab: a call of 3 tries at this test's pace lasts about 22 s,
so one phone redialling gets about 8 PIN tries a minute (by arithmetic, about 14 for one that
waits out each prompt exactly): an 8-digit PIN (10^8) holds for years against one phone.

PINs are read from the PBX's store inside the test and only ever keyed in, never printed."""

import shlex

import pytest
from lab import FULL_LOG, legitimate_path

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


VOICEMAIL_NUMBER = "*98"
# Another phone's mailbox (VPN phone 202 on office): the LAN phone (201) guesses its PIN.
MAILBOX = "202"
MAXLOGINS = 3  # sip_extensions_voicemail_maxlogins, the role's default
# Wrong PINs of the generated PINs' length (one spare, should the real PIN be one of them).
WRONG_PINS = ["13572468", "24681357", "97531864", "86429753", "75318642"]
# "Login incorrect. Mailbox?" (2.6 s) plays whole while keys are lost: wait 4.5 s after a PIN.
PROMPT_PAUSE = "," * 9
# Played only by the menu of a mailbox one has logged in to.
LOGGED_IN = "Playing 'vm-youhave"


def wrong_pin_logged(pin):
    """app_voicemail's line for a wrong PIN (a VERBOSE line) for MAILBOX."""
    return f"Incorrect password '{pin}' for user '{MAILBOX}'"


def voicemail_call(lab, keys):
    """The LAN phone calls voicemail and keys keys; sip_client.py's line ("200 keyed=N/M
    bye=pbx|phone"), once office is idle again."""
    line = lab.sip("phone", "call", server=lab.address("office"), user="201", password=lab.secret("office"),
                   to=shlex.quote(VOICEMAIL_NUMBER), dtmf=shlex.quote(keys), hold=3, timeout=5)
    assert lab.wait_until_idle("office")
    return line


def voicemail_log(lab):
    """office's full-log lines of wrong PINs and logins, read at once."""
    pattern = shlex.quote(f"Incorrect password|{LOGGED_IN}")
    return lab.host("office").sh(f"grep -hE {pattern} {FULL_LOG} 2>/dev/null || true").splitlines()


@pytest.fixture(scope="module")
def voicemail(lab):
    """What the guesser's call and the owner's call left: each wrong PIN's checks, logins."""
    pin = lab.secret("office", f"vm_{MAILBOX}")
    wrong = [candidate for candidate in WRONG_PINS if candidate != pin][:MAXLOGINS + 1]

    def count(lines, text):
        return sum(text in line for line in lines)

    before = voicemail_log(lab)
    outcome = {"guesser": voicemail_call(lab, PROMPT_PAUSE.join(f"{MAILBOX}#{candidate}#" for candidate in wrong))}
    guessed = voicemail_log(lab)
    outcome["owner"] = voicemail_call(lab, f"{MAILBOX}#{pin}#")
    after = voicemail_log(lab)
    outcome["checks"] = [count(guessed, wrong_pin_logged(c)) - count(before, wrong_pin_logged(c)) for c in wrong]
    outcome["guesser logins"] = count(guessed, LOGGED_IN) - count(before, LOGGED_IN)
    outcome["owner logins"] = count(after, LOGGED_IN) - count(guessed, LOGGED_IN)
    outcome["owner wrong pins"] = count(after, "Incorrect password") - count(guessed, "Incorrect password")
    return outcome


def test_road08_each_wrong_voicemail_pin_is_checked_once(voicemail):
    assert voicemail["guesser"].startswith("200 ")
    assert voicemail["checks"][:MAXLOGINS] == [1] * MAXLOGINS
    assert voicemail["guesser logins"] == 0


def test_road08_voicemail_hangs_up_after_maxlogins_wrong_pins(voicemail):
    status, keyed, bye = voicemail["guesser"].split()
    sent, keys = map(int, keyed.removeprefix("keyed=").split("/"))
    assert (status, bye) == ("200", "bye=pbx")
    assert sent < keys  # the PBX hung up before the fourth PIN was keyed


def test_road08_a_fourth_voicemail_pin_in_that_call_is_never_checked(voicemail):
    assert voicemail["checks"][MAXLOGINS] == 0


def test_road08_the_right_voicemail_pin_logs_in(voicemail):
    # The owner's call stays up until the phone hangs up, and nothing of it was a wrong PIN.
    assert voicemail["owner"].startswith("200 ") and voicemail["owner"].endswith(" bye=phone")
    assert voicemail["owner wrong pins"] == 0
    assert voicemail["owner logins"] == 1


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road08_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
