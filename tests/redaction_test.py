"""One redaction for every output: each kind of planted secret, in each place a
hook or command quotes from (a commit subject, a ticket, a branch name, a file
name, a record path, the policy, a CI variable), is masked in everything that
leaves the process: the text on the terminal, every report format, the step
summary, the audit log and the caches.

conftest.py checks the same after every test of the suite; this module makes
sure each place is really quoted (its masked form shows) and searches every
output itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hooks import cli
from hooks.audit import main as audit_main
from hooks.ci import main as ci_main
from hooks.credentials import main as check_credentials
from hooks.findings import mask
from hooks.hotfixes import main as check_hotfixes
from hooks.signatures import main as check_signatures
from tests.conftest import find_leaks
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import slow_after
from tests.conftest import write
from tests.conftest import written_files
from tests.planted import IN_TEXT
from tests.planted import PLANTED
from tests.planted import TOKENS
from tests.planted import leaked

CI_FORMATS = ('json', 'sarif', 'gitlab', 'junit', 'github', 'text')


@pytest.fixture
def world(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main (its tip is origin/main) with a policy; the test adds a pull request."""
    write(repo / 'README.md', 'hello\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'initial')
    git('update-ref', 'refs/remotes/origin/main', 'HEAD', cwd=repo)
    (tmp_path / 'out').mkdir()
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(tmp_path / 'out' / 'summary.md'))
    return repo


