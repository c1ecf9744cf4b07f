"""Every CI event resolves to the commits it adds, or exits 2 with the fix.

Each test pushes real commits to a local bare "origin", makes the clone a CI job
would make (full, or `--depth 1` as actions/checkout and GitLab do by default), sets
the event file and variables the CI would set, and runs `commit-warden ci` there.
Every commit is signed by an allowed key, so what blocks is the token a test plants,
and the verdict line says how many commits were judged.

A CI job's clone and push cost about a second each: the quick loop (`-m 'not slow'`)
keeps a push for each CI, a pull request and a merge request; the other event
shapes are marked slow and run in the full suite.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from hooks import ci
from tests.conftest import git
from tests.conftest import slow_after
from tests.conftest import write
from tests.history_test import APP
from tests.history_test import FINDING
from tests.history_test import TOKEN
from tests.history_test import commit
from tests.history_test import rev
from tests.history_test import sign_everything
from tests.history_test import ssh_key  # noqa: F401  (a fixture)

ZEROS = '0' * 40


@pytest.fixture(autouse=True)
def no_ci_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside real CI jobs too: none of the job's own variables may leak in."""
    for var in list(os.environ):
        if var.startswith(('GITHUB_', 'CI_', 'GITLAB_')) or var == 'CI':
            monkeypatch.delenv(var, raising=False)


@pytest.fixture
def dev(repo: Path, remote: Path, ssh_key: tuple[Path, str]) -> Path:  # noqa: F811
    """A developer's clone: main (policy, app.py, one more commit) and `stable` on origin."""
    sign_everything(repo, ssh_key)
    write(repo / 'app.py', APP)
    commit(repo, 'base')
    git('branch', 'stable', cwd=repo)
    write(repo / 'more.py', 'more = 1\n')
    commit(repo, 'more')
    git('push', '-q', 'origin', 'main', 'stable', cwd=repo)
    return repo


def add(repo: Path, name: str, text: str = 'x = 1\n') -> str:
    write(repo / name, text)
    return commit(repo, f'add {name}')


def leak(repo: Path, name: str = 'keys.py') -> str:
    return add(repo, name, f'key = "{TOKEN}"\n')


def clone(remote: Path, where: Path, *args: str, branch: str = 'main') -> Path:
    """The CI job's checkout: file:// so that --depth is honoured."""
    git('clone', '-q', *args, '--branch', branch, f'file://{remote}', str(where), cwd=where.parent)
    return where


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def go(where: Path, **env: str) -> tuple[int, str]:
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        monkeypatch.chdir(where)
        code = ci.main([])
        out, err = capsys.readouterr()
        return code, out + err

    return go


def judged(out: str) -> int:
    m = re.search(r'^commit-warden ci: (?:passed|blocked): (\d+) commits of', out, re.M)
    assert m, out
    return int(m.group(1))


def token_at(path: str, sha: str) -> str:
    return f'{path}:1: (commit {sha[:12]}) {FINDING}'


def github_push(
    tmp_path: Path, before: str, after: str, ref: str = 'refs/heads/main', **extra: object
) -> dict[str, str]:
    event = tmp_path / 'event.json'
    event.write_text(
        json.dumps(
            {
                'before': before,
                'after': after,
                'ref': ref,
                **extra,
                'repository': {'default_branch': 'main'},
            }
        )
    )
    return {
        'GITHUB_ACTIONS': 'true',
        'GITHUB_EVENT_NAME': 'push',
        'GITHUB_EVENT_PATH': str(event),
        'GITHUB_REF': ref,
    }


def gitlab_push(before: str, branch: str = 'main') -> dict[str, str]:
    return {
        'GITLAB_CI': 'true',
        'CI_PIPELINE_SOURCE': 'push',
        'CI_COMMIT_BEFORE_SHA': before,
        'CI_COMMIT_BRANCH': branch,
        'CI_DEFAULT_BRANCH': 'main',
    }


# --- pushes ---------------------------------------------------------------------


@pytest.mark.parametrize('depth', slow_after(1, [(), ('--depth', '1')]), ids=['full', 'shallow'])
@pytest.mark.parametrize('ci_name', slow_after(1, ['github', 'gitlab']))
def test_push_judges_the_pushed_commits(
    dev: Path,
    remote: Path,
    tmp_path: Path,
    run,  # type: ignore[no-untyped-def]
    depth: tuple[str, ...],
    ci_name: str,
) -> None:
    before = rev(dev, 'HEAD')
    bad = leak(dev)
    add(dev, 'later.py')
    git('push', '-q', 'origin', 'main', cwd=dev)
    job = clone(remote, tmp_path / 'job', *depth)
    env = (
        github_push(tmp_path, before, rev(dev, 'HEAD'))
        if ci_name == 'github'
        else gitlab_push(before)
    )
    code, out = run(job, **env)
    assert code == 1, out
    assert judged(out) == 2
    assert token_at('keys.py', bad) in out
    if depth:  # the job's clone lacked `before`: fetched, and said so
        assert (
            f'commit-warden ci: the commit before the push ({before[:12]}) is not in this '
            'clone; fetching it: git fetch --quiet --no-tags --unshallow origin '
            '+refs/heads/*:refs/remotes/origin/*'
        ) in out


