"""harden.yml over a headquarters and two branch offices: a branch extension calls a
headquarters extension through the inter-site IAX2 trunk the inventory implies; each side's
firewall admits the other's IAX2; check mode and a second run change nothing; and when a
branch's link to the headquarters is cut, its health gate fails, the wave stops there, the
other branch is not touched, and the summary says so.

Secrets are read from the stores on the PBXs inside the tests and never printed."""

import json
import os
import pathlib
import re
import time

import pytest

STORE = "/etc/pbxguard/secrets.json"
LOG = "/var/log/asterisk/messages.log"
SITES = ("hq", "north", "south")
NUMBERS = {"hq": "101", "north": "201", "south": "301"}


def site_summary(run):
    """{done|failed|not touched: text} of the summary play's message."""
    shown = run.stdout.split("TASK [Show which sites were done", 1)[1].split("TASK [", 1)[0]
    return dict(re.findall(r'"(done|failed|not touched): (.*)"', shown))


def tasks_on(run, host, play):
    """The tasks of play (each of its waves) that reported a result for host."""
    names = []
    for section in run.stdout.split(f"PLAY [{play}]")[1:]:
        for block in section.split("PLAY [", 1)[0].split("TASK [")[1:]:
            if re.search(rf"(?m)^(ok|changed|skipping|fatal|failed|included).*\[{host}[\]\s-]", block):
                names.append(block.split("]", 1)[0])
    return names


def secret(host, name):
    return json.loads(host.file(STORE).content_string)["secrets"][name]["value"]


@pytest.fixture(scope="module")
def sites(testbed):
    return {name: testbed.host(name) for name in SITES}


@pytest.fixture(scope="module")
def playbook(testbed):
    """playbook(*args) runs converge.yml (harden.yml) on molecule's inventory with its group_vars and host_vars."""
    inventory = pathlib.Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent

    def run(*args):
        return testbed.playbook("converge.yml", *args, inventory=inventory)

    return run


def asterisk(host, command):
    return host.check_output(f"asterisk -rx '{command}' 2>/dev/null")


def test_each_side_admits_the_other_sites_iax2(sites):
    def iax2_set(site):
        return set(re.findall(r"10\.242\.10\.\d+", sites[site].check_output("nft list set inet pbxguard iax2_v4")))

    assert iax2_set("hq") == {"10.242.10.11", "10.242.10.12"}
    assert iax2_set("north") == {"10.242.10.10"}
    assert iax2_set("south") == {"10.242.10.10"}
    # fail2ban never bans the other side.
    ignored = sites["hq"].check_output("fail2ban-client get pbxguard-asterisk ignoreip")
    assert re.search(r"(?m)- 10\.242\.10\.11$", ignored) and re.search(r"(?m)- 10\.242\.10\.12$", ignored)


def test_the_links_are_up(sites):
    # The gate already waited for it; qualify shows each branch's link answering.
    for branch in ("north", "south"):
        assert re.search(r"(?m)^hq/" + branch + r"\s.*OK \(\d+ ms\)", asterisk(sites[branch], "iax2 show peers"))
    peers = asterisk(sites["hq"], "iax2 show peers")
    assert re.search(r"(?m)^north/hq\s", peers) and re.search(r"(?m)^south/hq\s", peers)


@pytest.mark.parametrize("branch", ["north", "south"])
def test_a_branch_extension_calls_the_headquarters_through_the_link(testbed, sites, branch):
    phone = testbed.host("phone")
    hq_address, ready = testbed.address("hq"), f"/tmp/answer-{branch}.ready"
    phone.run(f"rm -f {ready}; nohup timeout 60 python3 /usr/local/bin/sip_answer.py --server {hq_address}"
              f" --user 101 --password {secret(sites['hq'], 'sip_101')} --ready {ready}"
              f" >/tmp/answer-{branch}.json 2>/tmp/answer-{branch}.err &")
    deadline = time.monotonic() + 15
    while not phone.file(ready).exists and time.monotonic() < deadline:
        time.sleep(0.3)
    assert json.loads(phone.file(ready).content_string)["registered"]
    number = NUMBERS[branch]
    call = phone.run(f"python3 /usr/local/bin/sip_call.py --server {testbed.address(branch)} --user {number}"
                     f" --password {secret(sites[branch], 'sip_' + number)} --to 101 --packets 50 --timeout 10")
    result = json.loads(call.stdout)
    assert result["status"] == 200
    assert result["received"] > 0
    deadline = time.monotonic() + 15
    while not phone.file(f"/tmp/answer-{branch}.json").content_string.strip() and time.monotonic() < deadline:
        time.sleep(0.3)
    answered = json.loads(phone.file(f"/tmp/answer-{branch}.json").content_string)
    assert answered["from"] and answered["echoed"] > 0 and answered["bye"]
    # It came over the branch's trunk into the DIDs the link gives the headquarters.
    assert f"pbxguard: call on trunk {branch} for DID 101" in sites["hq"].file(LOG).content_string


def test_the_headquarters_refuses_a_number_it_does_not_have_over_the_link(testbed, sites):
    # North dials 301 (south's, not linked to north): no route, refused at the branch (484: the
    # number is only the start of a longer pattern of the dialing plan).
    call = json.loads(testbed.host("phone").run(
        f"python3 /usr/local/bin/sip_call.py --server {testbed.address('north')} --user 201"
        f" --password {secret(sites['north'], 'sip_201')} --to 301 --packets 5 --timeout 10").stdout)
    assert call["status"] in (403, 404, 484, 603)


def test_check_mode_changes_nothing(playbook):
    run = playbook("--check")
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.recap() == {site: (0, 0, 0) for site in SITES}


def test_a_second_run_changes_nothing_and_every_gate_passes(playbook):
    run = playbook()
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.recap() == {site: (0, 0, 0) for site in SITES}
    assert site_summary(run) == {"done": "hq, north, south", "failed": "-", "not touched": "-"}


def test_a_branch_failing_its_gate_stops_the_wave(playbook, sites):
    """North's link to the headquarters is cut: north fails its gate, south is not touched."""
    north = sites["north"]
    # North's link to the headquarters goes down: a table of the test's own, not the collection's.
    north.check_output("nft add table inet rollout_cut && nft add chain inet rollout_cut out"
                       " '{ type filter hook output priority 0; }' && nft add rule inet rollout_cut out"
                       " ip daddr 10.242.10.10 udp dport 4569 drop")
    # A peer found answering is qualified again only after 60 s: chan_iax2 starts afresh instead.
    north.check_output("asterisk -rx 'module unload chan_iax2.so' && asterisk -rx 'module load chan_iax2.so'")
    try:
        # The gates alone (an admin's rerun of one layer): a full run would only add time.
        run = playbook("--tags", "health", "-e", '{"pbxguard_waves": [1, 1, 1], "health_timeout": 20}')
    finally:
        north.run("nft delete table inet rollout_cut")
    assert run.returncode != 0
    summary = site_summary(run)
    assert summary["done"] == "hq"
    assert summary["failed"].startswith("north: ") and "Wait until the host passes its health gate" in summary["failed"]
    assert "trunks reachable: IAX2 peers not reachable: hq (UNREACHABLE)" in summary["failed"]
    assert summary["not touched"] == "south"
    # South's wave only recorded that it was not touched; nothing else ran on it.
    assert set(tasks_on(run, "south", "Harden the PBX hosts, in waves")) <= {
        "Record this host as not touched", "End this host's rollout"}
    assert run.recap()["south"] == (0, 0, 0)
