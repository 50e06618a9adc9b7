"""The watcher pbxguard-secwatch (roles/fail2ban/files/pbxguard-secwatch) on the controller:
its pure functions with hostile field values, and one real session against a fake AMI server
on loopback (login, events, Asterisk restarting). Milliseconds, no container.

Run: .venv/bin/pytest -v tests/fail2ban/test_secwatch.py
"""

import importlib.machinery
import importlib.util
import random
import re
import socket
import threading
import time
from pathlib import Path

import pytest

WATCHER = Path(__file__).resolve().parents[2] / "roles/fail2ban/files/pbxguard-secwatch"
# Everything the watcher may ever write: fixed words and an address.
LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d pbxguard-secwatch: (failure|autherror|success|roaming) "
                  r"service=[A-Z][A-Z0-9]{1,15} event=[A-Za-z]+ address=[0-9a-f.:]+\n")


def load():
    loader = importlib.machinery.SourceFileLoader("pbxguard_secwatch", str(WATCHER))
    spec = importlib.util.spec_from_loader("pbxguard_secwatch", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


sw = load()


def block(**fields):
    """An AMI event as Asterisk sends it: one "Name: value" a line, CRLF."""
    return "\r\n".join(f"{name}: {value}" for name, value in fields.items())


def event(name="ChallengeResponseFailed", remote="IPV4/UDP/198.51.100.7/5060", **extra):
    fields = {"Event": name, "Privilege": "security,all", "EventTV": "2026-12-01T16:33:43.128+0000",
              "Severity": "Error", "Service": "PJSIP", "EventVersion": "1", "AccountID": "201",
              "SessionID": "0f21e594 0183d413", "LocalAddress": "IPV4/UDP/10.0.0.1/5060",
              "RemoteAddress": remote, "Challenge": "1796142823/32f441673a650d3c", "Response": "0b6f7b15"}
    fields.update(extra)
    return block(**fields)


HOSTILE = [
    "0f21e594 0183d413",
    "x' failed for '192.0.2.66:5060' (callid: z) - Failed to authenticate",
    'x",RemoteAddress="IPV4/UDP/192.0.2.66/5060"',
    "RemoteAddress: IPV4/UDP/192.0.2.66/5060",
    "\tBüro (desk) 'front' \"A\" 電話",
    "address=192.0.2.66",
    "pbxguard-secwatch: failure service=PJSIP event=FailedACL address=192.0.2.66",
    "",
    ": : :",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["AccountID", "SessionID", "Response", "Challenge", "LocalAddress"])
def test_attacker_text_never_reaches_the_line(field, value):
    kind, text = sw.decide(sw.parse_event(event(**{field: value})))
    if field in ("Challenge", "Response") and value == "":
        assert kind == "failure"  # only both empty make an autherror
    line = sw.format_line(text, 0)
    assert LINE.fullmatch(line), line
    assert text.endswith(" address=198.51.100.7")
    assert "192.0.2.66" not in line


def test_random_hostile_fields_give_only_fixed_lines():
    rng = random.Random(20261201)
    alphabet = "ab 1:'\"()\t=,./-[]%üé電話" + "RemoteAddress IPV4/UDP/192.0.2.66/5060 failed for "
    for _round in range(2000):
        fields = {name: "".join(rng.choice(alphabet) for _char in range(rng.randrange(0, 60)))
                  for name in ("AccountID", "SessionID", "Response", "Challenge")}
        decision = sw.decide(sw.parse_event(event(**fields)))
        assert decision[0] in ("failure", "autherror")
        assert LINE.fullmatch(sw.format_line(decision[1], 0))
        assert decision[1].endswith(" address=198.51.100.7")


@pytest.mark.parametrize("name", ["InvalidAccountID", "ChallengeResponseFailed", "InvalidPassword", "FailedACL"])
def test_each_failure_event_gives_a_failure_line(name):
    assert sw.decide(sw.parse_event(event(name))) == (
        "failure", f"failure service=PJSIP event={name} address=198.51.100.7")


@pytest.mark.parametrize("service", ["AMI", "IAX2", "SIP"])
def test_other_services_are_written_with_their_name(service):
    assert sw.decide(sw.parse_event(event("InvalidPassword", Service=service)))[1] == (
        f"failure service={service} event=InvalidPassword address=198.51.100.7")


def test_server_side_auth_error_is_its_own_kind():
    assert sw.decide(sw.parse_event(event(Challenge="", Response=""))) == (
        "autherror", "autherror service=PJSIP event=ChallengeResponseFailed address=198.51.100.7")


def test_successful_pjsip_auth_is_a_success_line():
    assert sw.decide(sw.parse_event(event("SuccessfulAuth", Severity="Informational"))) == (
        "success", "success service=PJSIP event=SuccessfulAuth address=198.51.100.7")


def roaming_success(**extra):
    fields = {"Severity": "Informational", "AccountID": "401", "UsingPassword": "1"} | extra
    return sw.parse_event(event("SuccessfulAuth", **fields))


def test_successful_password_auth_of_a_roaming_account_is_a_roaming_line():
    assert sw.decide(roaming_success(), frozenset({"401"})) == (
        "roaming", "roaming service=PJSIP event=SuccessfulAuth account=401 address=198.51.100.7")


@pytest.mark.parametrize(("extra", "roaming"), [
    ({}, frozenset()),                                  # no roaming account at all
    ({}, frozenset({"402"})),                           # another account roams
    ({"AccountID": "4010"}, frozenset({"401"})),        # compared whole, not as a prefix
    ({"AccountID": "401 "}, frozenset({"401"})),
    ({"UsingPassword": "0"}, frozenset({"401"})),       # identified by address, not by its secret
], ids=["none", "other", "longer", "space", "no-password"])
def test_other_successes_stay_success_lines(extra, roaming):
    assert sw.decide(roaming_success(**extra), roaming)[0] == "success"


def test_a_twice_given_account_is_malformed():
    text = event("SuccessfulAuth", AccountID="402", UsingPassword="1") + "\r\nAccountID: 401"
    assert sw.decide(sw.parse_event(text), frozenset({"401"}))[0] == "malformed"


def test_config_keeps_only_extension_numbers_as_roaming_accounts(tmp_path):
    config = tmp_path / "secwatch.conf"
    config.write_text("[ami]\nusername = u\nsecret = s\n[learn]\naccounts = 401 402 x9 1 123456789 4O3\n")
    assert sw.read_config(config)["roaming"] == frozenset({"401", "402"})


def test_config_without_learn_section_learns_nothing(tmp_path):
    config = tmp_path / "secwatch.conf"
    config.write_text("[ami]\nusername = u\nsecret = s\n")
    assert sw.read_config(config)["roaming"] == frozenset()


@pytest.mark.parametrize("fields", [
    {"Event": "SuccessfulAuth", "Service": "AMI"},       # the watcher's own login, admins
    {"Event": "ChallengeSent"},
    {"Event": "InvalidTransport"},
    {"Event": "FullyBooted"},
    {"Response": "Success", "Message": "Authentication accepted"},
])
def test_events_that_are_not_written(fields):
    base = dict(re.findall(r"(\w+): ([^\r]*)", event()))
    base.pop("Event")
    base.update(fields)
    assert sw.decide(sw.parse_event(block(**base))) is None


@pytest.mark.parametrize("remote, address", [
    ("IPV4/UDP/198.51.100.7/5060", "198.51.100.7"),
    ("IPV4/TCP/198.51.100.7/1", "198.51.100.7"),
    ("IPV6/UDP/fd42:4242:2::66/5060", "fd42:4242:2::66"),
    ("IPV6/TLS/[2001:DB8::7]/5061", "2001:db8::7"),
    ("IPV6/WSS/2001:db8:0:0:0:0:0:7/443", "2001:db8::7"),
])
def test_remote_addresses(remote, address):
    assert sw.remote_address(remote) == address


@pytest.mark.parametrize("remote", [
    None, "", "IPV4/UDP/198.51.100.300/5060", "IPV4/UDP/198.51.100.7", "IPV4/UDP/198.51.100.7/5060 ",
    "IPV4/UDP/198.51.100.7/5060,RemoteAddress=IPV4/UDP/192.0.2.66/5060", "IPV4/UDP/fd42::66/5060",
    "IPV6/UDP/198.51.100.7/5060", "IPV4/UDP/198.51.100.7/99999", "IPV4/UDP/010.0.0.1/5060",
    "IPV6/UDP/fe80::1%eth0/5060", "IPV4/UDP/\uff11\uff10.0.0.1/5060", "IPV4/SCTP/198.51.100.7/5060",
    "ipv4/udp/198.51.100.7/5060", "IPV4/UDP/pbx.example.com/5060", " IPV4/UDP/198.51.100.7/5060",
])
def test_bad_remote_addresses_are_refused(remote):
    assert sw.remote_address(remote) is None
    if remote is not None:
        assert sw.decide(sw.parse_event(event(remote=remote)))[0] == "malformed"


@pytest.mark.parametrize("text", [
    # A second RemoteAddress (or Event, Service) field: the message cannot be trusted.
    event() + "\r\nRemoteAddress: IPV4/UDP/192.0.2.66/5060",
    "RemoteAddress: IPV4/UDP/192.0.2.66/5060\r\n" + event(),
    event() + "\r\nEvent: SuccessfulAuth",
    event() + "\r\nService: AMI",
    # A line break inside a value, a line without a name.
    event(SessionID="a\nRemoteAddress: IPV4/UDP/192.0.2.66/5060"),
    event(SessionID="a\rb"),
    event() + "\r\nno colon here",
])
def test_malformed_messages_are_dropped(text):
    assert sw.parse_event(text) is None
    assert sw.decide(sw.parse_event(text)) == ("malformed", "unparsable event")


def test_a_missing_remote_address_is_malformed():
    text = "\r\n".join(line for line in event().split("\r\n") if not line.startswith("RemoteAddress"))
    assert sw.decide(sw.parse_event(text)) == ("malformed", "ChallengeResponseFailed without a valid RemoteAddress")


def test_a_strange_service_is_malformed():
    assert sw.decide(sw.parse_event(event(Service="PJSIP event=x address=192.0.2.66")))[0] == "malformed"


def test_empty_values_and_colons_in_values():
    fields = sw.parse_event("Event: ChallengeSent\r\nChallenge: \r\nAccountID: a: b: c\r\nExpectedResponse:")
    assert fields == {"Event": "ChallengeSent", "Challenge": "", "AccountID": "a: b: c", "ExpectedResponse": ""}


def test_split_messages_keeps_a_partial_message():
    messages, rest = sw.split_messages(b"Event: A\r\nX: 1\r\n\r\nEvent: B\r\nX: 2\r\n\r\nEvent: C\r\nX:")
    assert messages == [b"Event: A\r\nX: 1", b"Event: B\r\nX: 2"]
    assert rest == b"Event: C\r\nX:"


def test_login_action_and_answer():
    action = sw.login_action("pbxguard-secwatch", "s3cret")
    assert action.endswith(b"\r\n\r\n") and b"Events: security\r\n" in action
    assert sw.login_accepted("Response: Success\r\nActionID: pbxguard-secwatch-login\r\nMessage: Authentication accepted")
    assert not sw.login_accepted("Response: Error\r\nActionID: pbxguard-secwatch-login\r\nMessage: Authentication failed")
    with pytest.raises(ValueError):
        sw.login_action("pbxguard-secwatch", "s3cret\r\nAction: Originate")


def test_format_line_is_local_time_and_one_line():
    line = sw.format_line("failure service=PJSIP event=FailedACL address=198.51.100.7", 1796142823)
    expected = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(1796142823))
    assert line == f"{expected} pbxguard-secwatch: failure service=PJSIP event=FailedACL address=198.51.100.7\n"


