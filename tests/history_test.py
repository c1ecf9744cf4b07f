"""Every shape of history is judged, none is skipped, nothing crashes.

Each shape is built with real git commands and judged as a pull request merging it
would be: check-credentials and check-hotfixes over `--from BASE --to HEAD`, and
`commit-warden ci --base BASE --head HEAD` (every commit signed by an allowed SSH
key, so a clean history passes all three).

Each shape costs a few signed commits and five hook runs: the quick loop (`-m 'not
slow'`) keeps the conflict resolution, the root commit, a deletion, a conflict in
the index, replace refs, one type change, one odd name and one diff git could
garble; the other shapes are marked slow.
"""

from __future__ import annotations

import os
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from hooks import ci
from hooks import credentials
from hooks import hotfixes
from hooks import signatures
from tests.conftest import git
from tests.conftest import slow_after
from tests.conftest import write

_rng = random.Random(909)
ALNUM = string.ascii_letters + string.digits
TOKEN = 'ghp_' + ''.join(_rng.choice(ALNUM) for _ in range(36))
FINDING = 'GitHub personal access token (classic) (ghp_…, 40 chars) [github-token]'
POLICY = 'version: 1\nsignatures:\n  allowed_signers: .github/allowed_signers\n'
APP = ''.join(f'line {i}\n' for i in range(1, 11))

Result = dict[str, tuple[int, str]]


@pytest.fixture(scope='session')
def ssh_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    d = tmp_path_factory.mktemp('history-key')
    key = d / 'alice'
    subprocess.run(
        ('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', str(key)), check=True
    )
    kind, blob = (d / 'alice.pub').read_text().split()[:2]
    return key, f'alice@example.com {kind} {blob}\n'


def sign_everything(repo: Path, ssh_key: tuple[Path, str]) -> None:
    key, line = ssh_key
    for k, v in (('gpg.format', 'ssh'), ('user.signingkey', str(key)), ('commit.gpgsign', 'true')):
        git('config', k, v, cwd=repo)
    write(repo / '.github' / 'allowed_signers', line)
    write(repo / '.commit-warden.yaml', POLICY)


@pytest.fixture
def hist(repo: Path, ssh_key: tuple[Path, str]) -> Path:
    """A repository whose every commit (merges too) is signed by an allowed signer,
    with the policy and app.py committed on main."""
    sign_everything(repo, ssh_key)
    write(repo / 'app.py', APP)
    commit(repo, 'base')
    return repo


def commit(repo: Path, msg: str, *args: str, add: bool = True) -> str:
    if add:
        git('add', '-A', cwd=repo)
    git('commit', '-q', '--no-verify', '--allow-empty', '-m', msg, *args, cwd=repo)
    return rev(repo, 'HEAD')


def rev(repo: Path, ref: str) -> str:
    return git('rev-parse', ref, cwd=repo).stdout.strip()


def merge(repo: Path, *branches: str, msg: str = 'merge') -> str:
    git('merge', '-q', '--no-ff', '--no-verify', '-m', msg, *branches, cwd=repo)
    return rev(repo, 'HEAD')


