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

import os
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
from hooks.diff import DiffLine
from hooks.diff import FileChange
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.git import Repo
from hooks.globs import matches
from hooks.report import display_path

# A blob bigger than this is never held whole: git gives no patch for it (diffs
# made with `big_file_bytes=STREAM_BYTES`), and it is read as a stream.
STREAM_BYTES = 1 << 22


class Plan(NamedTuple):
    work: list[Work]
    # Filled in as files are planned, and as streams are scanned: a stream that
    # turns out to add more than the limit is reported when it gets there, so read
    # it after the scan.
    skipped: list[Finding]
    # Staged mode: the files read whole from the index because the change does not
    # touch them (already committed, as far as this commit is concerned).
    whole: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()


_FIX = (
    'exclude it in credentials.exclude if it cannot hold secrets, '
    'or raise credentials.max_file_bytes'
)


def _skip_finding(path: str, why: str, fix: str, commit: str | None) -> Finding:
    return Finding(
        hook=ID,
        rule='file-skipped',
        severity='medium',
        path=path,
        line=None,
        commit=commit,
        message=f'not scanned: {why}\n{fix}',
    )


def _too_big(path: str, size: int, limit: int, commit: str | None) -> Finding:
    return _skip_finding(
        path, f'{size:,} bytes is over credentials.max_file_bytes ({limit:,})', _FIX, commit
    )


def _unreadable(path: str, oid: str, commit: str | None) -> Finding:
    return _skip_finding(
        path,
        f'its content (blob {oid[:12]}) is not in this clone',
        'fetch it and run the check again (a partial clone, `--filter=blob:none`, fetches '
        'content from its remote when needed: check that the remote can be reached, or '
        'clone without `--filter`)',
        commit,
    )


def excluded(path: str, config: cfg.CredentialsConfig) -> bool:
    # The baseline is scanned like any file: it holds only hashes, and a pull
    # request must not be able to smuggle a secret in beside them.
    return matches(path, config.exclude)


def work_of(path: str, data: bytes, commit: str | None = None) -> Work:
    """All of a file's content held whole, as the scanner reads it (`content`)."""
    kind = classify(data[:SAMPLE])
    return Work(path, tuple(lines_of(data, kind)), commit, binary=kind == BINARY)


class _Blob(NamedTuple):
    oid: str
    size: int
    data: bytes  # all of it when len(data) == size, else its first SAMPLE bytes
    kind: str  # classify()


class _Reader(NamedTuple):
    """Plans the files git gave no usable lines for, reading each blob once."""

    repo: Repo
    plan: Plan
    limit: int
    # What each commit's changes are against, asked of git once per commit.
    bases: dict[str | None, tuple[str, ...]]

    def whole(self, path: str, blob: _Blob, commit: str | None) -> None:
        """All of a blob, held or streamed."""
        if blob.size > self.limit:
            self.plan.skipped.append(_too_big(path, blob.size, self.limit, commit))
        elif len(blob.data) == blob.size:
            self.plan.work.append(
                Work(
                    path, tuple(lines_of(blob.data, blob.kind)), commit, binary=blob.kind == BINARY
                )
            )
        else:
            self.plan.work.append(
                Work(
                    path,
                    (),
                    commit,
                    binary=blob.kind == BINARY,
                    source=Source(self.repo, path, blob.oid, blob.kind, blob.size, self.limit),
                )
            )

    def patch(self, c: FileChange, blob: _Blob, commit: str | None) -> None:
        """The lines a change adds to a text file git would not diff: its patch, read
        as a stream (git diffs it as text when asked)."""
        self.plan.work.append(
            Work(
                c.path,
                (),
                commit,
                source=Source(
                    self.repo,
                    c.path,
                    c.new_oid,
                    'patch',
                    blob.size,
                    self.limit,
                    self._bases(commit),
                    commit,
                    self._on_skip(c.path, commit),
                ),
            )
        )

    def _bases(self, commit: str | None) -> tuple[str, ...]:
        if commit not in self.bases:
            self.bases[commit] = _bases(self.repo, commit)
        return self.bases[commit]

    def _on_skip(self, path: str, commit: str | None) -> Callable[[Skip], None]:
        def skip(s: Skip) -> None:
            self.plan.skipped.append(
                _skip_finding(
                    path,
                    f'it adds more than credentials.max_file_bytes ({s.limit:,} bytes)',
                    _FIX,
                    commit,
                )
            )

        return skip

    def read(
        self, wanted: Sequence[tuple[str, str, str | None]], each: Callable[[int, _Blob], None]
    ) -> None:
        """Call `each(i, blob)` for each (path, oid, commit) of `wanted`, reading every
        blob once, in one `git cat-file --batch` for all of them; a blob the clone
        does not have is a skipped file."""
        by_oid: dict[str, list[int]] = {}
        for i, (_, oid, _) in enumerate(wanted):
            by_oid.setdefault(oid, []).append(i)
        seen = set()
        for oid, size, data in self.repo.read_blobs_upto(by_oid, STREAM_BYTES, SAMPLE):
            seen.add(oid)
            blob = _Blob(oid, size, data, classify(data[:SAMPLE]))
            for i in by_oid[oid]:
                each(i, blob)
        for oid, indexes in by_oid.items():
            if oid not in seen:
                self.plan.skipped.extend(
                    _unreadable(wanted[i][0], oid, wanted[i][2]) for i in indexes
                )


