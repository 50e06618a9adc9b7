"""The execution environment definition builds a context, and ansible-builder's own
introspection finds the Python packages the collection's controller-side plugins need.

No image is built here (no registry is reachable); what an image would install is decided
by the two steps tested: the context, and the introspection run inside the image."""

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BUILDER = Path(sys.executable).parent / "ansible-builder"


def test_the_context_and_the_introspected_requirements(tmp_path):
    context = tmp_path / "context"
    subprocess.run([str(BUILDER), "create", "-f", str(REPO / "execution-environment.yml"), "-c", str(context)],
                   check=True, capture_output=True, text=True)
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile or "check_galaxy" in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"name": "pbxguard.hardening"} in galaxy["collections"]

    # What the image's build runs after installing the collections, here on this checkout.
    introspect = subprocess.run(
        [sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect",
         str(REPO / ".collections")],
        check=True, capture_output=True, text=True,
    )
    found = yaml.safe_load(introspect.stdout)
    assert "netaddr>=0.10  # from collection pbxguard.hardening" in found["python"], introspect.stdout