@pytest.mark.slow
@pytest.mark.parametrize(
    ('ci_name', 'fix'),
    [
        ('github', 'Fix: set `fetch-depth: 0` in the actions/checkout step'),
        ('gitlab', "Fix: set `GIT_DEPTH: 0` in the job's variables"),
    ],
)
def test_shallow_push_that_cannot_fetch_exits_2_with_the_ci_fix(
    dev: Path, remote: Path, tmp_path: Path, run, ci_name: str, fix: str
) -> None:  # type: ignore[no-untyped-def]
    before = rev(dev, 'HEAD')
    leak(dev)
    git('push', '-q', 'origin', 'main', cwd=dev)
    job = clone(remote, tmp_path / 'job', '--depth', '1')
    git('remote', 'set-url', 'origin', str(tmp_path / 'gone.git'), cwd=job)
    env = (
        github_push(tmp_path, before, rev(dev, 'HEAD'))
        if ci_name == 'github'
        else gitlab_push(before)
    )
    code, out = run(job, **env)
    assert code == 2, out
    assert fix in out
    assert 'passed' not in out


@pytest.mark.slow
@pytest.mark.parametrize('fetchable', [False, True], ids=['old-tip-gone', 'old-tip-fetched'])
@pytest.mark.parametrize('ci_name', ['github', 'gitlab'])
def test_force_push_judges_what_neither_the_old_tip_nor_another_branch_has(
    dev: Path, remote: Path, tmp_path: Path, run, fetchable: bool, ci_name: str
) -> None:  # type: ignore[no-untyped-def]
    add(dev, 'one.py')
    add(dev, 'two.py')
    git('push', '-q', 'origin', 'main', cwd=dev)
    old = rev(dev, 'HEAD')
    git('reset', '-q', '--hard', 'HEAD~2', cwd=dev)
    bad = leak(dev)
    git('push', '-q', '--force', 'origin', 'main', cwd=dev)
    if not fetchable:  # GitHub serves a force-pushed-away commit by id until it is pruned
        git('reflog', 'expire', '--expire=now', '--all', cwd=remote)
        git('gc', '-q', '--prune=now', cwd=remote)
    job = clone(remote, tmp_path / 'job')
    assert git('cat-file', '-e', old, cwd=job, check=False).returncode != 0
    env = github_push(tmp_path, old, bad, forced=True) if ci_name == 'github' else gitlab_push(old)
    code, out = run(job, **env)
    assert code == 1, out
    assert token_at('keys.py', bad) in out
    if fetchable:
        assert judged(out) == 1
        assert (
            'a force-push: judging the 1 commits that neither the old tip '
            f'{old[:12]} nor another branch has'
        ) in out
    else:  # without the old tip: also main's commit that `stable` lacks
        assert judged(out) == 2
        assert (
            f'the commit before the push ({old[:12]}) is gone (a force-push?): judging '
            'the 2 commits no other remote branch has'
        ) in out


