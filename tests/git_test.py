from __future__ import annotations

import os
from pathlib import Path

import pytest

from hooks.diff import DiffLine
from hooks.diff import unquote_c
from hooks.errors import GitError
from hooks.git import Repo
from hooks.gitproc import no_git_env
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import slow_after
from tests.conftest import write

ODD_NAMES = [
    'with space.txt',
    'new\nline.txt',
    'tab\there.txt',
    'quote"d.txt',
    "single'quote.txt",
    'back\\slash.txt',
    'caf\xe9-utf8.txt',
    os.fsdecode(b'latin1-\xe9.txt'),  # not UTF-8: a surrogate-escaped str
    'dir with space/nested file.txt',
    '-starts-with-dash.txt',
    ':(glob)*.txt',
]


def test_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r'is not inside a git repository.*git init'):
        Repo.discover(tmp_path)


def test_git_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('PATH', str(tmp_path))
    with pytest.raises(GitError, match='git is not installed or not on PATH'):
        Repo.discover(tmp_path)


def test_empty_repository(repo: Path) -> None:
    r = Repo.discover()
    assert r.head() is None
    assert r.current_branch() == 'main'
    assert r.staged_changes() == []
    write(repo / 'a.txt', 'one\ntwo\n')
    git('add', 'a.txt', cwd=repo)
    (change,) = r.staged_changes()
    assert change.path == 'a.txt'
    assert change.status == 'A'
    assert change.added_lines == (DiffLine(1, 'one', True), DiffLine(2, 'two', True))
    assert r.commits_in_range(None, 'HEAD') == [] if r.head() else True


@pytest.mark.parametrize('name', slow_after(3, ODD_NAMES))
def test_odd_file_names_round_trip(repo: Path, name: str) -> None:
    write(repo / name, 'secret line\n')
    git('add', '--', name, cwd=repo)
    r = Repo.discover()
    (change,) = r.staged_changes()
    assert change.path == name
    assert change.added_lines == (DiffLine(1, 'secret line', True),)
    # pre-commit passes the same name back: it must select exactly this file.
    assert [c.path for c in r.staged_changes([name])] == [name]
    assert r.index_content(name) == b'secret line\n'
    sha = git_commit(repo, 'odd')
    assert r.content_at(sha, name) == b'secret line\n'
    (cc,) = r.commit_changes([sha])
    assert [f.path for f in cc.files] == [name]
    assert r.changed_paths(f'{sha}~0', sha) == []


def test_all_odd_names_in_one_diff(repo: Path) -> None:
    for i, name in enumerate(ODD_NAMES):
        write(repo / name, f'line {i}\n')
    git('add', '-A', cwd=repo)
    changes = {c.path: c for c in Repo.discover().staged_changes()}
    assert set(changes) == set(ODD_NAMES)
    for i, name in enumerate(ODD_NAMES):
        assert changes[name].added_lines == (DiffLine(1, f'line {i}', True),)


