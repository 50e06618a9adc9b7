"""The trial runner of openvpn_config_check: ready, exited, or hung, and nothing left running."""

import os
import time

from ansible_collections.pbxguard.hardening.plugins.module_utils._openvpn_trial import trial


def test_a_server_that_becomes_ready_is_stopped_at_once(tmp_path):
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    ready, lines = trial(["sh", "-c", f"echo $$ > {pid_file}; echo loading; echo 'x Initialization Sequence Completed';"
                          " exec sleep 30"], timeout=10)
    assert ready and lines == ["loading", "x Initialization Sequence Completed"]
    assert time.monotonic() - started < 5
    # sleep replaced the shell: the same process, now gone.
    pid = int(pid_file.read_text())
    assert not os.path.exists(f"/proc/{pid}")


def test_a_server_that_exits_is_not_ready_and_its_last_words_are_kept():
    ready, lines = trial(["sh", "-c", "echo 'Options error: no-such-option'; printf 'Exiting due to fatal error'; exit 1"],
                         timeout=10)
    assert not ready
    assert lines == ["Options error: no-such-option", "Exiting due to fatal error"]


def test_a_server_that_hangs_is_stopped_at_the_timeout():
    started = time.monotonic()
    ready, lines = trial(["sh", "-c", "echo waiting; exec sleep 30"], timeout=1)
    assert not ready and lines == ["waiting"]
    assert time.monotonic() - started < 5


def test_a_ready_word_split_over_two_writes_still_counts():
    ready, _lines = trial(["sh", "-c", "printf 'Initialization Seq'; sleep 0.2; echo 'uence Completed'; exec sleep 30"],
                          timeout=10)
    assert ready
