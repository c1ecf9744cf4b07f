"""Every finding's fix is true for where it was found (issue 14, "Fix texts that are
wrong"): each case runs the real hook and asserts the words a user reads."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hooks import ci
from hooks.credentials import main
from hooks.credentials.engine import Hit
from hooks.credentials.fixes import Place
from hooks.credentials.fixes import fix_text
from hooks.credentials.fixes import rotate
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.credentials_test import AWS_ID
from tests.credentials_test import GH_TOKEN


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def blocks(out: str) -> list[str]:
    """The text report split into findings (a first line and its indented lines)."""
    found: list[str] = []
    for line in out.splitlines():
        if line.startswith('    ') and found:
            found[-1] += '\n' + line
        else:
            found.append(line)
    return found


def commit_file(repo: Path, name: str, text: str, msg: str = 'change') -> str:
    write(repo / name, text)
    git('add', '-A', cwd=repo)
    return git_commit(repo, msg)


def test_staged_file_is_not_committed_yet(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commit_file(repo, 'README', 'hello\n', 'base')
    write(repo / 'app.py', f'T = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'app.py')
    assert code == 1
    assert (
        'fix: take it out of app.py (read it from the environment or a secret store), '
        'then `git add -- app.py`; it is not committed yet, so no history needs '
        'rewriting. If it was ever shared or pushed elsewhere, '
        "rotate it at GitHub: github.com/settings/tokens (or the app's settings)"
    ) in out
    assert (
        'not a secret? `# pragma: allowlist secret` on the line (any comment style), or '
        'record it with `commit-warden baseline` (.secrets.baseline)' in out
    )
    assert 'rebase' not in out and 'amend' not in out


def test_file_the_commit_does_not_touch_is_already_committed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_file(repo, 'app.py', f'T = "{GH_TOKEN}"\n')
    code, out = run(capsys, 'app.py')  # as `pre-commit run --all-files` passes it
    assert code == 1
    assert (
        'fix: it is already committed: treat it as leaked: '
        "rotate it at GitHub: github.com/settings/tokens (or the app's settings); then "
        'take it out of app.py, and out of the history'
    ) in out
    assert 'not committed yet' not in out


def test_message_being_written_has_nothing_to_amend(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text(f'Deploy\n\nkey {AWS_ID}\n')
    code, out = run(capsys, str(msg))
    assert code == 1
    assert (
        'fix: the commit was not made: run `git commit` again and leave it out of the '
        'message (git kept the rejected message in .git/COMMIT_EDITMSG)'
    ) in out
    assert (
        'not a secret? add `pragma: allowlist secret` at the end of that line of the '
        'message (the baseline does not cover commit messages)'
    ) in out
    assert 'amend' not in out and 'commit-warden baseline' not in out


def test_range_last_commit_is_amended_older_one_is_rebased(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit_file(repo, 'README', 'hello\n', 'base')
    older = commit_file(repo, 'a.py', f'T = "{GH_TOKEN}"\n', 'add a')
    commit_file(repo, 'b.py', f'K = "{AWS_ID}"\n', 'add b')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    (a_block,) = (b for b in blocks(out) if b.startswith('a.py:1'))
    (b_block,) = (b for b in blocks(out) if b.startswith('b.py:1'))
    assert (
        f'rewrite the commit: `git rebase -i {older[:12]}^`, mark commit {older[:12]} '
        '`edit`, take it out of a.py, `git commit --amend --no-edit` and '
        '`git rebase --continue`'
    ) in a_block
    assert (
        'rewrite the commit: take it out of b.py, `git add -- b.py` and '
        '`git commit --amend --no-edit`'
    ) in b_block
    assert ', in the commit that adds it, or record it with `commit-warden baseline`' in out


def test_range_at_pre_push_is_not_pushed_yet(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = commit_file(repo, 'README', 'hello\n', 'base')
    head = commit_file(repo, 'a.py', f'T = "{GH_TOKEN}"\n')
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', base)
    monkeypatch.setenv('PRE_COMMIT_TO_REF', head)
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    code, out = run(capsys)
    assert code == 1
    assert 'fix: it is not pushed yet: rewrite the commit before pushing:' in out


def test_secret_deleted_later_in_the_range(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = commit_file(repo, 'README', 'hello\n', 'base')
    added = commit_file(repo, 'a.py', f'T = "{GH_TOKEN}"\n', 'add')
    commit_file(repo, 'a.py', 'T = None\n', 'remove')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert (
        f'a later commit deletes it, but commit {added[:12]} still holds it, so deleting '
        f'it again is not enough: rewrite the commit: `git rebase -i {added[:12]}^`'
    ) in out
    assert 'the baseline cannot accept it, since the head no longer holds it' in out
    assert 'commit-warden baseline' not in out


def test_key_file_gets_no_pragma_advice(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / 'k'
    subprocess.run(('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(key)), check=True)
    write(repo / 'deploy' / 'id_ed25519', key.read_text())
    write(repo / 'deploy' / 'client.pem', key.read_text())
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'deploy/id_ed25519', 'deploy/client.pem')
    assert code == 1
    assert out.count('private key (BEGI…') == 2
    assert 'allowlist secret' not in out
    assert (
        'not a secret? exclude the file with `credentials.exclude` (deploy/client.pem has '
        'no comment syntax for a pragma), or record it with `commit-warden baseline`'
    ) in out
    assert 'replace the key pair, and remove the old public key wherever it is trusted' in out


def test_message_in_a_range_gets_no_baseline_advice(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit_file(repo, 'README', 'hello\n', 'base')
    commit_file(repo, 'README', 'hello again\n', f'deploy with {AWS_ID}')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert '<commit message>:1:' in out
    assert '`git commit --amend` and leave it out of the message' in out
    assert (
        'not a secret? add a pattern that matches it to `credentials.allowed_patterns` '
        '(the baseline does not cover commit messages)'
    ) in out
    assert 'commit-warden baseline' not in out


def test_netrc_is_not_a_place_to_rotate(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / '.netrc', 'machine api.example.com login deploy password Vx7qLp2mZr9Kd4Wt\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, '.netrc')
    assert code == 1
    assert 'rotate it at netrc' not in out
    assert 'change the password at the host its `machine` line names' in out
    assert 'allowlist secret' not in out


@pytest.mark.parametrize(
    ('provider', 'expected'),
    [
        ('GitHub', 'rotate it at GitHub'),
        ('Generic', 'replace it wherever it is used'),
        ('npm', 'change it at the service it belongs to'),
        ('JWT', 'revoke it at the service that issued it'),
    ],
)
def test_rotation_names_a_service_only_when_there_is_one(
    provider: str,
    expected: str,
) -> None:
    assert rotate(provider).startswith(expected)


def _hit(path: str = 'a.py', commit: str | None = 'c' * 40) -> Hit:
    return Hit(
        path=path,
        line=1,
        commit=commit,
        rule='github-token',
        provider='GitHub',
        kind='token',
        secret_type='GitHub Token',
        hashed_secret='0' * 40,
        fingerprint='f' * 32,
        preview='ghp_…, 40 chars',
    )


def test_history_fix_says_where_the_secret_is_now() -> None:
    gone = fix_text(_hit(), Place('history', 'scan', gone=True))
    assert gone.startswith(
        f'fix: deleted at the head, but commit {"c" * 12} and every clone '
        'still hold it: treat it as leaked: rotate it at GitHub.'
    )
    assert '`commit-warden scan --history --baseline` records' in gone
    held = fix_text(_hit(), Place('history', 'scan'))
    assert held.startswith('fix: still in a.py at the head: treat it as leaked')


def test_ci_says_it_is_pushed_and_the_baseline_counts_on_the_target(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    commit_file(repo, 'README', 'hello\n', 'base')
    git('branch', 'target', cwd=repo)
    commit_file(repo, 'a.py', f'T = "{GH_TOKEN}"\n')
    code = ci.main(['--base', 'target'])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        'fix: it is pushed: treat it as leaked: '
        "rotate it at GitHub: github.com/settings/tokens (or the app's settings); then "
        'rewrite the branch: take it out of a.py'
    ) in out
    assert ', and force-push' in out
    assert (
        'a policy or baseline change counts once it is on the target branch (a pull '
        'request cannot change what judges it)'
    ) in out


def test_untracked_file_is_named_not_passed(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / 'notes.txt', f'T = "{GH_TOKEN}"\n')
    code, out = run(capsys, 'notes.txt')
    assert code == 2
    assert (
        'notes.txt: not tracked by git, so no commit holds it and nothing was checked; '
        'check-credentials reads what is staged: `git add -- notes.txt` first'
    ) in out
    assert GH_TOKEN not in out


def test_missing_file_is_noted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit_file(repo, 'README', 'hello\n', 'base')
    code, out = run(capsys, 'gone.py')
    assert code == 0
    assert out == 'note: gone.py: no such file in the index or the work tree; nothing to check\n'


def test_path_outside_the_repository(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = write(tmp_path / 'msg.txt', 'a message\n')
    code, out = run(capsys, str(outside))
    assert code == 2
    assert f'{outside}: outside the repository ({repo}); check-credentials judges' in out
    assert '--policy-ref' not in out
