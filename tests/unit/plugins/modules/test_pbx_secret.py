"""pbx_secret, run for real: the module file is executed with a JSON arguments file
against a store in a temporary directory, as Ansible would run it on a target."""

import json
import os
import stat
import string
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.pbxguard.hardening.plugins.modules import pbx_secret

MODULE = Path(pbx_secret.__file__)
# .../ansible_collections/pbxguard/hardening/plugins/modules/pbx_secret.py: not
# resolved, so that the path still runs through ansible_collections/.
COLLECTIONS_ROOT = MODULE.parents[5]


def run(tmp_path, check_mode=False, diff=False, no_log=True, **args):
    """Run the module once; return its parsed JSON result."""
    args_file = tmp_path / "args.json"
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_no_log=no_log)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS_ROOT))
    completed = subprocess.run(
        [sys.executable, str(MODULE), str(args_file)], capture_output=True, text=True, env=env, check=False, cwd=tmp_path
    )
    return json.loads(completed.stdout)


@pytest.fixture
def store(tmp_path):
    return tmp_path / "etc" / "pbxguard" / "secrets.json"


def stored(store):
    return json.loads(store.read_text(encoding="utf-8"))["secrets"]


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_collections_root_is_an_ansible_collections_parent():
    assert (COLLECTIONS_ROOT / "ansible_collections" / "pbxguard" / "hardening").is_dir()


def test_create_keep_rotate(tmp_path, store):
    created = run(tmp_path, name="sip_201", store=str(store), exclude=["201"])
    assert created["changed"] is True and not created.get("failed")
    secret = created["secret"]
    assert len(secret) == 32 and set(secret) <= set(string.ascii_letters + string.digits)
    assert "201" not in secret
    assert stored(store) == {"sip_201": {"kind": "sip_secret", "value": secret}}
    assert mode(store) == 0o600
    assert mode(store.parent) == 0o700
    assert {key: created[key] for key in ("name", "kind", "store")} == {"name": "sip_201", "kind": "sip_secret", "store": str(store)}

    kept = run(tmp_path, name="sip_201", store=str(store), exclude=["201"])
    assert kept["changed"] is False and kept["secret"] == secret

    rotated = run(tmp_path, name="sip_201", store=str(store), exclude=["201"], regenerate=True)
    assert rotated["changed"] is True and rotated["secret"] != secret
    assert stored(store)["sip_201"]["value"] == rotated["secret"]
    assert mode(store) == 0o600
    # No temporary file is left next to the store.
    assert sorted(path.name for path in store.parent.iterdir()) == ["secrets.json"]


def test_values_of_other_names_are_kept(tmp_path, store):
    first = run(tmp_path, name="sip_201", store=str(store))["secret"]
    second = run(tmp_path, name="vm_201", kind="voicemail_pin", store=str(store))["secret"]
    assert stored(store) == {
        "sip_201": {"kind": "sip_secret", "value": first},
        "vm_201": {"kind": "voicemail_pin", "value": second},
    }


@pytest.mark.parametrize(
    "kind, length, expected_length",
    [("voicemail_pin", None, 8), ("disa_pin", None, 12), ("voicemail_pin", 10, 10), ("sip_secret", 24, 24), ("sip_secret", 128, 128)],
)
def test_kinds_and_lengths(tmp_path, store, kind, length, expected_length):
    args = dict(name="value", kind=kind, store=str(store))
    if length is not None:
        args["length"] = length
    result = run(tmp_path, **args)
    assert len(result["secret"]) == expected_length
    if kind != "sip_secret":
        assert result["secret"].isdigit()


def test_check_mode_on_a_new_store_writes_nothing(tmp_path, store):
    result = run(tmp_path, check_mode=True, name="sip_201", store=str(store))
    assert result["changed"] is True and len(result["secret"]) == 32
    assert not store.parent.exists()


def test_check_mode_leaves_an_existing_store_untouched(tmp_path, store):
    run(tmp_path, name="sip_201", store=str(store))
    before = store.read_bytes()
    added = run(tmp_path, check_mode=True, name="sip_202", store=str(store))
    rotated = run(tmp_path, check_mode=True, name="sip_201", store=str(store), regenerate=True)
    kept = run(tmp_path, check_mode=True, name="sip_201", store=str(store))
    assert added["changed"] is True and rotated["changed"] is True and kept["changed"] is False
    assert store.read_bytes() == before


def test_diff_names_the_values_but_never_shows_them(tmp_path, store):
    first = run(tmp_path, diff=True, name="sip_201", store=str(store))
    assert first["diff"]["before"] == "" and first["diff"]["after"] == "sip_201 (new value)\n"
    second = run(tmp_path, diff=True, name="sip_201", store=str(store), regenerate=True)
    assert second["diff"]["before"] == "sip_201\n" and second["diff"]["after"] == "sip_201 (new value)\n"
    for result in (first, second):
        assert result["secret"] not in json.dumps(result["diff"])
    assert "diff" not in run(tmp_path, diff=False, name="sip_202", store=str(store))


def warnings(result):
    # ansible-core 2.19 modules return structured warnings: {"event": {"msg": ...}}.
    return [warning["event"]["msg"] for warning in result.get("warnings", [])]


