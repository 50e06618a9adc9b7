"""Shared helpers for the unit tests of the site model (plugins/plugin_utils/_site/).

The fixtures build a description over BASE, the smallest valid one (a LAN, so that SIP
has a source): a test names only what it is about, and sets pbx_lan_networks: [] when
it is about a site without one.
"""

import pytest

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import SiteError, build
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.defaults import role_defaults

BASE = {"pbx_lan_networks": ["10.1.0.0/24"]}


@pytest.fixture(scope="session")
def defaults():
    return role_defaults()


@pytest.fixture
def site(defaults):
    """site(variables, host=None, ssh_client="") -> pbx_site of BASE updated with variables."""

    def make(variables=None, host=None, ssh_client=""):
        return build({**BASE, **(variables or {})}, defaults, host, ssh_client)

    return make


@pytest.fixture
def problems(defaults):
    """problems(variables, host=None, ssh_client="") -> the problems build() raises for them."""

    def make(variables, host=None, ssh_client=""):
        with pytest.raises(SiteError) as caught:
            build({**BASE, **variables}, defaults, host, ssh_client)
        assert str(caught.value) == "\n".join(caught.value.problems)
        return caught.value.problems

    return make


@pytest.fixture
def port():
    """port(protocol, start, end=None) -> one entry of the port plan."""

    def make(protocol, start, end=None):
        end = start if end is None else end
        single = start == end
        return {
            "protocol": protocol,
            "start": start,
            "end": end,
            "count": end - start + 1,
            "iptables": str(start) if single else f"{start}:{end}",
            "nft": str(start) if single else f"{start}-{end}",
        }

    return make
