"""Variables the roles make for themselves carry the internal prefix "__".

The site model refuses every variable that has a role's prefix and that the role does not
declare (a misspelt inventory key would otherwise be ignored in silence). A result a role
registers or a fact it sets under such a name (`health_gate`) therefore stops the next run
of the pbx role in the same play, as `audit.yml` after `harden.yml` does."""

import pathlib

import yaml

ROLES = pathlib.Path(__file__).resolve().parents[2] / "roles"


def tasks_of(node):
    """Every task mapping in a task file, blocks, rescues and always sections included."""
    if isinstance(node, list):
        for item in node:
            yield from tasks_of(item)
    elif isinstance(node, dict):
        yield node
        for section in ("block", "rescue", "always"):
            yield from tasks_of(node.get(section) or [])


def names_made(task):
    """The variable names a task registers or sets as facts."""
    names = [task["register"]] if "register" in task else []
    for key in ("set_fact", "ansible.builtin.set_fact"):
        if isinstance(task.get(key), dict):
            names += [name for name in task[key] if name != "cacheable"]
    return names


def test_every_registered_result_and_fact_of_a_role_is_internal():
    offenders = []
    for path in sorted(ROLES.glob("*/tasks/*.yml")):
        for task in tasks_of(yaml.safe_load(path.read_text())):
            offenders += [f"{path.relative_to(ROLES)}: {name}" for name in names_made(task) if not name.startswith("__")]
    assert offenders == []


def test_the_check_finds_a_public_name():
    task = {"name": "x", "register": "health_gate", "block": [{"ansible.builtin.set_fact": {"health_x": 1}}]}
    assert [name for made in tasks_of([task]) for name in names_made(made)] == ["health_gate", "health_x"]