def _bases(repo: Repo, commit: str | None) -> tuple[str, ...]:
    """What a change is against: the staged base, or each parent of `commit`."""
    if commit is None:
        return (repo.staged_base(),)
    parents = repo.out('rev-parse', f'{commit}^@').split()
    return tuple(parents) or (repo.empty_tree,)


def plan_changes(
    repo: Repo,
    changes: Sequence[FileChange],
    config: cfg.CredentialsConfig,
    commit: str | None = None,
) -> Plan:
    """What to scan of one set of file changes (see `plan_commits`)."""
    return plan_commits(repo, [(commit, changes)], config)


def plan_commits(
    repo: Repo,
    commits: Sequence[tuple[str | None, Sequence[FileChange]]],
    config: cfg.CredentialsConfig,
) -> Plan:
    """What to scan of many commits' changes (best from diffs made with
    `big_file_bytes=STREAM_BYTES`): the lines each adds.

    The size limit applies to what a change adds, not to the file: one line added
    to a huge file is still checked. A file git gave no lines for, or lines with
    NUL bytes, is judged by its blob's content; those blobs are read in one `git
    cat-file --batch` for all the commits.
    """
    plan = Plan([], [])
    limit = config.max_file_bytes
    unread: list[tuple[str | None, FileChange]] = []
    for commit, changes in commits:
        for c in changes:
            if c.status == 'D' or c.is_submodule or excluded(c.path, config):
                continue
            if c.binary and not c.lines:
                unread.append((commit, c))  # git would not diff it: read here
                continue
            if not c.added_lines:
                continue
            size = sum(len(x.text) + 1 for x in c.added_lines)
            if size > limit:
                plan.skipped.append(_too_big(c.path, size, limit, commit))
            elif c.binary:
                unread.append((commit, c))  # NUL bytes among its lines: read it to tell
            else:
                plan.work.append(Work(c.path, c.lines, commit))
    if not unread:
        return plan
    reader = _Reader(repo, plan, limit, {})

    def each(i: int, blob: _Blob) -> None:
        commit, c = unread[i]
        if blob.kind != 'utf-8' or c.status in ('A', 'T'):
            reader.whole(c.path, blob, commit)  # all of it is added, or decoded whole
        elif c.lines:
            plan.work.append(
                Work(
                    c.path,
                    tuple(DiffLine(x.number, x.text.replace('\0', ' '), x.added) for x in c.lines),
                    commit,
                )
            )
        else:
            reader.patch(c, blob, commit)

    reader.read([(c.path, c.new_oid, commit) for commit, c in unread], each)
    return plan


def plan_staged(repo: Repo, filenames: Sequence[str], config: cfg.CredentialsConfig) -> Plan:
    """Staged mode: what the index adds to each file; untouched files whole.

    A name that git does not track, or that lies outside the repository, is an error
    that says so (exit 2): the hook judges what will be committed, and a silent pass
    would read as "checked, nothing found".
    """
    rel = [_tracked_name(repo, f) for f in filenames]
    changes = repo.staged_changes(rel or None, big_file_bytes=STREAM_BYTES)
    plan = plan_changes(repo, changes, config)
    changed = {c.path for c in changes}
    rest = [p for p in rel if p not in changed]
    notes: list[str] = []
    if rest:
        known = repo.ls_files(rest)
        untracked = [p for p in rest if p not in known and os.path.lexists(repo.root / p)]
        if untracked:
            raise FatalError(_untracked_message(untracked))
        notes = [
            f'{display_path(p)}: no such file in the index or the work tree; nothing to check'
            for p in rest
            if p not in known
        ]
        rest = [p for p in rest if p in known]
    whole = plan_whole(repo, rest, config)
    plan.work.extend(whole.work)
    plan.skipped.extend(whole.skipped)  # a whole file's skips are all known by now
    return plan._replace(whole=frozenset(rest), notes=tuple(notes))


def _tracked_name(repo: Repo, name: str) -> str:
    try:
        return cfg.repo_relative(repo, name)
    except ConfigError:
        raise FatalError(
            f'{name}: outside the repository ({repo.root}); check-credentials judges what '
            'is committed to this repository. To check any directory, run `commit-warden '
            'scan --tree` in the repository that holds it (a commit message file is '
            'recognised only inside the git directory, where git writes it)'
        ) from None


def _untracked_message(paths: Sequence[str]) -> str:
    first = display_path(paths[0])
    more = f' (and {len(paths) - 1} more)' if len(paths) > 1 else ''
    return (
        f'{first}{more}: not tracked by git, so no commit holds it and nothing was '
        f'checked; check-credentials reads what is staged: `git add -- {first}` '
        'first, or leave it out of the command (a commit message file is recognised '
        'only inside the git directory, where git writes it)'
    )


def plan_whole(repo: Repo, paths: Sequence[str], config: cfg.CredentialsConfig) -> Plan:
    """Files as they are in the index, whole."""
    plan = Plan([], [])
    wanted = {p for p in paths if not excluded(p, config)}
    if not wanted:
        return plan
    files = [
        (p, oid, None)
        for p, (mode, oid) in sorted(repo.ls_files(sorted(wanted)).items())
        if mode != '160000' and p in wanted
    ]
    reader = _Reader(repo, plan, config.max_file_bytes, {})
    reader.read(files, lambda i, blob: reader.whole(files[i][0], blob, None))
    return plan
