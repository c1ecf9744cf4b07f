"""pre-push on a first push: exactly the commits no remote-tracking ref has.

pre-commit gives a first push (or a push whose remote tip it cannot find) as
FROM..TO with FROM the parent of the oldest commit the remote lacks. Through a merge
of origin/main that range reaches commits origin/main already has; those are not
being pushed, and another author's commit must not block this push.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hooks import credentials
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.history_test import FINDING
from tests.history_test import TOKEN


@pytest.fixture
def merged_feature(repo: Path, remote: Path) -> dict[str, str]:
    """feature (never pushed) forked from main, then merged main back in after
    someone else pushed a commit with a token to main (with --no-verify)."""
    write(repo / 'app.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    fork = git_commit(repo, 'base')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('switch', '-q', '-c', 'feature', cwd=repo)
    write(repo / 'feature.py', 'feature = 1\n')
    git('add', '.', cwd=repo)
    own = git_commit(repo, 'feature')
    git('switch', '-q', 'main', cwd=repo)
    write(repo / 'theirs.py', f'key = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    theirs = git_commit(repo, 'someone else')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('switch', '-q', 'feature', cwd=repo)
    git('merge', '-q', '--no-edit', 'main', cwd=repo)
    head = git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    return {'fork': fork, 'own': own, 'theirs': theirs, 'head': head}


def pre_push_env(monkeypatch: pytest.MonkeyPatch, from_ref: str, to_ref: str) -> None:
    for k, v in (
        ('PRE_COMMIT_FROM_REF', from_ref),
        ('PRE_COMMIT_TO_REF', to_ref),
        ('PRE_COMMIT_REMOTE_NAME', 'origin'),
        ('PRE_COMMIT_REMOTE_BRANCH', 'refs/heads/feature'),
        ('PRE_COMMIT_LOCAL_BRANCH', 'refs/heads/feature'),
    ):
        monkeypatch.setenv(k, v)


def test_first_push_judges_only_what_no_remote_tracking_ref_has(
    merged_feature: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # What pre-commit computes: the parent of the oldest commit origin lacks.
    pre_push_env(monkeypatch, merged_feature['fork'], merged_feature['head'])
    assert credentials.main([]) == 0, capsys.readouterr()
    # Asked for the same range by hand, the hook judges it all, as asked.
    monkeypatch.delenv('PRE_COMMIT_FROM_REF')
    monkeypatch.delenv('PRE_COMMIT_TO_REF')
    assert credentials.main(['--from', merged_feature['fork'], '--to', 'HEAD']) == 1
    assert (
        f'theirs.py:1: (commit {merged_feature["theirs"][:12]}) {FINDING}'
        in capsys.readouterr().out
    )


def test_first_push_still_judges_its_own_commits(
    repo: Path,
    merged_feature: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / 'mine.py', f'mine = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    mine = git_commit(repo, 'mine')
    pre_push_env(monkeypatch, merged_feature['fork'], mine)
    assert credentials.main([]) == 1
    out = capsys.readouterr().out
    assert f'mine.py:1: (commit {mine[:12]}) {FINDING}' in out
    assert 'theirs.py' not in out


def test_ordinary_push_keeps_from_to(
    repo: Path,
    merged_feature: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # FROM is the remote branch's tip: pre-commit's range is the push itself.
    git(
        'push',
        '-q',
        '--no-verify',
        'origin',
        f'{merged_feature["own"]}:refs/heads/feature',
        cwd=repo,
    )
    git('fetch', '-q', 'origin', cwd=repo)
    write(repo / 'mine.py', f'mine = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    mine = git_commit(repo, 'mine')
    pre_push_env(monkeypatch, merged_feature['own'], mine)
    assert credentials.main([]) == 1
    assert f'mine.py:1: (commit {mine[:12]}) {FINDING}' in capsys.readouterr().out


@pytest.mark.slow  # through the real pre-commit framework
def test_first_push_through_pre_commit(
    repo: Path, remote: Path, merged_feature: dict[str, str], pre_commit
) -> None:  # type: ignore[no-untyped-def]
    pre_commit('  - id: check-credentials\n', hook_types=('pre-push',))
    write(repo / '.git' / 'info' / 'exclude', '/.pre-commit-config.yaml\n')
    proc = subprocess.run(
        ('git', 'push', 'origin', 'feature'), cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git('rev-parse', 'origin/feature', cwd=repo).stdout.strip() == merged_feature['head']
