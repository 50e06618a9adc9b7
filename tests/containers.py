"""Throwaway podman networks and containers: the one place that makes and removes them, for the
tests outside molecule, molecule's create and destroy, the demo and the bench.

Every name is `<prefix>-<name>`, and a prefix carries the project, the run id
(PBXGUARD_RUN_ID) and the purpose (`pbxguard-<run id>-<purpose>`), so parallel runs never
collide and leftovers can be found. Networks are internal (no way out of this machine) unless
a spec says otherwise, and have no DNS. Containers get the flags this machine needs from the
repo's containers.conf (runc, ulimits).

From Python: `with Testbed("f2b-regex") as bed: bed.container(...)`, or `bed.up(spec)`. From a
shell or a playbook, with a spec of networks and platforms (JSON or YAML, a file or `-`):

    python3 tests/containers.py up --prefix P --spec FILE [--instance-config FILE]
    python3 tests/containers.py down --prefix P [--instance-config FILE]

    networks:  [{name, ipv4, ipv6 (optional), internal (optional, true)}]
    platforms: [{name, image, networks: [{name, ipv4, ipv6 (optional)}], sysctls (optional)}]

`up` starts every platform as a systemd container and waits until systemd has booted;
`--instance-config` writes molecule's instance config (instance, address, connection). `down`
removes every container, then every network, whose name begins with `P-` (never failing when
they are gone already), prints the names it removed and empties the instance config.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("CONTAINERS_CONF", str(REPO / "containers.conf"))
ASTERISK_IMAGE = os.environ.get("PBXGUARD_ASTERISK_IMAGE", "localhost/pbxguard/asterisk22")
# systemd as PID 1, firewalls (NET_ADMIN, NET_RAW) and OpenVPN (the tun device).
SYSTEMD = ["--systemd=always", "--cgroupns=private", "--cap-add", "SYS_ADMIN,NET_ADMIN,NET_RAW",
           "--device", "/dev/net/tun"]
# systemd boots in well under a second, but minutes can pass on a loaded machine, where its
# bus may not even exist yet when the first exec arrives.
BOOT_SECONDS = 180
# What a prefix must look like before `down` removes everything that begins with it.
PREFIX = re.compile(r"pbxguard-[A-Za-z0-9_.]+-[A-Za-z0-9_.-]+")


def podman(*argv, check=True, stdin=None, timeout=None):
    """Run podman; its standard output, or RuntimeError with what it said."""
    try:
        result = subprocess.run(["podman", *argv], input=stdin, capture_output=True, text=True, check=False,
                                timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        if check:
            raise RuntimeError(f"podman {' '.join(argv)} took longer than {timeout} s") from exc
        return ""
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

    def wait_for_systemd(self, seconds=BOOT_SECONDS):
        """Wait until systemd has booted (running or degraded); RuntimeError after seconds."""
        deadline = time.monotonic() + seconds
        state = "no answer"
        while True:
            left = deadline - time.monotonic()
            state = podman("exec", self.name, "systemctl", "is-system-running", "--wait", check=False,
                           timeout=max(left, 1)).strip() or state
            if state in ("running", "degraded"):
                return state
            if podman("container", "inspect", "--format", "{{.State.Running}}", self.name, check=False).strip() != "true":
                raise RuntimeError(f"{self.name}: the container is not running")
            if time.monotonic() >= deadline:
                raise RuntimeError(f"{self.name}: systemd did not finish booting ({state})")
            time.sleep(0.5)


class Testbed:
    """Networks and containers whose names begin with one prefix; removed together, by name.

    Testbed("f2b-regex") makes `pbxguard-<run id>-f2b-regex-<8 random hex digits>`; with
    unique=False the random part is left out, and prefix= gives the whole prefix."""

    __test__ = False  # a helper that test modules import, not a test class for pytest to collect

    def __init__(self, purpose=None, unique=True, prefix=None):
        if prefix is None:
            run_id = os.environ.get("PBXGUARD_RUN_ID", "dev")
            suffix = f"-{uuid.uuid4().hex[:8]}" if unique else ""
            prefix = f"pbxguard-{run_id}-{purpose}{suffix}"
        self.prefix = prefix
        self.containers, self.networks = [], []

    def name(self, name):
        return f"{self.prefix}-{name}"

    def network(self, name, ipv4, ipv6=None, internal=True):
        """A network without DNS, internal unless told, dual-stack when ipv6 is given."""
        full = self.name(name)
        subnets = ["--subnet", ipv4] + (["--ipv6", "--subnet", ipv6] if ipv6 else [])
        self.networks.append(full)  # first: remove() also takes what a failed create left
        podman("network", "create", "--disable-dns", *subnets, *(["--internal"] if internal else []), full)
        return full

    def container(self, name, image, *options, systemd=False, command=(), networks=(), sysctls=(), wait=True):
        """Start a container; networks are {name, ipv4, ipv6} of this testbed's networks. With
        systemd, PID 1 is systemd and, unless wait is false, it has booted on return."""
        full = self.name(name)
        attached = []
        for net in networks:
            addresses = [f"ip={net['ipv4']}"] + ([f"ip6={net['ipv6']}"] if net.get("ipv6") else [])
            attached.append(f"--network={self.name(net['name'])}:{','.join(addresses)}")
        self.containers.append(full)
        podman("run", "--detach", "--pull=never", "--name", full, "--hostname", name,
               *(SYSTEMD if systemd else ["--cap-add", "NET_ADMIN,NET_RAW"]), *attached,
               *(f"--sysctl={sysctl}" for sysctl in sysctls), *options, image, *command)
        container = Container(full)
        if systemd and wait:
            container.wait_for_systemd()
        return container

    def up(self, spec):
        """Every network of spec, then every platform as a systemd container, booted; the
        containers by platform name."""
        for net in spec.get("networks") or []:
            self.network(net["name"], net["ipv4"], net.get("ipv6"), internal=net.get("internal", True))
        started = {}
        for platform in spec.get("platforms") or []:
            started[platform["name"]] = self.container(
                platform["name"], platform["image"], systemd=True, networks=platform.get("networks") or [],
                sysctls=platform.get("sysctls") or [], wait=False)
        for container in started.values():
            container.wait_for_systemd()
        return started

    def remove(self):
        """Remove what this testbed made, containers first."""
        if self.containers:
            podman("rm", "--force", "--ignore", "--time", "0", *self.containers, check=False)
        for network in self.networks:
            podman("network", "rm", "--force", network, check=False)
        self.containers, self.networks = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.remove()


def down(prefix):
    """Remove every container, then every network, whose name begins with `prefix-`; the
    names removed. Nothing there is no error."""
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"{prefix!r} is not a test bed prefix (pbxguard-<run id>-<purpose>)")
    removed = []
    for kind in ("container", "network"):
        listing = (["ps", "--all", "--format", "{{.Names}}"] if kind == "container"
                   else ["network", "ls", "--format", "{{.Name}}"])
        names = [name for name in podman(*listing).split() if name.startswith(f"{prefix}-")]
        if names:
            if kind == "container":
                podman("rm", "--force", "--ignore", "--time", "0", *names, check=False)
            else:
                for name in names:
                    podman("network", "rm", "--force", name, check=False)
            removed.extend(names)
    return removed


def instances(bed, platforms):
    """Molecule's instance config for platforms started by bed: podman exec as root (no user,
    so that the podman connection copies modules straight into the mounted container)."""
    return [{"instance": p["name"], "address": bed.name(p["name"]), "connection": "containers.podman.podman"}
            for p in platforms]


def _read_spec(path):
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError:
        import yaml  # only for a YAML spec: JSON needs nothing outside the standard library

        return yaml.safe_load(text)


def _dump(data):
    """YAML as molecule writes its instance config (JSON, a subset of YAML, without PyYAML)."""
    try:
        import yaml
    except ImportError:
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False)


def _write_private(path, text):
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(0o600)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up_command = commands.add_parser("up", help="create the networks and containers of a spec")
    down_command = commands.add_parser("down", help="remove the containers, then the networks, of a prefix")
    for command in (up_command, down_command):
        command.add_argument("--prefix", required=True, help="pbxguard-<run id>-<purpose>")
        command.add_argument("--instance-config", help="molecule's instance config to write")
    up_command.add_argument("--spec", required=True, help="JSON or YAML file of networks and platforms, - for stdin")
    args = parser.parse_args(argv)
    if not PREFIX.fullmatch(args.prefix):
        parser.error(f"--prefix {args.prefix!r} is not a test bed prefix (pbxguard-<run id>-<purpose>)")

    if args.command == "down":
        for name in down(args.prefix):
            print(name)
        if args.instance_config:
            _write_private(args.instance_config, "[]\n")
        return 0

    spec = _read_spec(args.spec)
    bed = Testbed(prefix=args.prefix)
    try:
        bed.up(spec)
    except BaseException:
        bed.remove()
        raise
    if args.instance_config:
        _write_private(args.instance_config, _dump(instances(bed, spec.get("platforms") or [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