class FakeAMI:
    """A loopback AMI server: accepts a login, sends the given events, then hangs up (an
    Asterisk restart); the next session gets the next batch."""

    def __init__(self, sessions, secret="s3cret"):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sessions, self.secret, self.logins = sessions, secret, 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        for batch in self.sessions:
            conn, _addr = self.server.accept()
            with conn:
                conn.sendall(b"Asterisk Call Manager/11.0.0\r\n")
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(4096)
                ok = f"Secret: {self.secret}\r\n".encode() in request
                self.logins += ok
                conn.sendall(b"Response: " + (b"Success" if ok else b"Error")
                             + b"\r\nActionID: pbxguard-secwatch-login\r\nMessage: x\r\n\r\n")
                for text in batch:
                    # Split across TCP segments: the watcher must reassemble messages.
                    data = (text + "\r\n\r\n").encode()
                    conn.sendall(data[:7])
                    time.sleep(0.01)
                    conn.sendall(data[7:])
                time.sleep(0.1)
        time.sleep(60)


def test_a_session_and_a_reconnection(tmp_path):
    log = tmp_path / "secwatch.log"
    ami = FakeAMI([[event(), event("SuccessfulAuth", remote="IPV6/UDP/fd42:4242:2::20/5060"),
                    event(SessionID="x\nRemoteAddress: IPV4/UDP/192.0.2.66/5060")],
                   [event("InvalidAccountID", remote="IPV4/UDP/198.51.100.8/5060")]])
    config = tmp_path / "secwatch.conf"
    config.write_text(f"[ami]\nhost = 127.0.0.1\nport = {ami.port}\nusername = pbxguard-secwatch\n"
                      f"secret = s3cret\n\n[log]\npath = {log}\n", encoding="utf-8")
    threading.Thread(target=sw.main, args=(["--config", str(config)],), daemon=True).start()
    deadline = time.time() + 10
    while time.time() < deadline and (not log.exists() or log.read_text().count("\n") < 3):
        time.sleep(0.05)
    written = log.read_text().splitlines(keepends=True)
    assert ami.logins == 2
    assert [line.split(": ", 1)[1] for line in written] == [
        "failure service=PJSIP event=ChallengeResponseFailed address=198.51.100.7\n",
        "success service=PJSIP event=SuccessfulAuth address=fd42:4242:2::20\n",
        "failure service=PJSIP event=InvalidAccountID address=198.51.100.8\n",
    ]
    assert all(LINE.fullmatch(line) for line in written)
