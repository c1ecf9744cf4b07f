"""What to scan of a change: the lines it adds (a file with no staged change: all
of it), in bounded memory.

git diffs ordinary text files; a file git would not diff as text (a NUL early
on, an attribute saying binary) or bigger than STREAM_BYTES comes without lines,
and is read here by its content (hooks.credentials.content): text in any UTF
encoding is scanned line by line, binary content by its printable runs, and a
blob bigger than STREAM_BYTES as a stream. Only `credentials.exclude` skips a
file's content silently; a file not scanned because it is over
`credentials.max_file_bytes`, or because its content is not in the clone, is a
`file-skipped` finding.
"""
from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.content import BINARY
from hooks.credentials.content import SAMPLE
from hooks.credentials.content import Skip
from hooks.credentials.content import Source
from hooks.credentials.content import classify
from hooks.credentials.content import lines_of
from hooks.credentials.engine import ID
from hooks.credentials.engine import Work
from hooks.findings import Finding
from hooks.git import DiffLine
from hooks.git import FileChange
from hooks.git import Repo
from hooks.globs import matches

# A blob bigger than this is never held whole: git gives no patch for it, and it
# is read as a stream.
STREAM_BYTES = 1 << 22


class Plan(NamedTuple):
    work: list[Work]
    # Filled in as files are planned, and as streams are scanned: a stream that
    # turns out to add more than the limit is reported when it gets there.
    skipped: list[Finding]


_FIX = ('exclude it in credentials.exclude if it cannot hold secrets, '
        'or raise credentials.max_file_bytes')


def _skip_finding(path: str, why: str, fix: str, commit: str | None) -> Finding:
    return Finding(
        hook=ID, rule='file-skipped', severity='medium', path=path, line=None, commit=commit,
        message=f'not scanned: {why}\n{fix}')


def _too_big(path: str, size: int, limit: int, commit: str | None) -> Finding:
    return _skip_finding(
        path, f'{size:,} bytes is over credentials.max_file_bytes ({limit:,})', _FIX, commit)


def _unreadable(path: str, oid: str, commit: str | None) -> Finding:
    return _skip_finding(
        path, f'its content (blob {oid[:12]}) is not in this clone',
        'fetch it and run the check again (a partial clone, `--filter=blob:none`, fetches '
        'content from its remote when needed: check that the remote can be reached, or '
        'clone without `--filter`)', commit)


def _excluded(path: str, config: cfg.CredentialsConfig) -> bool:
    # The baseline is scanned like any file: it holds only hashes, and a pull
    # request must not be able to smuggle a secret in beside them.
    return matches(path, config.exclude)


class _Reader(NamedTuple):
    """Reads the files git gave no usable lines for, one blob at a time."""

    repo: Repo
    plan: Plan
    limit: int
    commit: str | None

    def whole(self, path: str, oid: str, size: int, data: bytes, kind: str) -> None:
        """All of a blob, held (`data` is all of it) or streamed."""
        if size > self.limit:
            self.plan.skipped.append(_too_big(path, size, self.limit, self.commit))
        elif len(data) == size:
            self.plan.work.append(Work(path, tuple(lines_of(data, kind)), self.commit,
                                       binary=kind == BINARY))
        else:
            self.plan.work.append(Work(path, (), self.commit, binary=kind == BINARY,
                                       source=Source(self.repo, path, oid, kind, size,
                                                     self.limit)))

    def patch(self, c: FileChange, size: int, bases: tuple[str, ...]) -> None:
        """The lines a change adds to a text file git would not diff: its patch, read
        as a stream (git diffs it as text when asked)."""
        self.plan.work.append(Work(c.path, (), self.commit, source=Source(
            self.repo, c.path, c.new_oid, 'patch', size, self.limit, bases, self.commit,
            self._on_skip(c.path))))

    def _on_skip(self, path: str) -> Callable[[Skip], None]:
        def skip(s: Skip) -> None:
            self.plan.skipped.append(_skip_finding(
                path, f'it adds more than credentials.max_file_bytes ({s.limit:,} bytes)',
                _FIX, self.commit))
        return skip

    def read(self, oids: dict[str, list[str]],
             each: Callable[[str, str, int, bytes, str], None]) -> None:
        """Call `each(path, oid, size, data, kind)` for every path of every blob."""
        seen = set()
        for oid, size, data in self.repo.read_blobs_upto(oids, STREAM_BYTES, SAMPLE):
            seen.add(oid)
            kind = classify(data[:SAMPLE])
            for path in oids[oid]:
                each(path, oid, size, data, kind)
        for oid, paths in oids.items():
            if oid not in seen:
                self.plan.skipped.extend(_unreadable(p, oid, self.commit) for p in paths)


