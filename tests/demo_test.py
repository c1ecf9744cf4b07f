"""The README's "run it" command: every step of the demo behaves as promised."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow  # through the real pre-commit framework
def test_demo_runs_every_step(tmp_path) -> None:
    proc = subprocess.run(
        (sys.executable, '-m', 'hooks.cli', 'demo'),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__('os').environ, 'PYTHONPATH': str(ROOT)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert out.rstrip().endswith('all 10 steps behaved as expected')
    for line in (
        '✔ commit a GitHub token: BLOCKED',
        '✔ commit it read from the environment instead: passed',
        '✔ a key pasted into the commit message: BLOCKED',
        '✔ commit with signing switched off: BLOCKED',
        '✔ commit with signing on: passed',
        '✔ hotfix with no ticket and no record: BLOCKED',
        '✔ hotfix with INC-42 and a complete record: passed',
        '✔ commit-warden ci --base main: BLOCKED',
        '✔ commit-warden ci on a clean branch: passed',
    ):
        assert line in out
    assert 'UNEXPECTED' not in out
    # The throw-away repository is gone.
    assert 'kept:' not in out
