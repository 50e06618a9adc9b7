"""Throwaway podman containers for the tests outside molecule and for the bench.

Every name carries the project, the run id (PBXGUARD_RUN_ID) and the purpose, so leftovers
can be found, and `Testbed` removes what it made, by name, even when the caller fails.
Containers get the flags this machine needs from the repo's containers.conf (runc, ulimits).
"""

import os
import subprocess
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("CONTAINERS_CONF", str(REPO / "containers.conf"))
ASTERISK_IMAGE = os.environ.get("PBXGUARD_ASTERISK_IMAGE", "localhost/pbxguard/asterisk22")


def podman(*argv, check=True, stdin=None):
    """Run podman; its standard output, or RuntimeError with what it said."""
    result = subprocess.run(["podman", *argv], input=stdin, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(argv)} failed: {result.stdout[-1500:]} {result.stderr[-1500:]}")
    return result.stdout


class Container:
    def __init__(self, name):
        self.name = name

    def sh(self, command, check=True, stdin=None):
        """A shell command inside; its standard output."""
        return podman("exec", "-i", self.name, "sh", "-c", command, check=check, stdin=stdin)

    def copy_in(self, source, destination):
        podman("cp", str(source), f"{self.name}:{destination}")


class Testbed:
    """Containers and networks of one purpose; `with Testbed("f2b-regex") as bed: ...`."""

    def __init__(self, purpose, unique=True):
        run_id = os.environ.get("PBXGUARD_RUN_ID", "dev")
        suffix = f"-{uuid.uuid4().hex[:8]}" if unique else ""
        self.prefix = f"pbxguard-{run_id}-{purpose}{suffix}"
        self.containers, self.networks = [], []

    def network(self, name, ipv4, ipv6=None):
        """An internal network (no way out of this machine), dual-stack when ipv6 is given."""
        full = f"{self.prefix}-{name}"
        subnets = ["--subnet", ipv4] + (["--ipv6", "--subnet", ipv6] if ipv6 else [])
        podman("network", "create", "--internal", "--disable-dns", *subnets, full)
        self.networks.append(full)
        return full

    def container(self, name, image, *options, systemd=False, command=()):
        """Start a container; with systemd, wait until it has booted."""
        full = f"{self.prefix}-{name}"
        init = ["--systemd=always", "--cgroupns=private", "--cap-add", "SYS_ADMIN"] if systemd else []
        podman("run", "--detach", "--pull=never", "--name", full, "--hostname", name,
               "--cap-add", "NET_ADMIN,NET_RAW", *init, *options, image, *command)
        self.containers.append(full)
        container = Container(full)
        if systemd:
            for _attempt in range(150):
                state = container.sh("systemctl is-system-running 2>/dev/null || true", check=False).strip()
                if state in ("running", "degraded"):
                    break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"{full}: systemd did not finish booting ({state})")
        return container

    def remove(self):
        if self.containers:
            podman("rm", "--force", "--ignore", "--time", "0", *self.containers, check=False)
        for network in self.networks:
            podman("network", "rm", "--force", network, check=False)
        self.containers, self.networks = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()
