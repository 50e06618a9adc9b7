"""The role's cross-field checks (tasks/validate.yml): each bad setting stops the run with a
message naming the variable; the defaults pass. Runs on the controller, no container."""

import json
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def run(extra):
    env = dict(os.environ)
    env.setdefault("ANSIBLE_COLLECTIONS_PATH",
                   f"{REPO}/.collections:{REPO}/.venv/lib/python3.11/site-packages")
    env["ANSIBLE_HOME"] = str(REPO / ".cache/ansible")
    env["ANSIBLE_LOCALHOST_WARNING"] = "false"
    env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "false"
    return subprocess.run(
        [str(REPO / ".venv/bin/ansible-playbook"), str(HERE / "validate/playbook.yml"),
         "-e", json.dumps(extra)],
        capture_output=True, text=True, env=env, check=False)


def test_the_defaults_pass():
    result = run({})
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("extra, message", [
    ({"fail2ban_maxretry": 0}, "fail2ban_maxretry (0)"),
    ({"fail2ban_recidive_maxretry": 0}, "fail2ban_recidive_maxretry (0)"),
    ({"fail2ban_bantime": 3600, "fail2ban_findtime": 86400},
     "fail2ban_bantime (3600 s) is shorter than fail2ban_findtime"),
    ({"fail2ban_findtime": 0}, "fail2ban_findtime (0) must be a number of seconds"),
    ({"fail2ban_recidive_findtime": 604800}, "fail2ban_recidive_findtime (604800 s) must be longer"),
    ({"fail2ban_log_backend": "gamin"}, "fail2ban_log_backend is 'gamin'"),
    ({"fail2ban_banaction_backend": "pf"}, "fail2ban_banaction_backend is 'pf'"),
    ({"fail2ban_ignoreip_extra": ["pbx.example.com"]}, "'pbx.example.com' in the never-banned sources"),
    ({"fail2ban_ignoreip_extra": ["10.0.0.300/24"]}, "'10.0.0.300/24' in the never-banned sources"),
    ({"fail2ban_ignoreip_extra": ["2001:db8::/129"]}, "'2001:db8::/129' in the never-banned sources"),
    ({"pbx_sources": {"trusted": {"ipv4": ["10.0.0.0/33"], "ipv6": []}}}, "'10.0.0.0/33' in the never-banned"),
])
def test_a_bad_setting_stops_the_run(extra, message):
    result = run(extra)
    assert result.returncode != 0
    assert message in result.stdout.replace("\n", " "), result.stdout[-2000:]


def test_good_networks_pass():
    result = run({"fail2ban_ignoreip_extra": ["192.0.2.7", "198.51.100.0/24", "2001:db8::1", "fd00::/8"]})
    assert result.returncode == 0, result.stdout[-2000:]
