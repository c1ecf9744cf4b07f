"""commit-warden scan: the day-one sweep of a history or a tree.

The quick loop (`-m 'not slow'`) keeps the history listing, the tree and the
options; the report formats, the parallel sweep and the baseline are marked slow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hooks.credentials import main as check_credentials
from hooks.credentials import sweep
from hooks.credentials import sweep_command
from hooks.errors import GitError
from hooks.git import Repo
from hooks.history import stream_commits
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.credentials_test import AWS_ID
from tests.credentials_test import GH_TOKEN
from tests.credentials_test import SLACK
from tests.credentials_test import STRIPE
from tests.schemas import validate_sarif


def commit_file(repo: Path, name: str, text: str | None, msg: str = 'change') -> str:
    if text is None:
        (repo / name).unlink()
    else:
        write(repo / name, text)
    git('add', '-A', cwd=repo)
    return git_commit(repo, msg)


def scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = sweep_command.main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def planted(repo: Path) -> dict[str, str]:
    """Secrets in old commits: one deleted, one copied into a second file later, one
    still in the tree, one in a commit message."""
    shas = {'base': commit_file(repo, 'README', 'hello\n', 'base')}
    shas['gh'] = commit_file(repo, 'deploy.py', f'TOKEN = "{GH_TOKEN}"\n', 'deploy script')
    shas['gh_gone'] = commit_file(repo, 'deploy.py', None, 'remove deploy script')
    shas['slack'] = commit_file(repo, 'notify.py', f'HOOK = "{SLACK}"\n', 'notify')
    shas['aws_msg'] = commit_file(repo, 'README', 'hello again\n', f'use key {AWS_ID}')
    for i in range(3):
        commit_file(repo, 'README', f'hello {i}\n', f'docs {i}')
    shas['slack_copy'] = commit_file(repo, 'ops/notify.py', f'URL = "{SLACK}"\n', 'copy')
    commit_file(repo, 'ops/notify.py', None, 'drop the copy')
    return shas


def test_history_lists_each_secret_with_first_and_last_commit(
    repo: Path, planted: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = scan(capsys, '--history')
    assert code == 1
    for secret in (GH_TOKEN, SLACK, AWS_ID):
        assert secret not in out
    assert out.startswith('Rotation to-do\n\nAWS (1)\n')
    gh = out[out.index('GitHub (1)') : out.index('Slack (1)')]
    assert 'in: deploy.py' in gh
    assert f'first: {planted["gh"][:12]} ' in gh and f'last: {planted["gh"][:12]} ' in gh
    assert 'now: not in the tree any more, but every clone of the history holds it' in gh
    assert 'to do: rotate it at GitHub' in gh
    slack = out[out.index('Slack (1)') :]
    assert 'in: notify.py, ops/notify.py' in slack
    assert (
        f'first: {planted["slack"][:12]} ' in slack
        and f'last: {planted["slack_copy"][:12]} ' in slack
        and '(2 commits)' in slack
    )
    assert 'now: still in the tree (notify.py)' in slack
    aws = out[: out.index('GitHub (1)')]
    assert 'in: <commit message>' in aws and f'first: {planted["aws_msg"][:12]}' in aws
    assert (
        out.rstrip()
        .splitlines()[-1]
        .startswith('commit-warden scan: 3 secrets in 4 places; 10 commits of HEAD')
    )


@pytest.mark.slow
def test_baseline_from_the_history_lets_the_hooks_pass(
    repo: Path, planted: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert check_credentials(['--to', 'HEAD']) == 1  # every commit of the history
    capsys.readouterr()
    code, out = scan(capsys, '--history', '--baseline')
    assert code == 0
    assert (
        'note: .secrets.baseline: 4 known findings recorded; review them, then '
        '`git add .secrets.baseline`'
    ) in out
    doc = json.loads((repo / '.secrets.baseline').read_text())
    assert sorted(doc['results']) == ['<commit message>', 'deploy.py', 'notify.py', 'ops/notify.py']
    assert GH_TOKEN not in json.dumps(doc)
    # The hooks pass: a range over the whole history, and the tree file by file.
    assert check_credentials(['--to', 'HEAD']) == 0
    assert check_credentials(['notify.py', 'README']) == 0
    capsys.readouterr()
    # A new secret is still caught; the old ones read as known.
    commit_file(repo, 'pay.py', f'KEY = "{STRIPE}"\n', 'pay')
    code, out = scan(capsys, '--history')
    assert code == 1
    assert out.count('(in the baseline already)') == 3
    assert 'Stripe' in out


@pytest.mark.slow
def test_reports_in_every_format(
    repo: Path, planted: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {fmt: tmp_path / f'r.{fmt}' for fmt in ('sarif', 'json', 'junit', 'gitlab')}
    argv = ['--history', '--todo', str(tmp_path / 'todo.md')]
    for fmt, path in paths.items():
        argv += ['--format', fmt, '--output', str(path)]
    code, out = scan(capsys, *argv)
    assert code == 1
    assert 'Rotation to-do' in out  # the terminal keeps the to-do list
    sarif = json.loads(paths['sarif'].read_text())
    validate_sarif(sarif)
    results = sarif['runs'][0]['results']
    assert len(results) == 4
    uris = {r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in results}
    # deploy.py and ops/notify.py are gone at the head: those findings sit on README
    # (what their commits changed is gone too), naming the commit.
    assert uris == {'README', 'notify.py'}
    data = json.loads(paths['json'].read_text())
    by_path = {f['path']: f for f in data['findings']}
    assert by_path['deploy.py']['commit'] == planted['gh']
    assert (
        f'fix: deleted at the head, but commit {planted["gh"][:12]} and every clone still hold it'
    ) in by_path['deploy.py']['message']
    assert '<testsuite name="check-credentials"' in paths['junit'].read_text()
    assert len(json.loads(paths['gitlab'].read_text())) == 4
    todo = (tmp_path / 'todo.md').read_text()
    assert todo.startswith('# Rotation to-do\n\n## AWS (1)\n- [ ] access key id AKIA…')
    for path in [*paths.values(), tmp_path / 'todo.md']:
        text = path.read_text()
        assert GH_TOKEN not in text and SLACK not in text and AWS_ID not in text


@pytest.mark.slow
def test_todo_as_json(
    repo: Path, planted: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan(capsys, '--todo', str(tmp_path / 'todo.json'))
    items = json.loads((tmp_path / 'todo.json').read_text())['secrets']
    (slack,) = (i for i in items if i['provider'] == 'Slack')
    assert slack['commits'] == [planted['slack'], planted['slack_copy']]
    assert slack['held_at_head'] == ['notify.py']
    assert slack['preview'] == 'xoxb…, 56 chars'


@pytest.mark.slow
def test_many_commits_on_every_core_find_the_same(
    repo: Path, planted: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        write(repo / f'f{i % 4}.txt', f'line {i}\n' * (i + 1))
        git('add', '.', cwd=repo)
        git_commit(repo, f'filler {i}')
    r = Repo.discover()
    config = __import__('hooks.config', fromlist=['load']).load(r)
    commits = r.rev_list('--topo-order', '--reverse', 'HEAD')
    serial = sweep.sweep_history(r, config, commits, jobs=1, use_cache=False)
    monkeypatch.setattr(sweep, 'SERIAL_COMMITS', 1)
    monkeypatch.setattr(sweep, 'BATCH_COMMITS', 3)
    parallel = sweep.sweep_history(r, config, commits, jobs=2, use_cache=False)
    assert sorted(parallel.hits) == sorted(serial.hits)
    assert parallel.commits == serial.commits == len(commits) == 40
    assert parallel.patch_bytes == serial.patch_bytes > 0
    # The cache: a second sweep scans nothing and finds the same.
    sweep.sweep_history(r, config, commits, jobs=1)
    cached = sweep.sweep_history(r, config, commits, jobs=1)
    # (the cache keeps no unsalted hash: a cached hit has none)
    assert sorted(cached.hits) == sorted(h._replace(hashed_secret='') for h in serial.hits)
    assert cached.patch_bytes == 0


@pytest.mark.slow
def test_since_and_all_choose_the_commits(
    repo: Path, planted: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = scan(capsys, '--since', planted['aws_msg'])
    assert code == 1
    assert 'Slack (1)' in out and 'GitHub' not in out and 'AWS' not in out
    assert '; 5 commits of HEAD since ' in out
    git('switch', '-q', '-c', 'side', planted['base'], cwd=repo)
    commit_file(repo, 'side.py', f'K = "{STRIPE}"\n', 'side')
    git('switch', '-q', 'main', cwd=repo)
    assert 'Stripe' not in scan(capsys)[1]
    code, out = scan(capsys, '--all')
    assert 'Stripe (1)' in out and '11 commits of every ref' in out


def test_tree(repo: Path, planted: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out = scan(capsys, '--tree', '--format', 'json')
    assert code == 1
    data = json.loads(out[: out.rindex('}') + 1])
    assert [(f['path'], f['commit']) for f in data['findings']] == [('notify.py', None)]
    assert (
        data['findings'][0]['message']
        .split('\n')[1]
        .startswith('fix: it is already committed: treat it as leaked: rotate it at Slack')
    )
    assert 'commit-warden scan: 1 secret in 1 place; 2 files of the index' in out


def test_options_that_do_not_fit(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        sweep_command.main(['--tree', '--since', 'HEAD'])
    assert e.value.code == 2
    assert '--since and --all select commits: use them with --history' in capsys.readouterr().err
    # An empty repository has nothing to sweep.
    code, out = scan(capsys)
    assert code == 0
    assert out.startswith(
        'No credentials found: nothing to rotate.\ncommit-warden scan: '
        '0 secrets in 0 places; 0 commits of HEAD, 0.0 MB in '
    )


@pytest.mark.slow
def test_the_command_is_registered(
    repo: Path, planted: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from hooks.cli import main as cli

    assert cli(['scan', '--history']) == 1
    assert 'Rotation to-do' in capsys.readouterr().out


def test_stream_keeps_empty_commits_and_refuses_gaps(repo: Path) -> None:
    first = commit_file(repo, 'a.txt', 'a\n', 'first')
    empty = git_commit(repo, f'empty, says {AWS_ID}')
    r = Repo.discover()
    records = list(stream_commits(r, [first, empty]))
    assert [x.commit for x in records] == [first, empty]
    assert records[1].patch == b'' and AWS_ID in records[1].message
    assert records[0].patch.startswith(b':000000 100644 ')
    with pytest.raises(GitError, match=r'git diff-tree (failed|said nothing about commit f{40})'):
        list(stream_commits(r, [first, 'f' * 40]))


def test_a_sweep_reads_commits_as_stored_not_as_replaced(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `git replace` shows git a clean twin of the commit that added the token; a push
    # or a clone carries the stored commit, so the stored one is what is swept.
    leak = commit_file(repo, 'deploy.py', f'TOKEN = "{GH_TOKEN}"\n', 'deploy script')
    empty = git('mktree', cwd=repo, input='').stdout.strip()
    twin = git('commit-tree', '-m', 'deploy script', empty, cwd=repo).stdout.strip()
    git('replace', leak, twin, cwd=repo)
    assert git('show', '--stat', '--format=', leak, cwd=repo).stdout == ''
    code, out = scan(capsys, '--history', '--no-cache')
    assert code == 1
    assert 'in: deploy.py' in out and GH_TOKEN not in out
