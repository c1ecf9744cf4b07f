"""The hooks under the oldest pre-commit they support, and what an older one says.

pre-commit 3.2 renamed the stages (`commit` became `pre-commit`, `push` became
`pre-push`) and the manifest uses the new names, so pre-commit 3.1 cannot read it.
Before 3.6 pre-commit validates a manifest's stage names before its
`minimum_pre_commit_version`, so the manifest alone cannot make 3.1 say "upgrade";
the old stage names would, but pre-commit 4 warns about them on every install. A
top-level `minimum_pre_commit_version` in the user's config is checked when the
config is loaded, before any hook repository, which is why every README snippet has
one. These tests install the real pre-commit releases (from the package index, once
per session) and run the README's snippet through them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import write

pytestmark = pytest.mark.slow

OLDEST = yaml.safe_load((ROOT / '.pre-commit-hooks.yaml').read_text())[0][
    'minimum_pre_commit_version'
]
TOO_OLD = '3.1.1'  # the last release before 3.2.0
TOKEN = 'ghp_' + 'Hb47Tq02Wc85Yx16Rn39Ls70Dm24Kf58Pj13'


@pytest.fixture(scope='session')
def pre_commit_release(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`pre-commit` of a given release, in a virtual environment of its own."""
    made: dict[str, Path] = {}

    def get(version: str) -> Path:
        if version not in made:
            venv = tmp_path_factory.mktemp(f'pre-commit-{version}')
            subprocess.run((sys.executable, '-m', 'venv', str(venv)), check=True)
            proc = subprocess.run(
                (
                    str(venv / 'bin' / 'python'),
                    '-m',
                    'pip',
                    'install',
                    '--quiet',
                    '--disable-pip-version-check',
                    f'pre-commit=={version}',
                ),
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
            made[version] = venv / 'bin' / 'pre-commit'
        return made[version]

    return get


def readme_config(hook_repo: tuple[Path, str], *, declare_minimum: bool = True) -> str:
    """The README's .pre-commit-config.yaml, pointed at this checkout."""
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    (block,) = [
        b
        for b in re.findall(r'^```yaml\n(.*?)^```', readme, re.MULTILINE | re.DOTALL)
        if re.search(r'^repos:', b, re.MULTILINE)
    ]
    path, rev = hook_repo
    block = block.replace('https://github.com/commit-warden/commit-warden', str(path))
    block = re.sub(r'rev: \S+', f'rev: {rev}', block)
    if not declare_minimum:
        block = re.sub(r'^minimum_pre_commit_version: .*\n', '', block, flags=re.MULTILINE)
    return block


def run(exe: Path, *args: str, cwd: Path, home: Path) -> tuple[int, str]:
    proc = subprocess.run(
        (str(exe), *args),
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, 'PRE_COMMIT_HOME': str(home)},
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_the_oldest_supported_pre_commit_runs_the_hooks(
    repo: Path,
    tmp_path: Path,
    hook_repo: tuple[Path, str],
    pre_commit_release: Callable[[str], Path],
) -> None:
    exe = pre_commit_release(OLDEST)
    home = tmp_path / 'pre-commit-home'
    write(repo / '.pre-commit-config.yaml', readme_config(hook_repo))
    write(repo / 'notify.py', f'TOKEN = "{TOKEN}"\n')
    git('add', '.', cwd=repo)

    code, out = run(exe, 'run', 'check-credentials', '--all-files', cwd=repo, home=home)
    assert code == 1, out
    assert 'notify.py:1: GitHub personal access token (classic) (ghp_…, 40 chars)' in out

    # The commit-msg stage, by its 3.2 name.
    git('rm', '-q', '--cached', 'notify.py', cwd=repo)
    (repo / 'notify.py').unlink()
    message = write(repo / '.git' / 'COMMIT_EDITMSG', f'use {TOKEN}\n')
    code, out = run(
        exe,
        'run',
        '--hook-stage',
        'commit-msg',
        '--commit-msg-filename',
        str(message),
        'check-credentials',
        cwd=repo,
        home=home,
    )
    assert code == 1, out
    assert 'GitHub personal access token' in out

    write(message, 'raise the pool size\n')
    code, out = run(
        exe,
        'run',
        '--hook-stage',
        'commit-msg',
        '--commit-msg-filename',
        str(message),
        'check-credentials',
        cwd=repo,
        home=home,
    )
    assert code == 0, out
    code, out = run(exe, 'run', 'check-credentials', '--all-files', cwd=repo, home=home)
    assert code == 0, out
    assert TOKEN not in out


def test_an_older_pre_commit_says_which_version_it_needs(
    repo: Path,
    tmp_path: Path,
    hook_repo: tuple[Path, str],
    pre_commit_release: Callable[[str], Path],
) -> None:
    exe = pre_commit_release(TOO_OLD)
    write(repo / '.pre-commit-config.yaml', readme_config(hook_repo))
    code, out = run(exe, 'run', '--all-files', cwd=repo, home=tmp_path / 'home')
    assert code != 0
    assert f'pre-commit version {OLDEST} is required but version {TOO_OLD} is installed' in out, out
    assert 'Expected one of' not in out


def test_without_the_top_level_minimum_an_older_pre_commit_trips_on_stage_names(
    repo: Path,
    tmp_path: Path,
    hook_repo: tuple[Path, str],
    pre_commit_release: Callable[[str], Path],
) -> None:
    """Why the README snippet carries the key: the manifest alone gets this from
    pre-commit < 3.2 (it still fails closed: nothing runs)."""
    exe = pre_commit_release(TOO_OLD)
    write(repo / '.pre-commit-config.yaml', readme_config(hook_repo, declare_minimum=False))
    code, out = run(exe, 'run', '--all-files', cwd=repo, home=tmp_path / 'home')
    assert code != 0
    assert 'Expected one of' in out and "'pre-commit'" in out, out