@pytest.mark.slow
def test_force_push_to_a_shallow_clone(dev: Path, remote: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    add(dev, 'one.py')
    git('push', '-q', 'origin', 'main', cwd=dev)
    old = rev(dev, 'HEAD')
    git('reset', '-q', '--hard', 'HEAD~1', cwd=dev)
    bad = leak(dev)
    add(dev, 'after.py')
    git('push', '-q', '--force', 'origin', 'main', cwd=dev)
    job = clone(remote, tmp_path / 'job', '--depth', '1')
    code, out = run(job, **github_push(tmp_path, old, rev(dev, 'HEAD'), forced=True))
    assert code == 1, out
    assert judged(out) == 2
    assert token_at('keys.py', bad) in out


@pytest.mark.slow
@pytest.mark.parametrize('depth', [(), ('--depth', '1')], ids=['full', 'shallow'])
@pytest.mark.parametrize('ci_name', ['github', 'gitlab'])
def test_first_push_of_a_branch_judges_what_no_other_branch_has(
    dev: Path,
    remote: Path,
    tmp_path: Path,
    run,
    depth: tuple[str, ...],  # type: ignore[no-untyped-def]
    ci_name: str,
) -> None:
    git('switch', '-q', '-c', 'feature', cwd=dev)
    bad = leak(dev)
    add(dev, 'feature.py')
    git('push', '-q', 'origin', 'feature', cwd=dev)
    job = clone(remote, tmp_path / 'job', *depth, branch='feature')
    env = (
        github_push(tmp_path, ZEROS, rev(dev, 'HEAD'), ref='refs/heads/feature', created=True)
        if ci_name == 'github'
        else gitlab_push(ZEROS, 'feature')
    )
    code, out = run(job, **env)
    assert code == 1, out
    assert judged(out) == 2
    assert token_at('keys.py', bad) in out
    assert 'a new branch: judging the 2 commits no other remote branch has' in out


@pytest.mark.slow
def test_first_push_of_a_new_repository_judges_every_commit(
    repo: Path,
    remote: Path,
    tmp_path: Path,
    ssh_key: tuple[Path, str],  # noqa: F811
    run,
) -> None:  # type: ignore[no-untyped-def]
    sign_everything(repo, ssh_key)
    write(repo / 'app.py', APP)
    commit(repo, 'root')
    bad = leak(repo)
    add(repo, 'c.py')
    git('push', '-q', 'origin', 'main', cwd=repo)
    job = clone(remote, tmp_path / 'job')
    code, out = run(job, **github_push(tmp_path, ZEROS, rev(repo, 'HEAD'), created=True))
    assert code == 1, out
    assert judged(out) == 3
    assert token_at('keys.py', bad) in out


@pytest.mark.slow
def test_one_commit_pushed_to_two_new_branches_is_judged_by_each(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    git('switch', '-q', '-c', 'a', cwd=dev)
    bad = leak(dev)
    git('branch', 'b', cwd=dev)
    git('push', '-q', 'origin', 'a', 'b', cwd=dev)
    job = clone(remote, tmp_path / 'job', branch='a')
    code, out = run(
        job,
        **github_push(
            tmp_path,
            ZEROS,
            bad,
            ref='refs/heads/a',
            created=True,
            commits=[{'id': bad, 'distinct': True}],
        ),
    )
    assert code == 1, out
    assert judged(out) == 1
    assert token_at('keys.py', bad) in out


@pytest.mark.slow
def test_branch_deletion_judges_nothing(dev: Path, remote: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    job = clone(remote, tmp_path / 'job')
    code, out = run(
        job, **github_push(tmp_path, rev(dev, 'HEAD'), ZEROS, ref='refs/heads/gone', deleted=True)
    )
    assert code == 0, out
    assert 'the push deleted a branch: nothing to judge' in out
    assert judged(out) == 0


# --- pull and merge requests -------------------------------------------------------


@pytest.mark.slow
def test_github_pull_request_with_a_target_not_in_the_clone_exits_2_naming_it(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    git('switch', '-q', '-c', 'feature', cwd=dev)
    leak(dev)
    git('push', '-q', 'origin', 'feature', cwd=dev)
    job = clone(remote, tmp_path / 'job', branch='feature')
    code, out = run(
        job,
        GITHUB_ACTIONS='true',
        GITHUB_EVENT_NAME='pull_request',
        GITHUB_BASE_REF='production',
        GITHUB_HEAD_REF='feature',
    )
    assert code == 2, out
    assert (
        "commit-warden ci: error: the pull request's target branch 'production' "
        '(origin/production) is not in this clone'
    ) in out
    assert 'set `fetch-depth: 0` in the actions/checkout step' in out
    assert '`git fetch origin production`' in out


def test_github_pull_request_judges_merge_base_to_head(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    git('switch', '-q', '-c', 'feature', 'stable', cwd=dev)
    bad = leak(dev)
    git('push', '-q', 'origin', 'feature', cwd=dev)
    job = clone(remote, tmp_path / 'job', branch='feature')
    code, out = run(
        job,
        GITHUB_ACTIONS='true',
        GITHUB_EVENT_NAME='pull_request',
        GITHUB_BASE_REF='main',
        GITHUB_HEAD_REF='feature',
    )
    assert code == 1, out
    assert judged(out) == 1
    assert token_at('keys.py', bad) in out


@pytest.mark.slow
def test_github_merge_group(dev: Path, remote: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    base = rev(dev, 'HEAD')
    bad = leak(dev)
    git('push', '-q', 'origin', 'HEAD:refs/heads/gh-readonly-queue/main/pr-1', cwd=dev)
    job = clone(remote, tmp_path / 'job', branch='gh-readonly-queue/main/pr-1')
    event = tmp_path / 'event.json'
    event.write_text(
        json.dumps(
            {'merge_group': {'base_sha': base, 'head_sha': bad, 'base_ref': 'refs/heads/main'}}
        )
    )
    code, out = run(
        job, GITHUB_ACTIONS='true', GITHUB_EVENT_NAME='merge_group', GITHUB_EVENT_PATH=str(event)
    )
    assert code == 1, out
    assert judged(out) == 1
    assert '(target main)' in out


@pytest.mark.slow
def test_github_event_with_no_range_asks_for_base(
    dev: Path,
    remote: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    run,
) -> None:
    job = clone(remote, tmp_path / 'job')
    code, out = run(job, GITHUB_ACTIONS='true', GITHUB_EVENT_NAME='workflow_dispatch')
    assert code == 2, out
    assert "the GitHub event 'workflow_dispatch' adds" in out
    assert 'pass --base REF' in out


def _merge_request(dev: Path) -> tuple[str, str]:
    git('switch', '-q', '-c', 'feature', 'stable', cwd=dev)
    bad = leak(dev)
    git('push', '-q', 'origin', 'feature', cwd=dev)
    return rev(dev, 'stable'), bad


def test_gitlab_merge_request_uses_the_diff_base(
    dev: Path,
    remote: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    run,
) -> None:
    base, bad = _merge_request(dev)
    job = clone(remote, tmp_path / 'job', branch='feature')
    code, out = run(
        job,
        CI_PIPELINE_SOURCE='merge_request_event',
        CI_MERGE_REQUEST_IID='1',
        CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME='main',
    )
    assert code == 1, out
    assert judged(out) == 1
    assert token_at('keys.py', bad) in out
    assert '(target main)' in out


@pytest.mark.slow
def test_gitlab_merge_request_falls_back_to_the_target_branch(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    _base, bad = _merge_request(dev)
    job = clone(remote, tmp_path / 'job', branch='feature')
    git('fetch', '-q', 'origin', 'main:refs/remotes/origin/main', cwd=job)
    code, out = run(
        job,
        CI_PIPELINE_SOURCE='merge_request_event',
        CI_MERGE_REQUEST_IID='1',
        CI_MERGE_REQUEST_DIFF_BASE_SHA='f' * 40,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME='main',
    )
    assert code == 1, out
    assert judged(out) == 1
    assert token_at('keys.py', bad) in out


@pytest.mark.slow
def test_gitlab_merge_request_with_neither_base_exits_2_naming_both(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    _merge_request(dev)
    job = clone(remote, tmp_path / 'job', '--depth', '1', branch='feature')
    code, out = run(
        job,
        CI_PIPELINE_SOURCE='merge_request_event',
        CI_MERGE_REQUEST_IID='1',
        CI_MERGE_REQUEST_DIFF_BASE_SHA='f' * 40,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME='production',
    )
    assert code == 2, out
    assert (
        f"the merge request's base is not in this clone (CI_MERGE_REQUEST_DIFF_BASE_SHA "
        f"'{'f' * 40}' and target branch 'origin/production')"
    ) in out
    assert (
        "Fix: set `GIT_DEPTH: 0` in the job's variables, or fetch it: `git fetch origin "
        'production`' in out
    )


@pytest.mark.slow
def test_gitlab_merged_results_pipeline_judges_the_source_head(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    base, bad = _merge_request(dev)
    job = clone(remote, tmp_path / 'job', branch='stable')
    git('fetch', '-q', 'origin', 'feature', cwd=job)
    # The pipeline's checkout: an unsigned merge of the request into its target.
    git('merge', '-q', '--no-ff', '--no-gpg-sign', '-m', 'merged result', bad, cwd=job)
    code, out = run(
        job,
        CI_PIPELINE_SOURCE='merge_request_event',
        CI_MERGE_REQUEST_IID='1',
        CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=bad,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME='stable',
    )
    assert code == 1, out
    assert judged(out) == 1
    assert token_at('keys.py', bad) in out
    assert '[unsigned]' not in out


@pytest.mark.slow
def test_gitlab_pipeline_that_is_not_a_push_asks_for_base(
    dev: Path, remote: Path, tmp_path: Path, run
) -> None:  # type: ignore[no-untyped-def]
    job = clone(remote, tmp_path / 'job')
    code, out = run(job, CI_PIPELINE_SOURCE='schedule', CI_COMMIT_BEFORE_SHA=ZEROS)
    assert code == 2, out
    assert 'GitLab pipeline (schedule)' in out
    assert 'pass --base REF' in out


def test_ci_clones_do_not_see_the_developers_environment(run: object) -> None:
    # Guard for the autouse fixture above: a job's variables never reach a test.
    assert not [v for v in os.environ if v.startswith(('GITHUB_', 'CI_', 'GITLAB_'))]
