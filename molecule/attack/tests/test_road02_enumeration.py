"""Road 2, extension enumeration: SIPVicious svwar finds no extension, from a listed
address (Asterisk answers every user alike) or an unlisted one (dropped)."""

import re

import pytest
from lab import legitimate_path


def svwar(lab, client, pbx, method="REGISTER"):
    output = lab.host(client).sh(
        f"timeout 90 sipvicious_svwar -e 100-299 -m {method} {lab.address(pbx)}", check=False)
    return re.findall(r"(?m)^\|\s*(\d+)\s*\|", output), output


@pytest.mark.parametrize("method", ["REGISTER", "INVITE"])
def test_road02_svwar_from_a_listed_address_finds_no_extension(lab, method):
    found, output = svwar(lab, "insider", "office", method)
    assert found == [], output


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road02_svwar_from_an_unlisted_address_finds_no_extension(lab, pbx):
    found, output = svwar(lab, "outsider", pbx)
    assert found == [], output


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road02_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
