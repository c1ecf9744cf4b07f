"""What to scan of a change: the lines it adds to text files (a file read whole
when it has no staged change), binary files told by content, and files over the
size limit reported as skipped, never silently passed."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.engine import ID
from hooks.credentials.engine import Work
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.git import FileChange
from hooks.git import Repo
from hooks.globs import matches
from hooks.report import display_path
from hooks.scan import Line

BINARY_SNIFF = 8000


_UTF16_BOMS = (b'\xff\xfe', b'\xfe\xff')


_CONTROL = bytes(b for b in range(32) if b not in b'\t\n\r\f\b\x1b')


def is_binary(data: bytes) -> bool:
    """Binary by content: its first 8000 bytes hold a NUL (git's rule) *and* are
    mostly not text. One stray NUL in a source file must not hide the file (a
    cheap way to smuggle a secret past a scanner), and UTF-16 text (with its
    byte-order mark) is decoded, not skipped."""
    head = data[:BINARY_SNIFF]
    if b'\0' not in head or data.startswith(_UTF16_BOMS):
        return False
    # Compressed or machine data has ~10% control bytes (26 of 256 values);
    # text with a stray NUL has next to none.
    control = len(head) - len(head.translate(None, _CONTROL))
    return control * 32 > len(head)


def _decode(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        return data.decode('utf-16', 'replace')
    return data.decode('utf-8', 'replace')


def lines_of(data: bytes) -> tuple[Line, ...]:
    text = _decode(data)
    return tuple(Line(i, t, True) for i, t in enumerate(text.splitlines(), 1))


class Plan(NamedTuple):
    work: list[Work]
    skipped: list[Finding]
    # Staged mode: the files read whole from the index because the change does not
    # touch them (already committed, as far as this commit is concerned).
    whole: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()


def _skip_finding(path: str, size: int, limit: int, commit: str | None) -> Finding:
    return Finding(
        hook=ID, rule='file-skipped', severity='low', path=path, line=None, commit=commit,
        message=f'not scanned: {size:,} bytes is over credentials.max_file_bytes '
                f'({limit:,})\nraise the limit or exclude the file if it cannot hold secrets')


def _excluded(path: str, config: cfg.CredentialsConfig) -> bool:
    # The baseline is scanned like any file: it holds only hashes, and a pull
    # request must not be able to smuggle a secret in beside them.
    return matches(path, config.exclude)


def plan_changes(repo: Repo, changes: Sequence[FileChange], config: cfg.CredentialsConfig,
                 commit: str | None = None) -> Plan:
    """What to scan of one set of file changes (see `plan_commits`)."""
    return plan_commits(repo, [(commit, changes)], config)


def plan_commits(repo: Repo, commits: Sequence[tuple[str | None, Sequence[FileChange]]],
                 config: cfg.CredentialsConfig) -> Plan:
    """What to scan of many commits' changes: the added lines of text files.

    The size limit applies to what the change adds, not to the file: one line added
    to a huge file is still checked. A change whose lines hold a NUL byte is judged
    by its blob's first bytes, as git does: one stray NUL does not make a file
    binary, and a UTF-16 file is decoded and checked whole. Those blobs are read in
    one `git cat-file --batch` for all the commits.
    """
    work: list[Work] = []
    skipped: list[Finding] = []
    sniff: list[tuple[str | None, FileChange]] = []
    for commit, changes in commits:
        for c in changes:
            if (c.status == 'D' or c.is_submodule or not c.added_lines
                    or _excluded(c.path, config)):
                continue
            size = sum(len(x.text) + 1 for x in c.added_lines)
            if size > config.max_file_bytes:
                skipped.append(_skip_finding(c.path, size, config.max_file_bytes, commit))
            elif c.binary:
                sniff.append((commit, c))
            else:
                work.append(Work(c.path, tuple(Line(x.number, x.text, x.added)
                                               for x in c.lines), commit))
    if sniff:
        blobs = dict(repo.read_blobs(dict.fromkeys(c.new_oid for _, c in sniff)))
        for commit, c in sniff:
            data = blobs.get(c.new_oid, b'')
            if is_binary(data):
                continue
            if data.startswith(_UTF16_BOMS):
                work.append(Work(c.path, lines_of(data), commit))
            else:
                text = tuple(Line(x.number, x.text.replace('\0', ' '), x.added) for x in c.lines)
                work.append(Work(c.path, text, commit))
    return Plan(work, skipped)


def plan_staged(repo: Repo, filenames: Sequence[str],
                config: cfg.CredentialsConfig) -> Plan:
    """Staged mode: what the index adds to each file; untouched files whole.

    A name that git does not track, or that lies outside the repository, is an error
    that says so (exit 2): the hook judges what will be committed, and a silent pass
    would read as "checked, nothing found".
    """
    rel = [_tracked_name(repo, f) for f in filenames]
    changes = repo.staged_changes(rel or None)
    plan = plan_changes(repo, changes, config)
    changed = {c.path for c in changes}
    rest = [p for p in rel if p not in changed]
    notes: list[str] = []
    if rest:
        known = repo.ls_files(rest)
        untracked = [p for p in rest if p not in known and os.path.lexists(repo.root / p)]
        if untracked:
            raise FatalError(_untracked_message(untracked))
        notes = [f'{display_path(p)}: no such file in the index or the work tree; nothing '
                 'to check' for p in rest if p not in known]
        rest = [p for p in rest if p in known]
    whole = plan_whole(repo, rest, config)
    return Plan(plan.work + whole.work, plan.skipped + whole.skipped, frozenset(rest),
                tuple(notes))


def _tracked_name(repo: Repo, name: str) -> str:
    try:
        return cfg.repo_relative(repo, name)
    except ConfigError:
        raise FatalError(
            f'{name}: outside the repository ({repo.root}); check-credentials judges what '
            'is committed to this repository. To check any directory, run `commit-warden '
            'scan --tree` in the repository that holds it (a commit message file is '
            'recognised only inside the git directory, where git writes it)') from None


def _untracked_message(paths: Sequence[str]) -> str:
    first = display_path(paths[0])
    more = f' (and {len(paths) - 1} more)' if len(paths) > 1 else ''
    return (f'{first}{more}: not tracked by git, so no commit holds it and nothing was '
            f'checked; check-credentials reads what is staged: `git add -- {first}` '
            'first, or leave it out of the command (a commit message file is recognised '
            'only inside the git directory, where git writes it)')


def plan_whole(repo: Repo, paths: Sequence[str], config: cfg.CredentialsConfig) -> Plan:
    """Files as they are in the index, whole: text files within the size limit."""
    plan = Plan([], [])
    wanted = [p for p in paths if not _excluded(p, config)]
    if not wanted:
        return plan
    entries = {p: e for p, e in repo.ls_files(wanted).items()
               if e[0] != '160000' and p in set(wanted)}
    sizes = repo.object_sizes(oid for _, oid in entries.values())
    small = {}
    for p, (_, oid) in sorted(entries.items()):
        if sizes.get(oid, 0) > config.max_file_bytes:
            plan.skipped.append(_skip_finding(p, sizes[oid], config.max_file_bytes, None))
        else:
            small[p] = oid
    blobs = dict(repo.read_blobs(small.values()))
    for p, oid in small.items():
        data = blobs.get(oid, b'')
        if not is_binary(data):
            plan.work.append(Work(p, lines_of(data)))
    return plan

