"""The sweep's streaming pass: every commit's added lines and message (or every file) scanned.

`--history` (the default of `commit-warden scan`, hooks/credentials/sweep_command.py)
reads every commit's added lines and message in one streaming pass
(`hooks.history`), spread over every core, each commit's result cached as in range
mode; `--tree` reads every tracked file.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.engine import MESSAGE_PATH
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.engine import Work
from hooks.credentials.engine import scan_options
from hooks.credentials.engine import scan_serial
from hooks.credentials.engine import scan_work
from hooks.findings import Finding
from hooks.git import Repo
from hooks.history import CommitRecord

PROG = 'commit-warden scan'
# Below this many commits the sweep stays in one process: starting workers costs
# more than it saves.
SERIAL_COMMITS = 300
# A worker's batch: enough to amortise the hand-over, small enough to keep every
# core busy to the end and the progress bar moving.
BATCH_BYTES = 256 * 1024
BATCH_COMMITS = 200


class SweepResult(NamedTuple):
    hits: list[Hit]
    skipped: list[Finding]
    commits: int  # how many were judged
    patch_bytes: int  # how much diff and message text was read (0 for cached commits)
    order: dict[str, int]  # commit -> its place in the history, oldest first


# --- the history, on every core ----------------------------------------------

_worker: tuple[Repo, cfg.CredentialsConfig, Any, Salt] | None = None


def _init_worker(repo: Repo, creds: cfg.CredentialsConfig, salt: Salt) -> None:
    from hooks.scan import Scanner

    global _worker
    _worker = (repo, creds, Scanner(scan_options(creds)), salt)


def _scan_batch(records: list[CommitRecord]) -> tuple[list[Hit], list[Finding]]:
    """Parse and scan a batch of commits (in a worker, or in-process)."""
    from hooks.credentials.plan import plan_commits
    from hooks.diff import parse_diff
    from hooks.message import message_lines
    from hooks.scan import Line

    assert _worker is not None
    repo, creds, scanner, salt = _worker
    plan = plan_commits(
        repo, [(r.commit, parse_diff(r.patch) if r.patch else []) for r in records], creds
    )
    work: list[Work] = list(plan.work)
    if creds.scan_messages:
        for r in records:
            # A committed message has no comments left: every line is judged.
            lines = tuple(Line(n, t, True) for n, t in message_lines(r.message, ''))
            work.append(Work(MESSAGE_PATH, lines, r.commit))
    return scan_serial(scanner, work, salt), plan.skipped


def _batches(records: Iterable[CommitRecord]) -> Iterator[list[CommitRecord]]:
    batch: list[CommitRecord] = []
    size = 0
    for r in records:
        batch.append(r)
        size += r.size
        if size >= BATCH_BYTES or len(batch) >= BATCH_COMMITS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def sweep_history(
    repo: Repo,
    config: cfg.Config,
    commits: Sequence[str],
    *,
    jobs: int | None = None,
    use_cache: bool = True,
) -> SweepResult:
    """Every commit's added lines and message, read in one streaming pass and
    scanned on every core. Results are cached per commit, as in range mode, so a CI
    range or a second sweep re-scans nothing."""
    from hooks.credentials.cache import RangeCache
    from hooks.history import stream_commits

    global _worker
    creds = config.credentials
    salt = Salt(value=str(Salt(repo)))
    cache = RangeCache(repo, config.digest) if use_cache else None
    todo = [c for c in commits if cache is None or cache.get(c) is None]
    jobs = jobs or os.cpu_count() or 1
    hits: list[Hit] = []
    skipped: list[Finding] = []
    progress = _Progress(len(commits), len(commits) - len(todo))
    size = 0

    def take(batch: list[CommitRecord], found: tuple[list[Hit], list[Finding]]) -> None:
        nonlocal size
        batch_hits, batch_skipped = found
        hits.extend(batch_hits)
        skipped.extend(batch_skipped)
        size += sum(r.size for r in batch)
        if cache is not None:
            by_commit: dict[str, list[Hit]] = {r.commit: [] for r in batch}
            for h in batch_hits:
                by_commit.setdefault(h.commit or '', []).append(h)
            not_whole = {f.commit for f in batch_skipped}
            for r in batch:
                if r.commit not in not_whole:  # a skipped file is looked at again next time
                    cache.put(r.commit, by_commit[r.commit])
        progress.advance(len(batch), size, len(hits))

    batches = _batches(stream_commits(repo, todo))
    if jobs < 2 or len(todo) < SERIAL_COMMITS:
        _init_worker(repo, creds, salt)
        try:
            for batch in batches:
                take(batch, _scan_batch(batch))
        finally:
            _worker = None
    else:
        _parallel(batches, take, jobs, (repo, creds, salt))
    progress.done()
    if cache is not None:
        cache.save()
        fresh = set(todo)
        for c in commits:
            if c not in fresh:
                hits.extend(cache.get(c) or [])
    order = {c: i for i, c in enumerate(commits)}
    return SweepResult(hits, skipped, len(commits), size, order)


def _parallel(
    batches: Iterator[list[CommitRecord]],
    take: Any,
    jobs: int,
    initargs: tuple[Repo, cfg.CredentialsConfig, Salt],
) -> None:
    """Hand batches to `jobs` workers as git produces them, at most two each in
    flight (so a fast git never fills memory), and take the results in order."""
    import collections
    import multiprocessing
    from concurrent.futures import Future
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context('fork' if 'fork' in methods else None)
    pending: collections.deque[tuple[list[CommitRecord], Future[Any]]] = collections.deque()
    with ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs
    ) as pool:
        # Start the workers before git: a forked worker would inherit the pipe that
        # feeds git its commits, and git would wait for more forever.
        pool.submit(int).result()
        for batch in batches:
            pending.append((batch, pool.submit(_scan_batch, batch)))
            while len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                take(done, future.result())
        while pending:
            done, future = pending.popleft()
            take(done, future.result())


class _Progress:
    """`N/M commits, X MB, K found` on stderr, on a terminal only (never in CI logs
    or pipes), at most ten times a second."""

    def __init__(self, total: int, done: int = 0) -> None:
        self.total = total
        self.count = done
        self.shown = sys.stderr.isatty()
        self.last = 0.0

    def advance(self, n: int, size: int, found: int) -> None:
        self.count += n
        now = time.monotonic()
        if self.shown and (now - self.last > 0.1 or self.count == self.total):
            self.last = now
            width = 24
            filled = width * self.count // max(self.total, 1)
            sys.stderr.write(
                f'\r{PROG}: [{"#" * filled}{"." * (width - filled)}] '
                f'{self.count}/{self.total} commits, {size / 1e6:.1f} MB, '
                f'{found} found'
            )
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write('\r\033[K')
            sys.stderr.flush()


# --- the current tree ----------------------------------------------------------


def sweep_tree(repo: Repo, config: cfg.Config) -> tuple[list[Hit], list[Finding], int, int]:
    """(hits, skipped, files, bytes) for every file in the index."""
    from hooks.credentials.plan import plan_whole

    creds = config.credentials
    plan = plan_whole(repo, sorted(repo.ls_files()), creds)
    size = sum(len(line.text) + 1 for w in plan.work for line in w.lines)
    hits = scan_work(scan_options(creds), plan.work, Salt(repo))
    return hits, plan.skipped, len(plan.work), size
