"""inventories/example (a headquarters and two branch offices) describes valid sites, and its
site links come out of the inventory as a whole."""

import pathlib

import pytest
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.vars.manager import VariableManager

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import build, prefixes
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.site_links import PEER_VARIABLES

EXAMPLE = pathlib.Path(__file__).resolve().parents[4] / "inventories" / "example"


@pytest.fixture(scope="module")
def example():
    """{host: its variables}, in the inventory's order (HOME in the one template, openvpn_profiles_dir, as /home/admin)."""
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[str(EXAMPLE / "hosts.yml")])
    manager = VariableManager(loader=loader, inventory=inventory)
    hosts = {}
    for host in inventory.get_hosts("pbx"):
        variables = manager.get_vars(host=host)
        hosts[host.name] = {name: value.replace("{{ lookup('ansible.builtin.env', 'HOME') }}", "/home/admin")
                            if isinstance(value, str) else value for name, value in variables.items()
                            if not name.startswith(("ansible_", "group", "inventory", "playbook"))}
    return hosts


def site_of(example, defaults, me):
    variables = {name: value for name, value in example[me].items() if name.startswith(prefixes(defaults))}
    peers = {"self": me, "hosts": {name: {key: value[key] for key in PEER_VARIABLES if key in value}
                                   for name, value in example.items()}}
    return build(variables, defaults, {"asterisk": {"installed": True}}, "", peers)


def test_the_headquarters_comes_first(example):
    assert list(example) == ["pbx-hq", "pbx-north", "pbx-south"]


def test_every_site_is_valid_and_linked(example, defaults):
    sites = {name: site_of(example, defaults, name) for name in example}
    assert [link["name"] for link in sites["pbx-hq"]["site_links"]["links"]] == ["pbx-north", "pbx-south"]
    for branch, address in (("pbx-north", "198.51.100.20/32"), ("pbx-south", "203.0.113.30/32")):
        assert [link["name"] for link in sites[branch]["site_links"]["links"]] == ["pbx-hq"]
        assert sites[branch]["sources"]["iax2"]["ipv4"] == ["192.0.2.10/32"]
        assert address in sites["pbx-hq"]["sources"]["iax2"]["ipv4"]
    # The provider stays at the headquarters, out of the branches' routes.
    assert [trunk["name"] for trunk in sites["pbx-hq"]["trunks"]] == ["itsp", "pbx-north", "pbx-south"]
    assert [trunk["name"] for trunk in sites["pbx-north"]["trunks"]] == ["pbx-hq"]