def test_warns_when_the_task_may_log_the_secret(tmp_path, store):
    message = "pbx_secret returns the secret in clear text: set no_log: true on this task"
    assert warnings(run(tmp_path, no_log=False, name="sip_201", store=str(store))) == [message]
    assert warnings(run(tmp_path, no_log=True, name="sip_201", store=str(store))) == []


def test_secret_is_not_an_argument_so_it_is_not_in_the_invocation(tmp_path, store):
    result = run(tmp_path, no_log=False, name="sip_201", store=str(store))
    assert result["secret"] not in json.dumps(result["invocation"])


@pytest.mark.parametrize(
    "args, message",
    [
        ({"length": 23}, "length 23 is outside 24-128, the policy for a sip_secret"),
        ({"length": 129}, "length 129 is outside 24-128, the policy for a sip_secret"),
        ({"kind": "voicemail_pin", "length": 7}, "length 7 is outside 8-32, the policy for a voicemail_pin"),
        ({"kind": "disa_pin", "length": 11}, "length 11 is outside 12-32, the policy for a disa_pin"),
        ({"kind": "disa_pin", "length": 33}, "length 33 is outside 12-32, the policy for a disa_pin"),
        ({"name": "../etc/passwd"}, "name '../etc/passwd' may hold only letters, digits, _ . @ and -, beginning with a letter or digit"),
        ({"name": ""}, "name '' may hold only letters, digits, _ . @ and -, beginning with a letter or digit"),
        ({"name": "sip_201\n"}, "name 'sip_201\\n' may hold only letters, digits, _ . @ and -, beginning with a letter or digit"),
        ({"name": "-sip"}, "name '-sip' may hold only letters, digits, _ . @ and -, beginning with a letter or digit"),
        ({"exclude": [""]}, "exclude must not hold empty strings"),
        ({"kind": "wifi"}, "value of kind must be one of: sip_secret, voicemail_pin, disa_pin, got: wifi"),
        (
            {"kind": "voicemail_pin", "exclude": list(string.digits)},
            "cannot generate voicemail_pin sip_201: no pin value of length 8 passed the audit in 10000 draws;"
            " make it longer or exclude fewer strings",
        ),
    ],
)
def test_rejected_arguments(tmp_path, store, args, message):
    result = run(tmp_path, **dict({"name": "sip_201", "store": str(store)}, **args))
    assert result["failed"] is True
    assert result["msg"] == message
    assert not store.exists()


def test_stored_value_of_another_kind_is_not_replaced(tmp_path, store):
    run(tmp_path, name="vm_201", kind="voicemail_pin", store=str(store))
    result = run(tmp_path, name="vm_201", kind="disa_pin", store=str(store))
    assert result["msg"] == "stored value vm_201 is a voicemail_pin, not a disa_pin; set regenerate: true to rotate it"


def test_stored_value_of_another_length_is_not_replaced(tmp_path, store):
    run(tmp_path, name="sip_201", store=str(store))
    result = run(tmp_path, name="sip_201", length=40, store=str(store))
    assert result["msg"] == "stored value sip_201 has 32 characters, length asks for 40; set regenerate: true to rotate it"
    assert run(tmp_path, name="sip_201", length=40, store=str(store), regenerate=True)["changed"] is True


def test_stored_value_that_now_breaks_the_policy_is_reported(tmp_path, store):
    pin = run(tmp_path, name="vm_201", kind="voicemail_pin", store=str(store))["secret"]
    result = run(tmp_path, name="vm_201", kind="voicemail_pin", store=str(store), exclude=[pin[2:5]])
    assert result["msg"] == (
        f"stored value vm_201 no longer passes the policy (contains the excluded string '{pin[2:5]}');"
        " set regenerate: true to rotate it"
    )


def test_store_readable_by_others_is_refused(tmp_path, store):
    run(tmp_path, name="sip_201", store=str(store))
    store.chmod(0o644)
    result = run(tmp_path, name="sip_201", store=str(store))
    assert result["msg"] == f"store {store} has mode 0644: others than its owner may read it; run chmod 600 {store}"
    assert "secret" not in result


def test_store_that_is_not_json_is_refused(tmp_path, store):
    store.parent.mkdir(parents=True)
    store.write_text("not json", encoding="utf-8")
    store.chmod(0o600)
    result = run(tmp_path, name="sip_201", store=str(store))
    assert result["msg"].startswith(f"cannot read store {store}: Expecting value")
    assert store.read_text(encoding="utf-8") == "not json"


@pytest.mark.parametrize(
    "content",
    [
        '{"sip_201": "x"}',
        '[]',
        '{"format": 2, "secrets": {}}',
        '{"format": 1, "secrets": []}',
        '{"format": 1, "secrets": {"sip_201": "x"}}',
        '{"format": 1, "secrets": {"sip_201": {"kind": "sip_secret"}}}',
    ],
)
def test_store_of_another_format_is_refused(tmp_path, store, content):
    store.parent.mkdir(parents=True)
    store.write_text(content, encoding="utf-8")
    store.chmod(0o600)
    result = run(tmp_path, name="sip_201", store=str(store))
    assert result["msg"] == f"store {store} is not a pbx_secret store (format 1)"
    assert store.read_text(encoding="utf-8") == content
