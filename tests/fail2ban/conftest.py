"""Shared fixtures of the fail2ban tests."""

import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FILTER = REPO / "roles/fail2ban/files/filter.d/pbxguard-asterisk.conf"

sys.path.insert(0, str(REPO / "tests"))
from containers import ASTERISK_IMAGE as IMAGE, Testbed, podman  # noqa: E402  (tests/ is not a package)


@pytest.fixture(scope="session")
def fail2ban_regex(tmp_path_factory):
    """A function (lines, mode) -> Counter of (line, address) for the lines the filter matches."""
    if not _image_exists():
        pytest.fail(f"image {IMAGE} is missing: run images/build-image asterisk22")
    work = tmp_path_factory.mktemp("f2b")
    with Testbed("f2b-regex") as bed:
        box = bed.container("regex", IMAGE, "--network", "none",
                            "-v", f"{FILTER}:/etc/fail2ban/filter.d/pbxguard-asterisk.conf:ro",
                            "-v", f"{work}:/work", command=["sleep", "infinity"])

        def run(lines, mode="normal", service="all"):
            log = work / "lines.log"
            log.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            output = podman("exec", box.name, "fail2ban-regex", "-o", "<ip>|<msg>", "/work/lines.log",
                            f"/etc/fail2ban/filter.d/pbxguard-asterisk.conf[mode={mode}, service={service}]")
            matched = Counter()
            for row in output.splitlines():
                address, _sep, line = row.partition("|")
                matched[(line.strip(), address)] += 1
            return matched

        yield run


def _image_exists():
    try:
        podman("image", "exists", IMAGE)
    except RuntimeError:
        return False
    return True
