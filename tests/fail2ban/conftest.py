"""Shared fixtures of the fail2ban tests."""

import os
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FILTER = REPO / "roles/fail2ban/files/filter.d/pbxguard-asterisk.conf"
IMAGE = os.environ.get("PBXGUARD_ASTERISK_IMAGE", "localhost/pbxguard/asterisk22")


@pytest.fixture(scope="session")
def fail2ban_regex(tmp_path_factory):
    """A function (lines, mode) -> Counter of (line, address) for the lines the filter matches."""
    os.environ.setdefault("CONTAINERS_CONF", str(REPO / "containers.conf"))
    if subprocess.run(["podman", "image", "exists", IMAGE], check=False).returncode != 0:
        pytest.fail(f"image {IMAGE} is missing: run images/build-image asterisk22")
    work = tmp_path_factory.mktemp("f2b")
    name = f"pbxguard-{os.environ.get('PBXGUARD_RUN_ID', 'dev')}-f2b-regex-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["podman", "run", "--detach", "--rm", "--name", name, "--network", "none",
         "-v", f"{FILTER}:/etc/fail2ban/filter.d/pbxguard-asterisk.conf:ro",
         "-v", f"{work}:/work", IMAGE, "sleep", "infinity"],
        check=True, capture_output=True)

    def run(lines, mode="normal", service="all"):
        log = work / "lines.log"
        log.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        result = subprocess.run(
            ["podman", "exec", name, "fail2ban-regex", "-o", "<ip>|<msg>", "/work/lines.log",
             f"/etc/fail2ban/filter.d/pbxguard-asterisk.conf[mode={mode}, service={service}]"],
            check=True, capture_output=True, text=True)
        matched = Counter()
        for row in result.stdout.splitlines():
            address, _sep, line = row.partition("|")
            matched[(line.strip(), address)] += 1
        return matched

    try:
        yield run
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0", name], check=False, capture_output=True)