def test_staged_reads_the_index_not_the_work_tree(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    git('add', 'a.py', cwd=repo)
    git_commit(repo, 'base')
    write(repo / 'a.py', 'x = 1\nstaged = 2\n')
    git('add', 'a.py', cwd=repo)
    write(repo / 'a.py', 'x = 1\nstaged = 2\nunstaged = 3\n')
    r = Repo.discover()
    (change,) = r.staged_changes()
    assert change.added_lines == (DiffLine(2, 'staged = 2', True),)
    # One line of context before each added line (for `nextline` pragmas).
    assert change.lines[0] == DiffLine(1, 'x = 1', False)
    assert r.index_content('a.py') == b'x = 1\nstaged = 2\n'


def test_modified_deleted_binary_symlink_and_mode(repo: Path) -> None:
    write(repo / 'keep.txt', 'a\nb\nc\n')
    write(repo / 'gone.txt', 'bye\n')
    write(repo / 'tool.sh', 'echo\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')
    write(repo / 'keep.txt', 'a\nB\nc\nd\n')
    os.remove(repo / 'gone.txt')
    write(repo / 'img.bin', b'\x89PNG\x00\x00secret\x00')
    os.symlink('keep.txt', repo / 'link')
    os.chmod(repo / 'tool.sh', 0o755)  # noqa: S103 (an executable script in a test repo)
    git('add', '-A', cwd=repo)
    changes = {c.path: c for c in Repo.discover().staged_changes()}
    assert [(x.number, x.text) for x in changes['keep.txt'].added_lines] == [(2, 'B'), (4, 'd')]
    assert changes['gone.txt'].status == 'D'
    assert changes['gone.txt'].added_lines == ()
    assert changes['img.bin'].binary
    assert changes['link'].is_symlink
    assert changes['link'].added_lines == (DiffLine(1, 'keep.txt', True),)
    assert changes['tool.sh'].new_mode == '100755'
    assert changes['tool.sh'].added_lines == ()


def test_gitattributes_cannot_hide_content(repo: Path) -> None:
    write(repo / '.gitattributes', '*.py -diff\n')
    write(repo / 'a.py', 'token = 1\n')
    git('add', '.', cwd=repo)
    changes = {c.path: c for c in Repo.discover().staged_changes()}
    assert changes['a.py'].added_lines == (DiffLine(1, 'token = 1', True),)
    assert not changes['a.py'].binary


def test_non_utf8_content_is_decoded_with_replacement(repo: Path) -> None:
    write(repo / 'l1.txt', b'caf\xe9 = 1\n')
    git('add', '.', cwd=repo)
    (change,) = Repo.discover().staged_changes()
    assert change.added_lines == (DiffLine(1, 'caf\ufffd = 1', True),)


def test_ranges_root_merge_and_new_branch(repo: Path, remote: Path) -> None:
    write(repo / 'a', 'root\n')
    git('add', '.', cwd=repo)
    root = git_commit(repo, 'root')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('checkout', '-q', '-b', 'side', cwd=repo)
    write(repo / 's', 'side\n')
    git('add', '.', cwd=repo)
    side = git_commit(repo, 'side')
    git('checkout', '-q', 'main', cwd=repo)
    write(repo / 'm', 'main\n')
    git('add', '.', cwd=repo)
    mainc = git_commit(repo, 'main')
    git('merge', '-q', '--no-ff', '--no-commit', 'side', cwd=repo)
    write(repo / 'm', 'main\nevil\n')  # a line neither parent has
    git('add', 'm', cwd=repo)
    merge = git_commit(repo, 'merge side')
    r = Repo.discover()
    commits = r.commits_in_range(root, 'HEAD')
    assert set(commits) == {side, mainc, merge}
    assert commits[-1] == merge
    # No FROM: what no remote-tracking ref has (origin/main is at root).
    assert set(r.commits_in_range(None, 'HEAD')) == {side, mainc, merge}
    assert set(r.commits_in_range('0' * 40, 'HEAD')) == {side, mainc, merge}
    by_commit = {c.commit: c for c in r.commit_changes([root, *commits])}
    assert [f.path for f in by_commit[root].files] == ['a']
    (merged,) = by_commit[merge].files
    assert merged.path == 'm'
    assert merged.added_lines == (DiffLine(2, 'evil', True),)
    info = {i.commit: i for i in r.commit_infos([root, merge])}
    assert info[merge].is_merge
    assert info[merge].subject == 'merge side'
    assert info[root].parents == ()
    assert info[root].committer_email == 'alice@example.com'


def test_range_errors(repo: Path) -> None:
    git_commit(repo, 'one')
    r = Repo.discover()
    with pytest.raises(GitError, match="'nosuch' does not name a commit"):
        r.commits_in_range('nosuch', 'HEAD')
    assert r.commits_in_range('HEAD', 'HEAD') == []


def test_detached_head(repo: Path) -> None:
    first = git_commit(repo, 'one')
    git_commit(repo, 'two')
    git('checkout', '-q', first, cwd=repo)
    r = Repo.discover()
    assert r.current_branch() is None
    assert r.head() == first


def test_branch_names_with_slashes(repo: Path) -> None:
    git_commit(repo, 'one')
    git('checkout', '-q', '-b', 'hotfix/INC-1/db', cwd=repo)
    assert Repo.discover().current_branch() == 'hotfix/INC-1/db'


def test_shallow_clone_boundary(repo: Path, tmp_path: Path) -> None:
    shas = [git_commit(repo, f'c{i}') for i in range(5)]
    clone = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '2', f'file://{repo}', str(clone), cwd=tmp_path)
    r = Repo.discover(clone)
    assert r.is_shallow()
    assert r.commits_in_range(shas[3], shas[4]) == [shas[4]]
    assert r.commits_in_range(None, 'HEAD') == []  # all of it is on origin/main
    git('remote', 'remove', 'origin', cwd=clone)
    with pytest.raises(GitError, match='fetch --unshallow'):
        r.commits_in_range(None, 'HEAD')
    with pytest.raises(GitError, match='shallow clone'):
        r.commits_in_range(shas[0], 'HEAD')
    assert not Repo.discover().is_shallow()


