"""Shared fixtures for the molecule scenarios' testinfra tests.

Each scenario's molecule.yml lists its platforms with their addresses, and the shared
create playbook writes the container of each into molecule's instance config. Tests talk
to the containers through podman directly, which is faster than going through Ansible.
"""

import os
import pathlib

import pytest
import testinfra
import yaml


class Testbed:
    """The containers and addresses of the running scenario."""

    def __init__(self, molecule_file, instance_config):
        self.platforms = {p["name"]: p for p in yaml.safe_load(pathlib.Path(molecule_file).read_text())["platforms"]}
        instances = yaml.safe_load(pathlib.Path(instance_config).read_text()) or []
        self.containers = {i["instance"]: i["address"] for i in instances}

    def container(self, name):
        return self.containers[name]

    def host(self, name):
        return testinfra.get_host(f"podman://{self.containers[name]}")

    def address(self, name, family="ipv4", network=None):
        """The platform's address in family on network (its first network by default)."""
        networks = self.platforms[name]["networks"]
        chosen = next(n for n in networks if network in (None, n["name"]))
        return chosen[family]


@pytest.fixture(scope="session")
def testbed():
    return Testbed(os.environ["MOLECULE_FILE"], os.environ["MOLECULE_INSTANCE_CONFIG"])
