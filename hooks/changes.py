"""What commits and the index change: the diff commands `Repo` runs, the options
that make their output ours to parse, and their answers parsed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.diff import CommitChanges
from hooks.diff import DiffLine
from hooks.diff import FileChange
from hooks.diff import file_lines
from hooks.diff import parse_commits
from hooks.diff import parse_diff
from hooks.diff import parse_hunks
from hooks.diffstream import stream_hunks
from hooks.gitproc import LINE_PIECE
from hooks.gitproc import PIECE_OVERLAP
from hooks.gitproc import split_lines
from hooks.gitproc import stream_git

if TYPE_CHECKING:
    from hooks.git import Repo

# Options that make diff output independent of the user's git config: no colour,
# no external or textconv drivers (a repository's .gitattributes could otherwise
# hide a file's content from us), fixed prefixes, no rename pairing, full ids.
DIFF_OPTS = (
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    '--text',
    '--no-relative',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '--no-abbrev',
    '--submodule=short',
    '--ignore-submodules=none',
    '-O/dev/null',
    '--raw',
    '-p',
    '-z',
    '-U1',
)
# diff.suppressBlankEmpty would print an empty context line without its prefix.
CONFIG_OPTS = (
    '-c',
    'core.quotepath=on',
    '-c',
    'diff.noprefix=false',
    '-c',
    'diff.suppressBlankEmpty=false',
)
# One file's patch read as a stream (`patch_lines`): no raw entries.
# Every commit's changes, the commits read from stdin: a root commit against the
# empty tree, a merge as its combined diff, an empty commit still named.
DIFF_TREE_STDIN = ('diff-tree', '--stdin', '--root', '--cc', '--always', '-r')

_STREAM_DIFF_OPTS = tuple(o for o in DIFF_OPTS if o not in ('--raw', '-z'))


def _diff_opts(big_file_bytes: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(git's options, the diff command's options) for a diff with patches.

    With `big_file_bytes`, a file git would not diff as text (a NUL early on, an
    attribute saying binary) or bigger than that comes with no lines ("Binary
    files ... differ", `FileChange.binary`): the caller reads it itself, as a
    stream, so no one file's patch is ever held whole. (A merge's combined diff
    ignores the size: it shows only the lines the merge itself wrote.)
    """
    if big_file_bytes is None:
        return CONFIG_OPTS, DIFF_OPTS
    return (
        (*CONFIG_OPTS, '-c', f'core.bigFileThreshold={big_file_bytes}'),
        tuple(o for o in DIFF_OPTS if o != '--text'),
    )


def commit_changes(
    repo: Repo,
    commits: Sequence[str],
    big_file_bytes: int | None = None,
) -> list[CommitChanges]:
    """What each commit adds: one `git diff-tree --stdin` for the whole list.

    A root commit shows its whole tree. A merge shows what it adds against all
    of its parents (`--cc`), so lines that came from one side are judged in the
    commit that wrote them (see `parse_diff`). Every commit asked for must come
    back (`--always` writes a header even for an empty commit); one that does
    not is an internal error, never an empty change. `big_file_bytes`: see
    `_diff_opts`.
    """
    wanted = list(dict.fromkeys(commits))
    if not wanted:
        return []
    # Each commit's section starts with a header carrying a random nonce: the
    # diff itself is attacker-controlled text, so a header that any file
    # could contain (a bare commit id between NULs) could hide a commit.
    nonce = os.urandom(16).hex()
    marker = f'\0cw-{nonce} '.encode()
    config, opts = _diff_opts(big_file_bytes)
    proc = repo.git(
        *config,
        *DIFF_TREE_STDIN,
        *opts,
        f'--format=%x00cw-{nonce} %H%x00',
        stdin='\n'.join(wanted).encode() + b'\n',
    )
    found = parse_commits(proc.stdout, marker, wanted)
    return [CommitChanges(c, tuple(found[c])) for c in commits]


def staged_changes(
    repo: Repo, paths: Sequence[str] | None = None, big_file_bytes: int | None = None
) -> list[FileChange]:
    """What the index adds against HEAD (or against nothing in an empty repo).

    A path with an unresolved conflict has no staged content yet: what it would
    bring in is what the incoming side (stage 3) has that ours (stage 2) lacks.
    `big_file_bytes`: see `_diff_opts`.
    """
    base = repo.staged_base()
    spec = ('--', *paths) if paths else ()
    config, opts = _diff_opts(big_file_bytes)
    proc = repo.git(
        *config, '--literal-pathspecs', 'diff-index', '--cached', '-r', *opts, base, *spec
    )
    changes = parse_diff(proc.stdout)
    if any(c.status == 'U' for c in changes):
        changes = [_conflict_change(repo, c) if c.status == 'U' else c for c in changes]
    return changes


def _conflict_change(repo: Repo, change: FileChange) -> FileChange:
    stages = repo.ls_stages([change.path]).get(change.path, {})
    ours, theirs = stages.get(2), stages.get(3)
    old_mode, old_oid = ours or ('000000', '')
    if theirs is None or theirs[0] == '160000':
        # Deleted (or a submodule) on the incoming side: it brings no lines.
        new_mode, new_oid = theirs or ('000000', '')
        return FileChange(change.path, 'U', old_mode, new_mode, old_oid, new_oid)
    if ours is None or ours[0] == '160000':
        lines, binary = file_lines(dict(repo.read_blobs([theirs[1]])).get(theirs[1], b''))
    else:
        proc = repo.git(
            *CONFIG_OPTS,
            'diff',
            '--no-color',
            '--no-ext-diff',
            '--no-textconv',
            '--text',
            '-U1',
            '--end-of-options',
            ours[1],
            theirs[1],
        )
        # Two blobs: the header names them by id, not by path; only the hunks matter.
        lines, binary = parse_hunks(proc.stdout) if proc.stdout else ((), False)
    return FileChange(change.path, 'U', old_mode, theirs[0], old_oid, theirs[1], lines, binary)


def patch_lines(
    repo: Repo,
    path: str,
    base: str,
    commit: str | None = None,
) -> Iterator[DiffLine]:
    """The added and context lines of one file from `base` to `commit` (None: to
    the index), read as a stream: git diffs it as text whatever it holds, and
    a line longer than LINE_PIECE comes in overlapping pieces (`split_lines`)."""
    if commit is None:
        cmd = ('diff-index', '--cached', *_STREAM_DIFF_OPTS, base)
    else:
        cmd = ('diff-tree', '-r', *_STREAM_DIFF_OPTS, base, commit)
    chunks = stream_git(*CONFIG_OPTS, '--literal-pathspecs', *cmd, '--', path, cwd=repo.root)
    return stream_hunks(split_lines(chunks, b'\n', LINE_PIECE, PIECE_OVERLAP))