def test_cat_file_serves_many_objects(repo: Path) -> None:
    for i in range(50):
        write(repo / f'f{i}.txt', f'content {i}\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'many')
    r = Repo.discover()
    entries = r.ls_tree('HEAD')
    blobs = dict(r.read_blobs(oid for _, oid in entries.values()))
    assert len(blobs) == 50
    with r.cat_file() as cat:
        assert cat.read('HEAD:f7.txt') == (entries['f7.txt'][1], 'blob', b'content 7\n')
        assert cat.read('HEAD:missing') is None
        assert cat.read(entries['f9.txt'][1])[2] == b'content 9\n'  # type: ignore[index]


def test_no_git_env_strips_repository_pointers() -> None:
    env = {'GIT_DIR': '/x', 'GIT_INDEX_FILE': '/y', 'GIT_AUTHOR_NAME': 'a', 'PATH': '/bin'}
    assert no_git_env(env) == {'GIT_AUTHOR_NAME': 'a', 'PATH': '/bin'}


@pytest.mark.parametrize(
    ('quoted', 'raw'),
    [
        (b'plain', b'plain'),
        (b'"a\\tb"', b'a\tb'),
        (b'"new\\nline"', b'new\nline'),
        (b'"caf\\303\\251"', b'caf\xc3\xa9'),
        (b'"q\\"d"', b'q"d'),
    ],
)
def test_unquote_c(quoted: bytes, raw: bytes) -> None:
    assert unquote_c(quoted) == raw


def test_commit_ids_inside_content_or_names_cannot_hide_a_commit(repo: Path) -> None:
    git_commit(repo, 'base')
    write(repo / 'secret.py', 'token = 1\n')
    git('add', '.', cwd=repo)
    first = git_commit(repo, 'add')
    # A later commit's file holds `\0<first>\0`, and another is named like a commit id.
    write(repo / 'blob.bin', b'x\0' + first.encode() + b'\0\n')
    write(repo / first, 'named like a commit\n')
    git('add', '.', cwd=repo)
    second = git_commit(repo, 'data')
    r = Repo.discover()
    by_commit = {c.commit: c for c in r.commit_changes([first, second])}
    assert [f.path for f in by_commit[first].files] == ['secret.py']
    assert by_commit[first].files[0].added_lines == (DiffLine(1, 'token = 1', True),)
    assert sorted(f.path for f in by_commit[second].files) == sorted(['blob.bin', first])


def test_a_stage_that_asks_no_diff_never_loads_the_diff_parser() -> None:
    # check-signatures' and check-hotfixes' pre-commit stages ask git about refs and
    # blobs only: hooks.changes and the parser behind it load on the first diff.
    import subprocess
    import sys

    code = (
        'import sys, hooks.runner, hooks.git, hooks.signatures.setup_check, '
        'hooks.signatures.trust, hooks.hotfixes.detect; '
        'print(sorted(m for m in sys.modules '
        'if m in ("hooks.diff", "hooks.diffstream", "hooks.changes")))'
    )
    proc = subprocess.run(
        (sys.executable, '-c', code),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    assert proc.stdout.strip() == '[]'