def plan_changes(repo: Repo, changes: Sequence[FileChange], config: cfg.CredentialsConfig,
                 commit: str | None = None, plan: Plan | None = None) -> Plan:
    """What to scan of a set of file changes (from a diff made with
    `big_file_bytes=STREAM_BYTES`): the lines each adds, added to `plan`.

    The size limit applies to what a change adds, not to the file: one line added
    to a huge file is still checked.
    """
    plan = Plan([], []) if plan is None else plan
    limit = config.max_file_bytes
    unread: dict[str, FileChange] = {}
    for c in changes:
        if c.status == 'D' or c.is_submodule or _excluded(c.path, config):
            continue
        if c.binary and not c.lines:
            unread[c.path] = c  # git would not diff it: read here
            continue
        if not c.added_lines:
            continue
        size = sum(len(x.text) + 1 for x in c.added_lines)
        if size > limit:
            plan.skipped.append(_too_big(c.path, size, limit, commit))
        elif c.binary:
            unread[c.path] = c  # NUL bytes among its lines: read the blob to tell
        else:
            plan.work.append(Work(c.path, c.lines, commit))
    if not unread:
        return plan
    reader = _Reader(repo, plan, limit, commit)
    bases: list[tuple[str, ...]] = []  # what a patch is against, found once

    def each(path: str, oid: str, size: int, data: bytes, kind: str) -> None:
        c = unread[path]
        if kind == BINARY or kind != 'utf-8' or c.status in ('A', 'T'):
            reader.whole(path, oid, size, data, kind)  # all of it is added, or decoded whole
        elif c.lines:
            plan.work.append(Work(path, tuple(
                DiffLine(x.number, x.text.replace('\0', ' '), x.added) for x in c.lines), commit))
        else:
            if not bases:
                bases.append(_bases(repo, commit))
            reader.patch(c, size, bases[0])

    oids: dict[str, list[str]] = {}
    for c in unread.values():
        oids.setdefault(c.new_oid, []).append(c.path)
    reader.read(oids, each)
    return plan


def _bases(repo: Repo, commit: str | None) -> tuple[str, ...]:
    """What a change is against: the staged base, or each parent of `commit`."""
    if commit is None:
        return (repo.staged_base(),)
    parents = repo.out('rev-parse', f'{commit}^@').split()
    return tuple(parents) or (repo.empty_tree,)


def plan_commits(repo: Repo, commits: Sequence[str], config: cfg.CredentialsConfig) -> Plan:
    """Range mode: what each commit adds (one diff for them all)."""
    plan = Plan([], [])
    for cc in repo.commit_changes(commits, big_file_bytes=STREAM_BYTES):
        plan_changes(repo, cc.files, config, cc.commit, plan)
    return plan


def plan_staged(repo: Repo, filenames: Sequence[str],
                config: cfg.CredentialsConfig) -> Plan:
    """Staged mode: what the index adds to each file; untouched files whole."""
    rel = [cfg.repo_relative(repo, f) for f in filenames]
    changes = repo.staged_changes(rel or None, big_file_bytes=STREAM_BYTES)
    plan = plan_changes(repo, changes, config)
    changed = {c.path for c in changes}
    return plan_whole(repo, [p for p in rel if p not in changed], config, plan)


def plan_whole(repo: Repo, paths: Sequence[str], config: cfg.CredentialsConfig,
               plan: Plan | None = None) -> Plan:
    """Files as they are in the index, whole."""
    plan = Plan([], []) if plan is None else plan
    wanted = {p for p in paths if not _excluded(p, config)}
    if not wanted:
        return plan
    oids: dict[str, list[str]] = {}
    for p, (mode, oid) in sorted(repo.ls_files(sorted(wanted)).items()):
        if mode != '160000' and p in wanted:
            oids.setdefault(oid, []).append(p)
    reader = _Reader(repo, plan, config.max_file_bytes, None)
    reader.read(oids, lambda path, oid, size, data, kind: reader.whole(path, oid, size, data,
                                                                        kind))
    return plan
