# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a file only root may read, atomically (private to this collection)."""

from __future__ import annotations

import os
import tempfile


def write_private(module, path, text, prefix):
    """Replace path with text through a temporary file in its directory, mode 0600.

    A reader sees the old file or the new one, never half of one; the directory is made
    0700 when missing.
    """
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700)
    # mkstemp creates the file with mode 0600.
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        # atomic_move gives a new file the umask's mode: keep it private.
        old_umask = os.umask(0o077)
        try:
            module.atomic_move(temp_path, path)
        finally:
            os.umask(old_umask)
        os.chmod(path, 0o600)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
