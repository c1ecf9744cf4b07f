"""The one runner (hooks.runner) and the Hook protocol (hooks.hook): arguments,
stages, the policy's block/warn/off, and what it takes to add a hook."""

from __future__ import annotations

import json
import random
import string
import textwrap
from pathlib import Path

import pytest

import hooks
from hooks import cli
from hooks.credentials import main as check_credentials
from hooks.hook import registered
from hooks.signatures import main as check_signatures
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write

_rng = random.Random(12)
TOKEN = 'ghp_' + ''.join(_rng.choice(string.ascii_letters + string.digits) for _ in range(36))
AWS_ID = 'AKIA' + ''.join(_rng.choice(string.ascii_uppercase + '234567') for _ in range(16))


def run(capsys: pytest.CaptureFixture[str], main, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def audit_lines(repo: Path) -> list[dict]:
    log = repo / '.git' / 'commit-warden' / 'audit.jsonl'
    return [json.loads(line) for line in log.read_text().splitlines()]


def stage_token(repo: Path, name: str = 'app.py') -> None:
    write(repo / name, f'TOKEN = "{TOKEN}"\n')
    git('add', '--', name, cwd=repo)


# --- arguments: nothing pre-commit appends is an option --------------------------


@pytest.mark.parametrize('name', ['--help', '--from=HEAD', '-h', '--config=x.yaml'])
def test_a_file_named_like_an_option_is_checked_as_a_file(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    stage_token(repo, name)
    code, out = run(capsys, check_credentials, name)
    assert code == 1
    assert out.startswith(f'{name}:1: GitHub personal access token')


def test_after_the_first_file_every_word_is_a_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'a.py', 'x = 1\n')
    stage_token(repo, 'b.py')
    git('add', 'a.py', cwd=repo)
    # `--format` after a file name is a file name (that does not exist), not an option.
    code, out = run(capsys, check_credentials, 'a.py', 'b.py', '--format', 'json')
    assert code == 1
    assert out.startswith('b.py:1: GitHub')


def test_double_dash_ends_the_options(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stage_token(repo, '--output')
    code, out = run(capsys, check_credentials, '--format', 'json', '--', '--output')
    assert code == 1
    assert json.loads(out)['findings'][0]['path'] == '--output'


def test_options_before_the_files_still_work(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stage_token(repo)
    code, out = run(capsys, check_credentials, '--format=json', 'app.py')
    assert code == 1
    assert json.loads(out)['blocked'] is True


# --- the policy: each check and each rule is block, warn or off -------------------


def policy(repo: Path, text: str) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\n' + textwrap.dedent(text))


def staged(
    repo: Path, capsys: pytest.CaptureFixture[str], rules: str, text: str = f'TOKEN = "{TOKEN}"\n'
) -> tuple[int, str]:
    """`text` staged as keys.py and checked under the policy `rules`."""
    write(repo / 'keys.py', text)
    git('add', 'keys.py', cwd=repo)
    policy(repo, rules)
    return run(capsys, check_credentials, 'keys.py')


def test_a_check_that_is_off_does_not_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert staged(repo, capsys, 'checks:\n  check-credentials: off\n') == (0, '')
    assert not (repo / '.git' / 'commit-warden' / 'audit.jsonl').exists()


def test_warn_reports_passes_and_audits_what_block_would_stop(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = staged(repo, capsys, 'checks:\n  check-credentials: warn\n')
    assert code == 0
    assert out.splitlines()[0] == (
        'keys.py:1: GitHub personal access token (classic) (ghp_…, 40 chars) [github-token, warn]'
    )
    record = audit_lines(repo)[-1]
    assert (record['outcome'], record['stage'], record['warned']) == (
        'pass',
        'manual',
        {'check-credentials:github-token': 1},
    )


def two_keys(repo: Path, capsys: pytest.CaptureFixture[str], rules: str) -> tuple[int, str]:
    """A GitHub token and an AWS key id staged, checked under `rules`."""
    return staged(repo, capsys, rules, f'TOKEN = "{TOKEN}"\nAWS = "{AWS_ID}"\n')


def test_a_rule_setting_beats_its_checks(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = two_keys(
        repo,
        capsys,
        'checks:\n  check-credentials: warn\n'
        'rules:\n  check-credentials:\n    aws-access-key-id: block\n',
    )
    assert code == 1
    assert '[github-token, warn]' in out and '[aws-access-key-id]' in out
    code, out = two_keys(repo, capsys, 'rules:\n  check-credentials:\n    aws-access-key-id: off\n')
    assert code == 1
    assert '[github-token]' in out and 'aws-access-key-id' not in out


def test_a_check_off_with_one_rule_on_runs_that_rule_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = two_keys(
        repo,
        capsys,
        'checks:\n  check-credentials: off\n'
        'rules:\n  check-credentials:\n    github-token: block\n',
    )
    assert code == 1
    assert '[github-token]' in out and 'aws' not in out.lower()


def test_an_unknown_rule_is_a_policy_error_naming_the_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = staged(repo, capsys, 'rules:\n  check-credentials:\n    githb-token: warn\n')
    assert code == 2
    assert out == (
        'check-credentials: error: .commit-warden.yaml:4: '
        'rules.check-credentials.githb-token: check-credentials has no rule '
        "'githb-token'; did you mean 'github-token'?\n"
    )


def test_an_unknown_check_is_a_policy_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy(repo, 'checks:\n  check-credential: off\n')
    code, out = run(capsys, check_credentials)
    assert code == 2
    assert (
        '.commit-warden.yaml:3: checks.check-credential: unknown name; did you mean '
        "'check-credentials'?" in out
    )


def test_commit_warden_config_checks_every_hooks_rules(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy(repo, 'rules:\n  check-signatures:\n    unsgined: off\n')
    code, out = run(capsys, cli.main, 'config')
    assert code == 2
    assert "check-signatures has no rule 'unsgined'; did you mean 'unsigned'?" in out


def test_warn_at_the_commit_msg_stage(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy(repo, 'checks:\n  check-credentials: warn\n')
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text(f'rotate {AWS_ID}\n')
    code, out = run(capsys, check_credentials, str(msg))
    assert code == 0
    assert '[aws-access-key-id, warn]' in out
    assert audit_lines(repo)[-1]['stage'] == 'commit-msg'


def test_warn_and_off_at_pre_push(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = git_commit(repo, 'base')
    unsigned = git_commit(repo, 'unsigned change')
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', base)
    monkeypatch.setenv('PRE_COMMIT_TO_REF', unsigned)
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    code, out = run(capsys, check_signatures)
    assert code == 1 and '[unsigned]' in out
    policy(repo, 'rules:\n  check-signatures:\n    unsigned: warn\n')
    code, out = run(capsys, check_signatures)
    assert code == 0 and '[unsigned, warn]' in out
    record = audit_lines(repo)[-1]
    assert record['stage'] == 'pre-push'
    assert record['warned_commits'] == {unsigned: ['check-signatures:unsigned']}
    policy(repo, 'checks:\n  check-signatures: off\n')
    assert run(capsys, check_signatures) == (0, '')


# --- a fourth hook: one package, one manifest entry ------------------------------

TOY = '''\
"""check-toy: block commits that add a line saying DO-NOT-SHIP."""
from hooks.findings import Finding, Rule
from hooks.hook import Hook, Outcome

RULES = {'do-not-ship': Rule('do-not-ship', 'check-toy', 'Marked do-not-ship',
                             'A line says it must not ship.', 'Remove the line.')}


def _findings(lines, commit=None):
    return [Finding('check-toy', 'do-not-ship', 'high', path, n, 'this must not ship',
                    commit=commit) for path, n, text in lines if 'DO-NOT-SHIP' in text]


def check_staged(ctx):
    changes = ctx.repo.staged_changes()
    return Outcome(_findings((c.path, x.number, x.text) for c in changes
                             for x in c.added_lines))


def check_range(ctx):
    found = []
    for cc in ctx.repo.commit_changes(ctx.repo.commits_in_range(ctx.range.from_ref,
                                                                 ctx.range.to_ref)):
        found += _findings(((c.path, x.number, x.text) for c in cc.files
                            for x in c.added_lines), cc.commit)
    return Outcome(found)


HOOK = Hook(id='check-toy', description=__doc__, rules=RULES,
            check_staged=check_staged, check_range=check_range)
'''
MANIFEST_ENTRY = """\
- id: check-toy
  name: check for do-not-ship lines
  entry: commit-warden run check-toy
  language: python
  stages: [pre-commit, pre-push]
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The toy hook's package, installed where hooks are found (hooks/<name>/)."""
    extra = tmp_path / 'more-hooks'
    write(extra / 'toy' / '__init__.py', TOY)
    monkeypatch.setattr(hooks, '__path__', [*hooks.__path__, str(extra)])
    return extra


def test_a_fourth_hook_needs_one_package_and_one_manifest_entry(
    toy: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    from hooks import ci

    assert [h.id for h in registered()] == [
        'check-credentials',
        'check-hotfixes',
        'check-signatures',
        'check-toy',
        'check-warden-config',
    ]
    # The manifest entry's command runs it through the one runner: stage, report, audit.
    entry = yaml.safe_load(MANIFEST_ENTRY)[0]['entry'].split()
    assert entry[:2] == ['commit-warden', 'run']
    write(repo / 'notes.txt', 'fine\nDO-NOT-SHIP: debug switch\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, cli.main, *entry[1:], 'notes.txt')
    assert (code, out) == (1, 'notes.txt:2: this must not ship [do-not-ship]\n')
    assert audit_lines(repo)[-1]['hook'] == 'check-toy'
    # The policy knows it (checks:, rules:) and `commit-warden ci` runs its range check.
    base = git_commit(repo, 'base')
    git('switch', '-q', '-c', 'topic', cwd=repo)
    write(repo / 'more.txt', 'DO-NOT-SHIP\n')
    git('add', '.', cwd=repo)
    bad = git_commit(repo, 'more')
    policy(repo, 'checks:\n  check-signatures: off\n  check-toy: block\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'policy')
    code, out = run(capsys, ci.main, '--base', base)
    assert code == 1
    assert f'more.txt:1: (commit {bad[:12]}) this must not ship [do-not-ship]' in out
    policy(repo, 'checks:\n  check-signatures: off\n  check-toy: off\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'toy off')
    # ci judges by the policy at the merge base: check-toy is still on there.
    git('switch', '-q', 'main', cwd=repo)
    policy(repo, 'checks:\n  check-signatures: off\n  check-toy: off\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'toy off on main')
    git('switch', '-q', 'topic', cwd=repo)
    git('merge', '-q', '--no-edit', '-X', 'theirs', 'main', cwd=repo)
    code, out = run(capsys, ci.main, '--base', 'main')
    assert code == 0, out
    assert 'do-not-ship' not in out


def test_run_names_the_hooks_it_knows(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, cli.main, 'run', 'check-nothing')
    assert code == 2
    assert 'hooks: check-credentials, check-hotfixes, check-signatures' in out


@pytest.mark.slow  # installs a copy of this checkout through the real pre-commit framework
def test_the_fourth_hook_runs_through_pre_commit(
    tmp_path: Path, repo: Path, pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same toy, as a user would ship it: a copy of this repository plus the
    package and the manifest entry, installed by pre-commit (`pip install .`)."""
    import os
    import subprocess
    import sys

    from tests.conftest import _snapshot_checkout
    from tests.conftest import commit_as_tester

    hook_repo = tmp_path / 'hook-repo'
    hook_repo.mkdir()
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith('GIT_')}
    try:
        _snapshot_checkout(hook_repo)
        write(hook_repo / 'hooks' / 'toy' / '__init__.py', TOY)
        manifest = hook_repo / '.pre-commit-hooks.yaml'
        manifest.write_text(manifest.read_text() + MANIFEST_ENTRY)
        git('add', '-A', cwd=hook_repo)
        commit_as_tester(hook_repo, 'add check-toy')
    finally:
        os.environ.update(saved)
    monkeypatch.setenv('PRE_COMMIT_HOME', str(pre_commit_home))
    write(repo / 'notes.txt', 'fine\nDO-NOT-SHIP: debug switch\n')
    git('add', '.', cwd=repo)
    exe = Path(sys.executable).parent / 'pre-commit'
    proc = subprocess.run(
        (str(exe), 'try-repo', str(hook_repo), 'check-toy', '--files', 'notes.txt'),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'notes.txt:2: this must not ship [do-not-ship]' in proc.stdout
