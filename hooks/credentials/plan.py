"""What to scan of a change: the lines it adds to text files (a file read whole
when it has no staged change), binary files told by content, and files over the
size limit reported as skipped, never silently passed."""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.engine import ID
from hooks.credentials.engine import Work
from hooks.findings import Finding
from hooks.git import FileChange
from hooks.git import Repo
from hooks.globs import matches
from hooks.scan import Line

BINARY_SNIFF = 8000


_UTF16_BOMS = (b'\xff\xfe', b'\xfe\xff')


_CONTROL = bytes(b for b in range(32) if b not in b'\t\n\r\f\b\x1b')


def _is_binary(data: bytes) -> bool:
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


def _lines_of(data: bytes) -> tuple[Line, ...]:
    text = _decode(data)
    return tuple(Line(i, t, True) for i, t in enumerate(text.splitlines(), 1))


def text_lines(data: bytes) -> tuple[Line, ...] | None:
    """A whole file's lines as the scan reads them; None for a binary file."""
    return None if _is_binary(data) else _lines_of(data)


class Plan(NamedTuple):
    work: list[Work]
    skipped: list[Finding]


def _skip_finding(path: str, size: int, limit: int, commit: str | None) -> Finding:
    return Finding(
        hook=ID, rule='file-skipped', severity='low', path=path, line=None, commit=commit,
        message=f'not scanned: {size:,} bytes is over credentials.max_file_bytes '
                f'({limit:,})\nraise the limit or exclude the file if it cannot hold secrets')


def excluded(path: str, config: cfg.CredentialsConfig) -> bool:
    """Whether the policy leaves this path out of every scan."""
    # The baseline is scanned like any file: it holds only hashes, and a pull
    # request must not be able to smuggle a secret in beside them.
    return matches(path, config.exclude)


def plan_changes(repo: Repo, changes: Sequence[FileChange], config: cfg.CredentialsConfig,
                 commit: str | None = None) -> Plan:
    """What to scan of a set of file changes: the added lines of text files.

    The size limit applies to what the change adds, not to the file: one line added
    to a huge file is still checked. A change whose lines hold a NUL byte is judged
    by its blob's first bytes, as git does: one stray NUL does not make a file
    binary, and a UTF-16 file is decoded and checked whole.
    """
    work: list[Work] = []
    skipped: list[Finding] = []
    sniff: list[FileChange] = []
    for c in changes:
        if c.status == 'D' or c.is_submodule or not c.added_lines or excluded(c.path, config):
            continue
        size = sum(len(x.text) + 1 for x in c.added_lines)
        if size > config.max_file_bytes:
            skipped.append(_skip_finding(c.path, size, config.max_file_bytes, commit))
        elif c.binary:
            sniff.append(c)
        else:
            work.append(Work(c.path, tuple(Line(x.number, x.text, x.added) for x in c.lines),
                             commit))
    if sniff:
        blobs = dict(repo.read_blobs(c.new_oid for c in sniff))
        for c in sniff:
            data = blobs.get(c.new_oid, b'')
            if _is_binary(data):
                continue
            if data.startswith(_UTF16_BOMS):
                work.append(Work(c.path, _lines_of(data), commit))
            else:
                work.append(Work(c.path, tuple(Line(x.number, x.text.replace('\0', ' '), x.added)
                                               for x in c.lines), commit))
    return Plan(work, skipped)


def plan_staged(repo: Repo, filenames: Sequence[str],
                config: cfg.CredentialsConfig) -> Plan:
    """Staged mode: what the index adds to each file; untouched files whole."""
    rel = [cfg.repo_relative(repo, f) for f in filenames]
    changes = repo.staged_changes(rel or None)
    plan = plan_changes(repo, changes, config)
    changed = {c.path for c in changes}
    whole = plan_whole(repo, [p for p in rel if p not in changed], config)
    return Plan(plan.work + whole.work, plan.skipped + whole.skipped)


def plan_whole(repo: Repo, paths: Sequence[str], config: cfg.CredentialsConfig) -> Plan:
    """Files as they are in the index, whole: text files within the size limit."""
    plan = Plan([], [])
    wanted = [p for p in paths if not excluded(p, config)]
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
        if not _is_binary(data):
            plan.work.append(Work(p, _lines_of(data)))
    return plan

