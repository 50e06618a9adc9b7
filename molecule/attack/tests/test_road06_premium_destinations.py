"""Road 6, an authenticated extension dialing out to where the bill runs up: the LAN phone,
with its own secret, calls international, premium and high-fraud numbers on office. Each call
is refused and never reaches the provider; a domestic number does (the route works)."""

import time

import pytest
from lab import DOMESTIC_NUMBER, legitimate_path

REFUSED_DESTINATIONS = {
    "international": "011441234567890",
    "premium-900": "19005550123",
    "premium-976": "12129765555",
    "high-fraud-jamaica": "18765550123",
    "high-fraud-dominican-10-digit": "8095550123",
}


@pytest.fixture(scope="module")
def refused(lab):
    """{name: the call's final status} for every refused destination, then a pause for any
    call that did leak to reach the provider's log."""
    secret = lab.secret("office")
    statuses = {name: lab.call("phone", "office", secret, number) for name, number in REFUSED_DESTINATIONS.items()}
    time.sleep(1)
    return statuses


@pytest.mark.parametrize("name", list(REFUSED_DESTINATIONS))
def test_road06_an_authenticated_call_to_a_toll_fraud_destination_is_refused(refused, name):
    assert refused[name] == "403"


@pytest.mark.parametrize("name", list(REFUSED_DESTINATIONS))
def test_road06_a_toll_fraud_destination_never_reaches_the_provider(lab, refused, name):
    assert lab.provider_calls(REFUSED_DESTINATIONS[name]) == []


def test_road06_the_pbx_logs_each_refusal(lab, refused):
    assert len(lab.log_lines("office", "pbxguard: refused a blocked or unrouted destination")) >= len(refused)


def test_road06_a_domestic_call_reaches_the_provider(lab):
    """The control: the route the toll-fraud calls must not take does work."""
    assert lab.call("phone", "office", lab.secret("office"), DOMESTIC_NUMBER) == "200"
    assert lab.provider_calls(DOMESTIC_NUMBER)


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road06_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
