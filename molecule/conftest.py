"""Shared fixtures for the molecule scenarios' testinfra tests.

Each scenario's molecule.yml lists its platforms with their addresses, and the shared
create playbook (tests/containers.py) writes the container of each into molecule's instance
config. Tests talk to the containers through podman directly, which is faster than going
through Ansible; each platform is also a fixture of its own name (`pbx`, `phone`, ...), its
testinfra host. A test that runs ansible-playbook again does so through `testbed.playbook`,
the one runner of tests/playbook.py.
"""

import os
import pathlib
import sys

import pytest
import testinfra
import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
# tests/ is not a package: its helpers (playbook, containers, attacks) import by name.
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

import playbook  # noqa: E402


class Testbed:
    """The containers and addresses of the running scenario."""

    def __init__(self, molecule_file, instance_config):
        self.platforms = {p["name"]: p for p in yaml.safe_load(pathlib.Path(molecule_file).read_text())["platforms"]}
        instances = yaml.safe_load(pathlib.Path(instance_config).read_text()) or []
        self.containers = {i["instance"]: i["address"] for i in instances}
        self.directory = pathlib.Path(os.environ.get("MOLECULE_SCENARIO_DIRECTORY") or pathlib.Path(molecule_file).parent)

    def container(self, name):
        return self.containers[name]

    def host(self, name):
        return testinfra.get_host(f"podman://{self.containers[name]}")

    def address(self, name, family="ipv4", network=None):
        """The platform's address in family on network (its first network by default)."""
        networks = self.platforms[name]["networks"]
        chosen = next(n for n in networks if network in (None, n["name"]))
        return chosen[family]

    def inventory(self, hosts, name, group="pbx"):
        """An inventory in molecule's ephemeral directory: the platforms hosts in group, over
        podman exec."""
        ephemeral = os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]
        return playbook.podman_inventory(ephemeral, {group: {host: self.containers[host] for host in hosts}}, name)

    def playbook(self, name, *args, inventory, extra_vars=None, env=None, timeout=900):
        """ansible-playbook *args on the scenario's playbook name (converge.yml, ...), with
        molecule's settings and the default callback: a playbook.Run, whose repr hides the output."""
        return playbook.run(self.directory / name, inventory, *args, extra_vars=extra_vars, env=env, timeout=timeout)


@pytest.fixture(scope="session")
def testbed():
    return Testbed(os.environ["MOLECULE_FILE"], os.environ["MOLECULE_INSTANCE_CONFIG"])


def _platform_fixture(name):
    @pytest.fixture(scope="module", name=name)
    def platform(testbed):
        return testbed.host(name)

    platform.__doc__ = f"The testinfra host of platform {name}."
    return platform


# One fixture per platform of the running scenario, named after it (a test module's own
# fixture of the same name wins).
if os.environ.get("MOLECULE_FILE"):
    for _platform in yaml.safe_load(pathlib.Path(os.environ["MOLECULE_FILE"]).read_text()).get("platforms") or []:
        if _platform["name"].isidentifier():
            globals()[f"_platform_{_platform['name']}"] = _platform_fixture(_platform["name"])
