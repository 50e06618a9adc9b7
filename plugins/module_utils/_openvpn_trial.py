# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a server until it says it is ready, then stop it (private to this collection).

A server such as OpenVPN never exits when it starts well, so run_command, which waits for
the exit, cannot tell a good start from a hang: this reads the output as it comes.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time

COMPLETED = "Initialization Sequence Completed"


def trial(command, timeout, ready=COMPLETED):
    """(ready, output lines) of running command until a line holds ready, it exits, or timeout.

    The command runs in a session of its own; whatever is left of it at the end is stopped.
    """
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines = []
    done = False
    pending = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        try:
            while not done and time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    continue
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    break  # the command exited
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for line in complete:
                    text = line.decode("utf-8", "replace").rstrip()
                    lines.append(text)
                    done = done or ready in text
        finally:
            stop(process)
    if pending.strip():
        lines.append(pending.decode("utf-8", "replace").rstrip())
    return done, lines


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    process.stdout.close()