def edit(path: Path, line: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = text
    path.write_text('\n'.join(lines) + '\n')


def judge(capsys: pytest.CaptureFixture[str], base: str, head: str) -> Result:
    """Each hook's (exit code, output) for the pull request base..head."""
    got: Result = {}
    for name, main, argv in (
        ('credentials', credentials.main, ['--from', base, '--to', head]),
        ('hotfixes', hotfixes.main, ['--from', base, '--to', head]),
        ('ci', ci.main, ['--base', base, '--head', head]),
    ):
        code = main(argv)
        out, err = capsys.readouterr()
        got[name] = (code, out + err)
    return got


def passes(capsys: pytest.CaptureFixture[str], base: str, head: str, commits: int) -> None:
    got = judge(capsys, base, head)
    for name, (code, out) in got.items():
        assert code == 0, f'{name}: {out}'
    assert f'commit-warden ci: passed: {commits} commits of' in got['ci'][1]


def blocked(capsys: pytest.CaptureFixture[str], base: str, head: str, *lines: str) -> Result:
    """credentials and ci block with exactly these findings; hotfixes passes."""
    got = judge(capsys, base, head)
    assert got['hotfixes'][0] == 0, got['hotfixes'][1]
    for name in ('credentials', 'ci'):
        code, out = got[name]
        assert code == 1, f'{name}: {out}'
        found = [x for x in out.splitlines() if x.endswith(']') and not x.startswith(' ')]
        assert sorted(found) == sorted(lines), f'{name}: {out}'
        assert TOKEN not in out
    return got


def token_line(path: str, line: int, commit: str) -> str:
    return f'{path}:{line}: (commit {commit[:12]}) {FINDING}'


# --- merges ----------------------------------------------------------------------


@pytest.mark.slow
def test_clean_merge_where_both_parents_changed_one_file(
    hist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The most common way to update a pull request: merge its base back in.
    git('switch', '-q', '-c', 'feature', cwd=hist)
    edit(hist / 'app.py', 2, 'line 2 (feature)')
    feature = commit(hist, 'feature edits line 2')
    git('switch', '-q', 'main', cwd=hist)
    edit(hist / 'app.py', 9, 'line 9 (main)')
    commit(hist, 'main edits line 9')
    m = merge(hist, 'feature')
    assert git('diff-tree', '--cc', '-p', m, cwd=hist).stdout.strip() == m  # no patch at all
    passes(capsys, f'{m}^1', m, commits=2)

    # What the feature side wrote is judged in the commit that wrote it.
    git('switch', '-q', 'feature', cwd=hist)
    edit(hist / 'app.py', 3, f'token = "{TOKEN}"')
    leak = commit(hist, 'feature adds a token')
    git('switch', '-q', 'main', cwd=hist)
    m2 = merge(hist, 'feature')
    blocked(capsys, f'{m2}^1', m2, token_line('app.py', 3, leak))
    del feature


def test_evil_merge_conflict_resolution_is_judged_as_the_merge(
    hist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git('switch', '-q', '-c', 'feature', cwd=hist)
    edit(hist / 'app.py', 5, 'line 5 (feature)')
    commit(hist, 'feature edits line 5')
    git('switch', '-q', 'main', cwd=hist)
    edit(hist / 'app.py', 5, 'line 5 (main)')
    edit(hist / 'app.py', 9, 'line 9 (main)')
    commit(hist, 'main edits lines 5 and 9')
    git('merge', '-q', 'feature', cwd=hist, check=False)  # conflicts
    write(
        hist / 'app.py',
        APP.replace('line 5\n', 'line 5 (feature)\n').replace('line 9\n', 'line 9 (main)\n'),
    )  # take a side per hunk: adds nothing
    plain = commit(hist, 'merge feature')
    passes(capsys, f'{plain}^1', plain, commits=2)

    git('reset', '-q', '--hard', f'{plain}^1', cwd=hist)
    git('merge', '-q', 'feature', cwd=hist, check=False)
    edit(hist / 'app.py', 5, f'line5 = "{TOKEN}"')  # a line neither side had
    evil = commit(hist, 'merge feature')
    blocked(capsys, f'{evil}^1', evil, token_line('app.py', 5, evil))


@pytest.mark.slow
def test_octopus_merge(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tips = {}
    for i, name in enumerate(('one', 'two', 'three')):
        git('switch', '-q', '-c', name, 'main', cwd=hist)
        write(hist / f'{name}.py', f'{name} = 1\n')
        edit(hist / 'app.py', 1 + 4 * i, f'line {1 + 4 * i} ({name})')  # one file, 3 sides
        if name == 'two':
            write(hist / 'two.py', f'two = "{TOKEN}"\n')
        tips[name] = commit(hist, f'add {name}')
    git('switch', '-q', 'main', cwd=hist)
    m = merge(hist, 'one', 'two', 'three')
    assert len(git('log', '-1', '--format=%P', m, cwd=hist).stdout.split()) == 4
    blocked(capsys, f'{m}^1', m, token_line('two.py', 1, tips['two']))

    # Without the token the octopus passes; with a line of its own it is judged.
    git('switch', '-q', 'two', cwd=hist)
    write(hist / 'two.py', 'two = 2\n')
    commit(hist, 'drop the token')
    git('switch', '-q', 'main', cwd=hist)
    git('reset', '-q', '--hard', f'{m}^1', cwd=hist)
    m2 = merge(hist, 'one', 'two', 'three')
    got = judge(capsys, f'{m2}^1', m2)
    assert got['credentials'][1].count('[github-token]') == 1  # the token's own commit
    git('reset', '-q', '--hard', f'{m}^1', cwd=hist)
    git('merge', '-q', '--no-commit', 'one', 'three', cwd=hist)
    write(hist / 'octo.py', f'x = "{TOKEN}"\n')
    evil = commit(hist, 'evil octopus')
    blocked(capsys, f'{evil}^1', evil, token_line('octo.py', 1, evil))


@pytest.mark.slow
def test_criss_cross_merge(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git('switch', '-q', '-c', 'a', cwd=hist)
    edit(hist / 'app.py', 1, 'line 1 (a)')
    a1 = commit(hist, 'a1')
    git('switch', '-q', '-c', 'b', 'main', cwd=hist)
    edit(hist / 'app.py', 10, 'line 10 (b)')
    b1 = commit(hist, 'b1')
    git('switch', '-q', 'a', cwd=hist)
    merge(hist, b1)
    git('switch', '-q', 'b', cwd=hist)
    merge(hist, a1)
    edit(hist / 'app.py', 4, f'b = "{TOKEN}"')
    leak = commit(hist, 'b2 adds a token')
    git('switch', '-q', 'a', cwd=hist)
    edit(hist / 'app.py', 6, 'line 6 (a)')
    commit(hist, 'a2')
    m = merge(hist, 'b')
    assert len(git('merge-base', '--all', f'{m}^1', f'{m}^2', cwd=hist).stdout.split()) == 2
    blocked(capsys, f'{m}^1', m, token_line('app.py', 4, leak))
    # The shape alone (both crossing merges, the final merge) passes.
    passes(capsys, f'{leak}^1', f'{leak}^1', commits=0)
    got = judge(capsys, a1, f'{m}^1')
    assert [c for c, _ in got.values()] == [0, 0, 0], got


@pytest.mark.slow
def test_merge_of_unrelated_histories(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git('switch', '-q', '--orphan', 'imported', cwd=hist)  # an empty index and tree
    write(hist / 'vendor' / 'lib.py', 'VERSION = 1\n')
    clean_root = commit(hist, 'imported root')
    git('switch', '-q', 'main', cwd=hist)
    git(
        'merge',
        '-q',
        '--no-verify',
        '--allow-unrelated-histories',
        '-m',
        'import',
        'imported',
        cwd=hist,
    )
    m = rev(hist, 'HEAD')
    passes(capsys, f'{m}^1', m, commits=2)

    git('switch', '-q', 'imported', cwd=hist)
    write(hist / 'vendor' / 'keys.py', f'KEY = "{TOKEN}"\n')
    leak = commit(hist, 'imported key')
    git('switch', '-q', 'main', cwd=hist)
    m2 = merge(hist, 'imported')
    blocked(capsys, f'{m2}^1', m2, token_line('vendor/keys.py', 1, leak))
    del clean_root


# --- commits of every kind -----------------------------------------------------------


def test_root_commit_is_judged_whole(
    repo: Path,
    ssh_key: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sign_everything(repo, ssh_key)
    write(repo / 'app.py', f'key = "{TOKEN}"\n')
    root = commit(repo, 'root')
    assert credentials.main(['--from', '0' * 40, '--to', 'HEAD']) == 1
    assert token_line('app.py', 1, root) in capsys.readouterr().out
    # A push that includes the root: pre-commit gives no range, only the remote names.
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    monkeypatch.setenv('PRE_COMMIT_REMOTE_BRANCH', 'refs/heads/main')
    assert credentials.main([]) == 1
    assert token_line('app.py', 1, root) in capsys.readouterr().out


@pytest.mark.slow
def test_empty_commits(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = rev(hist, 'HEAD')
    commit(hist, 'nothing changed')
    commit(hist, 'still nothing')
    passes(capsys, base, 'HEAD', commits=2)
    leak = commit(hist, f'rotate {TOKEN}')  # the message is judged, not only the diff
    got = judge(capsys, base, leak)
    assert got['credentials'][0] == 1
    assert f'<commit message>:1: (commit {leak[:12]}) {FINDING}' in got['credentials'][1]


@pytest.mark.slow
def test_renames_and_copies(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = rev(hist, 'HEAD')
    git('mv', 'app.py', 'main.py', cwd=hist)
    commit(hist, 'rename app.py')
    passes(capsys, base, 'HEAD', commits=1)

    write(hist / 'settings.py', f'key = "{TOKEN}"\n')
    commit(hist, 'settings', '--no-gpg-sign')  # on main before the pull request
    start = rev(hist, 'HEAD')
    (hist / 'config').mkdir()
    git('mv', 'settings.py', 'config/settings.py', cwd=hist)
    (hist / 'config' / 'settings.py').write_text(f'key = "{TOKEN}"\nmore = 1\n')
    moved = commit(hist, 'move settings')
    write(hist / 'copy.py', f'key = "{TOKEN}"\n')
    copied = commit(hist, 'copy settings')
    # git does not detect renames here: a moved or copied file is added whole, so a
    # credential that moves is judged again where it lands.
    blocked(
        capsys,
        start,
        copied,
        token_line('config/settings.py', 1, moved),
        token_line('copy.py', 1, copied),
    )


@pytest.mark.slow
def test_mode_change_and_a_token_in_another_file(
    hist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = rev(hist, 'HEAD')
    git('update-index', '--chmod=+x', 'app.py', cwd=hist)
    commit(hist, 'make app.py executable', add=False)
    passes(capsys, base, 'HEAD', commits=1)
    git('update-index', '--chmod=-x', 'app.py', cwd=hist)
    write(hist / 'other.py', f'key = "{TOKEN}"\n')
    git('add', 'other.py', cwd=hist)
    leak = commit(hist, 'mode and token', add=False)
    blocked(capsys, base, leak, token_line('other.py', 1, leak))


def _clear(repo: Path) -> Path:
    """`thing` gone from the index and the work tree, whatever kind it was."""
    git('rm', '-q', '-r', '--cached', 'thing', cwd=repo)
    p = repo / 'thing'
    if p.is_symlink() or p.is_file():
        p.unlink()
    elif p.is_dir():
        shutil.rmtree(p)
    return p


def _to_symlink(repo: Path) -> None:
    os.symlink('app.py', _clear(repo))
    git('add', 'thing', cwd=repo)


def _to_file(repo: Path) -> None:
    _clear(repo).write_text('a file again\n')
    git('add', 'thing', cwd=repo)


def _to_submodule(repo: Path) -> None:
    _clear(repo)
    sha = rev(repo, 'HEAD')
    git('update-index', '--add', '--cacheinfo', f'160000,{sha},thing', cwd=repo)


def _to_directory(repo: Path) -> None:
    write(_clear(repo) / 'inner.py', 'inner = 1\n')
    git('add', 'thing', cwd=repo)


KINDS = {
    'symlink': _to_symlink,
    'file': _to_file,
    'submodule': _to_submodule,
    'directory': _to_directory,
}


@pytest.mark.parametrize(
    ('start', 'end'),
    slow_after(
        1,
        [
            ('file', 'symlink'),
            ('symlink', 'file'),
            ('file', 'submodule'),
            ('submodule', 'file'),
            ('file', 'directory'),
            ('directory', 'file'),
            ('symlink', 'submodule'),
            ('submodule', 'directory'),
            ('directory', 'symlink'),
        ],
        several=True,
    ),
)
def test_type_change_and_a_token_in_another_file(
    hist: Path, capsys: pytest.CaptureFixture[str], start: str, end: str
) -> None:
    write(hist / 'thing', 'a file\n')
    git('add', 'thing', cwd=hist)
    if start != 'file':
        KINDS[start](hist)
    base = commit(hist, f'thing is a {start}', add=False)
    KINDS[end](hist)
    changed = commit(hist, f'thing becomes a {end}', add=False)
    passes(capsys, base, changed, commits=1)

    KINDS[start](hist)
    write(hist / 'other.py', f'key = "{TOKEN}"\n')
    git('add', 'other.py', cwd=hist)
    leak = commit(hist, f'thing is a {start} again, and a token', add=False)
    blocked(capsys, changed, leak, token_line('other.py', 1, leak))


def test_deletion_of_a_file_holding_a_token(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(hist / 'old.py', f'key = "{TOKEN}"\n')
    base = commit(hist, 'old key', '--no-gpg-sign')
    (hist / 'old.py').unlink()
    commit(hist, 'remove the key')
    passes(capsys, base, 'HEAD', commits=1)


@pytest.mark.slow
def test_binary_changes(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = rev(hist, 'HEAD')
    png = b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR' + bytes(_rng.randrange(256) for _ in range(4000))
    write(hist / 'logo.png', png)
    commit(hist, 'add a logo')
    write(hist / 'logo.png', png[:2000] + bytes(reversed(png[2000:])))
    commit(hist, 'change the logo')
    passes(capsys, base, 'HEAD', commits=2)
    write(hist / 'logo.png', png)
    write(hist / 'client.py', f'key = "{TOKEN}"\n')
    leak = commit(hist, 'logo and client')
    blocked(capsys, base, leak, token_line('client.py', 1, leak))


@pytest.mark.slow
def test_submodule_pointer_updates(
    hist: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = tmp_path / 'sub'
    git('-c', 'init.defaultBranch=main', 'init', '-q', str(sub), cwd=tmp_path)
    write(sub / 'lib.py', 'x = 1\n')
    git('add', '.', cwd=sub)
    git('commit', '-q', '--no-gpg-sign', '-m', 'one', cwd=sub)
    write(sub / 'lib.py', 'x = 2\n')
    git('commit', '-q', '-a', '--no-gpg-sign', '-m', 'two', cwd=sub)
    base = rev(hist, 'HEAD')
    git(
        '-c',
        'protocol.file.allow=always',
        'submodule',
        'add',
        '-q',
        str(sub),
        'vendor/sub',
        cwd=hist,
    )
    commit(hist, 'add the submodule')
    git('checkout', '-q', 'HEAD~1', cwd=hist / 'vendor' / 'sub')
    git('add', 'vendor/sub', cwd=hist)
    commit(hist, 'pin the submodule back', add=False)
    # `Subproject commit <40 hex digits>` is not a secret, however random it looks.
    passes(capsys, base, 'HEAD', commits=2)


# --- merges add only what no parent had (the merge's own content) ------------------


@pytest.mark.slow
def test_an_unsigned_merge_that_took_every_hunk_from_a_parent_adds_nothing(
    hist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(hist / '.commit-warden.yaml', POLICY + '  allow_unsigned_merges: true\n')
    commit(hist, 'allow unsigned merges')
    git('switch', '-q', '-c', 'feature', cwd=hist)
    edit(hist / 'app.py', 2, 'line 2 (feature)')
    commit(hist, 'feature')
    git('switch', '-q', 'main', cwd=hist)
    edit(hist / 'app.py', 9, 'line 9 (main)')
    commit(hist, 'main')
    git(
        'merge', '-q', '--no-ff', '--no-verify', '--no-gpg-sign', '-m', 'clean', 'feature', cwd=hist
    )
    clean = rev(hist, 'HEAD')
    assert signatures.main(['--from', f'{clean}^1', '--to', clean]) == 0, capsys.readouterr()
    git('reset', '-q', '--hard', f'{clean}^1', cwd=hist)
    git('merge', '-q', '--no-commit', '--no-ff', 'feature', cwd=hist)
    edit(hist / 'app.py', 5, 'line 5 (the merge)')
    evil = commit(hist, 'evil', '--no-gpg-sign')
    capsys.readouterr()
    assert signatures.main(['--from', f'{evil}^1', '--to', evil]) == 1
    assert capsys.readouterr().out.startswith(
        f'(commit {evil[:12]}) {evil[:12]} "evil": the commit is not signed (a merge may be '
        "unsigned only when its tree is git's own conflict-free merge of its parents"
    )


# --- the index during a conflict ----------------------------------------------------


def test_unresolved_conflict_in_the_index_at_pre_commit(
    hist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git('switch', '-q', '-c', 'feature', cwd=hist)
    edit(hist / 'app.py', 5, f'line5 = "{TOKEN}"')
    commit(hist, 'feature')
    git('switch', '-q', 'main', cwd=hist)
    edit(hist / 'app.py', 5, 'line 5 (main)')
    write(hist / 'notes.txt', 'notes\n')
    commit(hist, 'main')
    proc = git('merge', 'feature', cwd=hist, check=False)
    assert 'CONFLICT' in proc.stdout
    # What the conflict would bring in (the incoming side's lines) is judged.
    assert credentials.main(['app.py', 'notes.txt']) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f'app.py:5: {FINDING}'
    msg = hist / '.git' / 'MERGE_MSG'
    assert hotfixes.main([str(msg)]) == 0, capsys.readouterr()

    git('merge', '--abort', cwd=hist)
    git('switch', '-q', 'feature', cwd=hist)
    edit(hist / 'app.py', 5, 'line 5 (feature)')
    commit(hist, 'feature without the token')
    git('switch', '-q', 'main', cwd=hist)
    git('merge', 'feature', cwd=hist, check=False)
    assert credentials.main(['app.py']) == 0, capsys.readouterr()


# --- SHA-256 -----------------------------------------------------------------------


@pytest.mark.slow
def test_sha256_repository(
    tmp_path: Path,
    ssh_key: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = tmp_path / 'sha256'
    git(
        '-c',
        'init.defaultBranch=main',
        'init',
        '-q',
        '--object-format=sha256',
        str(repo),
        cwd=tmp_path,
    )
    monkeypatch.chdir(repo)
    sign_everything(repo, ssh_key)
    write(repo / 'app.py', f'key = "{TOKEN}"\n')
    git('add', '-A', cwd=repo)
    assert credentials.main(['app.py']) == 1  # staged, no HEAD yet: the empty tree
    assert capsys.readouterr().out.splitlines()[0] == f'app.py:1: {FINDING}'
    write(repo / 'app.py', APP)
    base = commit(repo, 'base')
    assert len(base) == 64
    git('switch', '-q', '-c', 'feature', cwd=repo)
    edit(repo / 'app.py', 2, 'line 2 (feature)')
    commit(repo, 'feature')
    git('switch', '-q', 'main', cwd=repo)
    edit(repo / 'app.py', 9, 'line 9 (main)')
    commit(repo, 'main')
    m = merge(repo, 'feature')
    passes(capsys, f'{m}^1', m, commits=2)
    write(repo / 'k.py', f'key = "{TOKEN}"\n')
    leak = commit(repo, 'key')
    blocked(capsys, m, leak, token_line('k.py', 1, leak))


# --- history rewriting inside the repository ------------------------------------------


@pytest.fixture
def hidden(hist: Path) -> tuple[Path, str, str, str]:
    """base, then a commit adding a token, then one removing it: judging base..head
    must name the middle commit."""
    base = rev(hist, 'HEAD')
    write(hist / 'k.py', f'key = "{TOKEN}"\n')
    leak = commit(hist, 'add a key')
    (hist / 'k.py').unlink()
    head = commit(hist, 'remove the key')
    return hist, base, leak, head


def test_replace_refs_do_not_change_what_is_judged(
    hidden: tuple[Path, str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, leak, head = hidden
    # To git, head's parent is now base: the commit with the token is out of sight.
    git('replace', '--graft', head, base, cwd=repo)
    assert git('rev-list', f'{base}..{head}', cwd=repo).stdout.split() == [head]
    blocked(capsys, base, head, token_line('k.py', 1, leak))


@pytest.mark.slow
def test_a_grafts_file_does_not_change_what_is_judged(
    hidden: tuple[Path, str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, leak, head = hidden
    write(repo / '.git' / 'info' / 'grafts', f'{head} {base}\n')
    assert git(
        '-c', 'advice.graftFileDeprecated=false', 'rev-list', f'{base}..{head}', cwd=repo
    ).stdout.split() == [head]
    blocked(capsys, base, head, token_line('k.py', 1, leak))


@pytest.mark.slow
def test_a_replaced_blob_is_read_as_stored(hist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A stray NUL makes the hook read the blob itself (cat-file) to tell text from
    # binary; a replace ref must not make it read a binary stand-in instead.
    base = rev(hist, 'HEAD')
    write(hist / 'k.py', f'# \0\nkey = "{TOKEN}"\n'.encode())
    leak = commit(hist, 'add a key')
    noise = bytes(_rng.randrange(256) for _ in range(4000))
    fake = git('hash-object', '-w', '--stdin', cwd=hist, input=noise).stdout.strip()
    git('replace', rev(hist, f'{leak}:k.py'), fake, cwd=hist)
    assert git('cat-file', '-s', f'{leak}:k.py', cwd=hist).stdout.strip() == '4000'
    blocked(capsys, base, leak, token_line('k.py', 2, leak))


# --- diff output the parser does not understand ---------------------------------------


def _shim(tmp_path: Path, mangle: str) -> Path:
    """A `git` on PATH that runs the real one, but rewrites what `diff-tree` prints."""
    real = shutil.which('git')
    bin_dir = tmp_path / 'shim'
    bin_dir.mkdir()
    shim = bin_dir / 'git'
    shim.write_text(
        f'#!{sys.executable}\n'
        'import os, subprocess, sys\n'
        'if "diff-tree" not in sys.argv:\n'
        f'    os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n'
        f'p = subprocess.run([{real!r}, *sys.argv[1:]], input=sys.stdin.buffer.read(),\n'
        '                   capture_output=True)\n'
        f'sys.stdout.buffer.write({mangle})\n'
        'sys.stderr.buffer.write(p.stderr)\n'
        'sys.exit(p.returncode)\n'
    )
    shim.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(
    'mangle',
    slow_after(
        1,
        [
            'p.stdout.replace(b"\\n+key", b"\\n+key\\n+more", 1)',  # a hunk longer than it says
            'p.stdout.replace(b"\\n+key", b"\\n*key", 1)',  # a line with no valid prefix
            'p.stdout.replace(b"@@ -0,0 +1 @@", b"@@ -0,0 +one @@", 1)',  # a hunk header
            'p.stdout.replace(b"diff --git a/k.py b/k.py", b"diff --git a/k.py b/x.py", 1)',
            'p.stdout.replace(b"\\0k.py\\0", b"\\0j.py\\0", 1)',  # a patch no entry lists
            'p.stdout[:p.stdout.rindex(b"\\0cw-")]',  # a commit left out
        ],
    ),
)
def test_diff_output_the_parser_does_not_understand_is_an_internal_error(
    hist: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mangle: str,
) -> None:
    base = rev(hist, 'HEAD')
    write(hist / 'k.py', 'key = 1\n')
    head = commit(hist, 'add k.py')
    monkeypatch.setenv('PATH', f'{_shim(tmp_path, mangle)}{os.pathsep}{os.environ["PATH"]}')
    assert credentials.main(['--from', base, '--to', head]) == 3
    err = capsys.readouterr().err
    assert err.startswith('check-credentials: error: could not parse git diff output: ')
    assert 'the commit is blocked because it could not be checked' in err
    assert 'Please report this at https://github.com/commit-warden/commit-warden/issues' in err


ODD = {  # name: as a finding shows it
    'with space b/x.py': 'with space b/x.py',
    'new\nline.py': '"new\\012line.py"',
    'caf\xe9.py': 'caf\xe9.py',
    os.fsdecode(b'latin1-\xe9.py'): '"latin1-\\351.py"',
    'quote"d.py': '"quote\\"d.py"',
}


@pytest.mark.parametrize(
    ('name', 'shown'), slow_after(('new\nline.py',), ODD.items(), several=True)
)
def test_odd_names_in_merges_and_type_changes(
    hist: Path, capsys: pytest.CaptureFixture[str], name: str, shown: str
) -> None:
    # Patches are matched to files by the name their header gives, quoted or not.
    write(hist / name, APP)
    base = commit(hist, 'odd name')
    git('switch', '-q', '-c', 'feature', cwd=hist)
    edit(hist / name, 2, 'line 2 (feature)')
    commit(hist, 'feature')
    git('switch', '-q', 'main', cwd=hist)
    edit(hist / name, 9, 'line 9 (main)')
    commit(hist, 'main')
    git('merge', '-q', '--no-commit', 'feature', cwd=hist)
    edit(hist / name, 5, f'five = "{TOKEN}"')
    evil = commit(hist, 'evil merge')
    blocked(capsys, base, evil, token_line(shown, 5, evil))
    (hist / name).unlink()
    os.symlink('app.py', hist / name)
    write(hist / 'other.py', f'other = "{TOKEN}"\n')
    leak = commit(hist, 'a symlink now')
    blocked(capsys, evil, leak, token_line('other.py', 1, leak))