def everything(repo: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Every hook over the pull request (as pre-push would), and `commit-warden ci`
    in every format, each to a report under out/ and to the terminal; then the
    audit summary. Returns all they printed."""
    printed = []
    argv = ['--base', 'origin/main']
    for fmt in CI_FORMATS:
        argv += ['--format', fmt, '--output', str(out / f'ci.{fmt}')]
    ci_main([*argv, '--format', 'text', '--format', 'github'])
    for main in (check_credentials, check_signatures, check_hotfixes):
        for fmt in ('text', 'github', 'json'):
            main(['--from', 'origin/main', '--to', 'HEAD', '--format', fmt])
        main(
            [
                '--from',
                'origin/main',
                '--to',
                'HEAD',
                '--format',
                'sarif',
                '--output',
                str(out / f'{main.__module__}.sarif'),
            ]
        )
    audit_main(['--format', 'json'])
    audit_main([])
    captured = capsys.readouterr()
    printed.append(captured.out + captured.err)
    return '\n'.join(printed)


def assert_masked(text: str, tmp_path: Path, secret: str) -> None:
    """Nothing leaked anywhere; and the place was quoted (its mask shows), so this
    test would see a leak if there were one."""
    places = [('the terminal', text)]
    for path in written_files(tmp_path):
        places.append((str(path.relative_to(tmp_path)), path.read_text('utf-8', 'replace')))
    assert find_leaks(places, PLANTED) == []
    assert mask(secret) in text, text


# Each family runs every hook and `commit-warden ci` in every format (~20 runs): the
# quick loop keeps one kind of secret per place, the full run every kind.
@pytest.mark.parametrize('kind', [*slow_after(0, IN_TEXT), 'bare'])
def test_a_secret_in_a_commit_subject(world: Path, tmp_path: Path, capsys, kind: str) -> None:
    # check-signatures quotes it (unsigned), check-hotfixes too (no ticket),
    # check-credentials finds it in the message (and shows only its preview).
    text = IN_TEXT.get(kind, f'fix {PLANTED["bare"]}')
    git('switch', '-q', '-c', 'hotfix/pool', cwd=world)
    git_commit(world, f'hotfix: {text}')
    assert_masked(everything(world, tmp_path / 'out', capsys), tmp_path, PLANTED[kind])


@pytest.mark.parametrize('kind', slow_after(0, [*TOKENS, 'bare']))
def test_a_secret_in_a_ticket_url_and_the_record_path(
    world: Path, tmp_path: Path, capsys, kind: str
) -> None:
    url = f'https://tracker.example.org/issues/7?token={PLANTED[kind]}'
    git('switch', '-q', '-c', 'hotfix/pool', cwd=world)
    git_commit(world, f'hotfix: {url} raise the pool')
    assert_masked(everything(world, tmp_path / 'out', capsys), tmp_path, PLANTED[kind])


@pytest.mark.parametrize('kind', slow_after(0, TOKENS))
def test_a_secret_in_a_branch_name(
    world: Path, tmp_path: Path, capsys, monkeypatch, kind: str
) -> None:
    branch = f'hotfix/{PLANTED[kind].replace("/", "-")}'
    git('switch', '-q', '-c', branch, cwd=world)
    git_commit(world, 'raise the pool')
    monkeypatch.setenv('GITHUB_HEAD_REF', branch)
    secret = PLANTED[kind].replace('/', '-')
    text = everything(world, tmp_path / 'out', capsys)
    places = [('the terminal', text)] + [
        (str(p), p.read_text('utf-8', 'replace')) for p in written_files(tmp_path)
    ]
    assert not [w for w, t in places if secret in t]
    assert mask(secret) in text, text


@pytest.mark.parametrize('kind', slow_after(0, TOKENS))
def test_a_secret_in_a_file_name(world: Path, tmp_path: Path, capsys, kind: str) -> None:
    git('switch', '-q', '-c', 'feature', cwd=world)
    write(world / 'cfg' / f'{PLANTED[kind]}.env', f'{IN_TEXT["mysql"]}\n')
    git('add', '-A', cwd=world)
    git_commit(world, 'add config')
    assert_masked(everything(world, tmp_path / 'out', capsys), tmp_path, PLANTED[kind])


@pytest.mark.parametrize('kind', slow_after(1, IN_TEXT))
def test_a_secret_in_file_content_shows_only_its_preview(
    world: Path, tmp_path: Path, capsys, kind: str
) -> None:
    git('switch', '-q', '-c', 'feature', cwd=world)
    write(world / 'deploy.sh', f'{IN_TEXT[kind]}\n')
    git('add', '-A', cwd=world)
    git_commit(world, 'deploy script')
    text = everything(world, tmp_path / 'out', capsys)
    cache = world / '.git' / 'commit-warden' / 'credentials-cache.json'
    assert json.loads(cache.read_text())['data']  # the hits were cached, and searched
    assert_masked(text, tmp_path, PLANTED[kind])


@pytest.mark.parametrize('kind', slow_after(1, TOKENS))
def test_a_secret_pasted_into_the_policy(world: Path, tmp_path: Path, capsys, kind: str) -> None:
    secret = PLANTED[kind]
    # As a marker (quoted in every hotfix finding's reason) and as the mainline
    # (printed by `commit-warden config`); then as a misplaced key (quoted in the
    # error, and in check-warden-config's finding).
    write(
        world / '.commit-warden.yaml',
        f'version: 1\nhotfixes:\n  markers: ["{secret}:"]\n  mainline: "{secret}"\n',
    )
    git('add', '-A', cwd=world)
    git_commit(world, 'policy')
    git('update-ref', 'refs/remotes/origin/main', 'HEAD', cwd=world)
    git('switch', '-q', '-c', 'feature', cwd=world)
    git_commit(world, f'{secret}: raise the pool')
    text = everything(world, tmp_path / 'out', capsys)
    cli.main(['config'])
    write(world / '.commit-warden.yaml', f'version: 1\nhotfixes:\n  {secret}: 1\n')
    cli.main(['config'])
    git('add', '-A', cwd=world)
    from hooks.check_config import main as check_config

    check_config(['--format', 'sarif', '--output', str(tmp_path / 'out' / 'config.sarif')])
    check_config(['--format', 'github'])
    captured = capsys.readouterr()
    assert_masked(text + captured.out + captured.err, tmp_path, secret)


@pytest.mark.parametrize('kind', slow_after(1, TOKENS))
@pytest.mark.parametrize('var', ['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_DIFF_BASE_SHA'])
def test_a_secret_in_a_ci_variable(
    world: Path, tmp_path: Path, capsys, monkeypatch, var: str, kind: str
) -> None:
    # Not a ref here: the error names it, masked.
    secret = PLANTED[kind].replace('/', '-').replace('+', '-')
    monkeypatch.setenv(var, secret)
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_DEFAULT_BRANCH', secret)
    code = ci_main(['--format', 'sarif', '--output', str(tmp_path / 'out' / 'r.sarif')])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code in (0, 1, 2) and not leaked(text) and secret not in text, text


def test_the_leak_check_sees_every_place(tmp_path: Path) -> None:
    """conftest's check finds a planted secret in a state dir and under out/, and
    leaves the work tree (where tests plant them on purpose) alone."""
    secret = 'ghp_' + 'Tq7' * 12  # planted for this test only (conftest's check is real)
    planted = {'probe': secret}
    write(tmp_path / 'repo' / 'app.py', secret)
    assert written_files(tmp_path) == []
    state = write(tmp_path / 'repo' / '.git' / 'commit-warden' / 'cache.json', secret)
    report = write(tmp_path / 'out' / 'deep' / 'r.sarif', secret)
    origin = write(tmp_path / 'origin.git' / 'commit-warden' / 'audit.jsonl', 'clean')
    assert sorted(written_files(tmp_path)) == sorted([state, report, origin])
    places = [(str(p), p.read_text()) for p in written_files(tmp_path)]
    assert find_leaks(places, planted) == sorted([f'probe in {state}', f'probe in {report}'])
    assert find_leaks([('the terminal', f'x {secret[:-1]}')], planted) == []
    for p in (state, report):
        p.unlink()
