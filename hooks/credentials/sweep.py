"""commit-warden scan: the day-one sweep of a whole history (or tree) for credentials.

`--history` (the default) reads every commit's added lines and message in one
streaming pass (`hooks.history`), spread over every core; `--tree` reads every
tracked file. It writes the findings in any report format, with `--baseline` a
baseline of everything found (so the hooks can be switched on at once), and a
rotation to-do list grouped by provider: each secret masked, the first and last
commit that added it, and whether the head still holds it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials import ID
from hooks.credentials.engine import MESSAGE_PATH
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.engine import Work
from hooks.credentials.engine import scan_options
from hooks.credentials.engine import scan_serial
from hooks.credentials.engine import scan_work
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import Finding
from hooks.findings import blocked
from hooks.findings import boundary
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
    commits: int          # how many were judged
    patch_bytes: int      # how much diff and message text was read (0 for cached commits)
    order: dict[str, int]  # commit -> its place in the history, oldest first


class Item(NamedTuple):
    """One secret of the rotation to-do list (the same value wherever it appears)."""

    provider: str
    kind: str
    preview: str
    rule: str
    paths: tuple[str, ...]
    commits: tuple[str, ...]       # oldest first
    first_time: int | None
    last_time: int | None
    held_at_head: tuple[str, ...]  # files of the head that still hold it
    accepted: bool                 # the baseline already held it before this run
    rotate: str = ''               # where the provider revokes it, when known


# --- the history, on every core ----------------------------------------------

_worker: tuple[Repo, cfg.CredentialsConfig, Any, Salt] | None = None


def _init_worker(repo: Repo, creds: cfg.CredentialsConfig, salt: Salt) -> None:
    from hooks.scan import Scanner

    global _worker
    _worker = (repo, creds, Scanner(scan_options(creds)), salt)


def _scan_batch(records: list[CommitRecord]) -> tuple[list[Hit], list[Finding]]:
    """Parse and scan a batch of commits (in a worker, or in-process)."""
    from hooks.credentials.plan import plan_commits
    from hooks.git import parse_diff
    from hooks.message import message_lines
    from hooks.scan import Line

    assert _worker is not None
    repo, creds, scanner, salt = _worker
    plan = plan_commits(repo, [(r.commit, parse_diff(r.patch) if r.patch else [])
                               for r in records], creds)
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


def sweep_history(repo: Repo, config: cfg.Config, commits: Sequence[str], *,
                  jobs: int | None = None, use_cache: bool = True) -> SweepResult:
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


def _parallel(batches: Iterator[list[CommitRecord]], take: Any, jobs: int,
              initargs: tuple[Repo, cfg.CredentialsConfig, Salt]) -> None:
    """Hand batches to `jobs` workers as git produces them, at most two each in
    flight (so a fast git never fills memory), and take the results in order."""
    import collections
    import multiprocessing
    from concurrent.futures import Future
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context('fork' if 'fork' in methods else None)
    pending: collections.deque[tuple[list[CommitRecord], Future[Any]]] = collections.deque()
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=initargs) as pool:
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
            sys.stderr.write(f'\r{PROG}: [{"#" * filled}{"." * (width - filled)}] '
                             f'{self.count}/{self.total} commits, {size / 1e6:.1f} MB, '
                             f'{found} found')
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


# --- the rotation to-do list ---------------------------------------------------

def todo_items(repo: Repo, hits: Sequence[Hit], order: dict[str, int],
               held: set[tuple[str, str]], accepted: set[tuple[str, str, str]],
               ) -> list[Item]:
    """One item per secret value (by its hash), grouped later by provider."""
    by_secret: dict[tuple[str, str], list[Hit]] = {}
    for h in hits:
        by_secret.setdefault((h.provider, h.baseline_key), []).append(h)
    commits = sorted({h.commit for h in hits if h.commit}, key=lambda c: order.get(c, 0))
    times = {i.commit: i.committer_time for i in repo.commit_infos(commits)}
    items = []
    for (provider, secret), group in by_secret.items():
        ordered = sorted({h.commit for h in group if h.commit}, key=lambda c: order.get(c, 0))
        first = group[0]
        items.append(Item(
            provider=provider, kind=first.kind, preview=first.preview, rule=first.rule,
            paths=tuple(sorted({h.path for h in group})),
            commits=tuple(ordered),
            first_time=times.get(ordered[0]) if ordered else None,
            last_time=times.get(ordered[-1]) if ordered else None,
            held_at_head=tuple(sorted({h.path for h in group if (h.path, secret) in held})),
            accepted=all((h.path, h.baseline_key, h.secret_type) in accepted for h in group),
            rotate=first.rotate,
        ))
    items.sort(key=lambda i: (i.provider.lower(), order.get(i.commits[0], 0)
                              if i.commits else 0, i.paths))
    return items


def _day(t: int | None) -> str:
    return time.strftime('%Y-%m-%d', time.gmtime(t)) if t is not None else '?'


def todo_text(items: Sequence[Item], *, markdown: bool = False, history: bool = True) -> str:
    from hooks.report import display_path
    from hooks.report import inert

    if not items:
        return ('No credentials found: nothing to rotate.\n' if not markdown else
                '# Rotation to-do\n\nNo credentials found: nothing to rotate.\n')
    out = ['# Rotation to-do' if markdown else 'Rotation to-do', '']
    by_provider: dict[str, list[Item]] = {}
    for item in items:
        by_provider.setdefault(item.provider, []).append(item)
    for provider, group in by_provider.items():
        out.append(f'## {provider} ({len(group)})' if markdown else f'{provider} ({len(group)})')
        for item in group:
            box = '- [ ] ' if markdown else '  [ ] '
            pad = '      ' if not markdown else '  '
            done = ' (in the baseline already)' if item.accepted else ''
            out.append(f'{box}{item.kind} {item.preview} [{item.rule}]{done}')
            out.append(f'{pad}in: {", ".join(display_path(p) for p in item.paths)}')
            if history and item.commits:
                n = len(item.commits)
                out.append(f'{pad}first: {item.commits[0][:12]} {_day(item.first_time)}'
                           f'  last: {item.commits[-1][:12]} {_day(item.last_time)}'
                           f'  ({n} commit{"s" * (n != 1)})')
            if item.held_at_head:
                held = ", ".join(display_path(p) for p in item.held_at_head)
                out.append(f'{pad}now: still in the tree ({held})')
            elif history and item.paths != (MESSAGE_PATH,):
                out.append(f'{pad}now: not in the tree any more, but every clone of the '
                           'history holds it')
            from hooks.credentials.fixes import rotate

            out.append(f'{pad}to do: {rotate(item.provider, item.rotate)}')
        out.append('')
    # Paths and kinds are repository text: nothing in them may read as a CI command.
    return ''.join(inert(line) + '\n' for line in out)


def todo_json(items: Sequence[Item]) -> str:
    return json.dumps({'version': 1, 'secrets': [
        {**item._asdict(), 'paths': list(item.paths), 'commits': list(item.commits),
         'held_at_head': list(item.held_at_head)} for item in items]}, indent=2) + '\n'


# --- the command -------------------------------------------------------------

def main(argv: Sequence[str]) -> int:
    from hooks.report import CI_FORMATS

    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n', 1)[0],
                                     allow_abbrev=False)
    what = parser.add_mutually_exclusive_group()
    what.add_argument('--history', action='store_true',
                      help='every commit\'s added lines and message (the default)')
    what.add_argument('--tree', action='store_true', help='every file in the index')
    parser.add_argument('--since', metavar='REF',
                        help='only the commits REF does not have (--history)')
    parser.add_argument('--all', action='store_true',
                        help='every branch and tag (git log --all), not only HEAD\'s history')
    parser.add_argument('--config', metavar='PATH', help='policy file')
    parser.add_argument('--format', action='append', choices=CI_FORMATS,
                        help='report format; repeat with --output for several reports')
    parser.add_argument('--output', action='append', metavar='PATH',
                        help='where to write the report of the matching --format')
    parser.add_argument('--baseline', nargs='?', const='', metavar='PATH',
                        help='record everything found in the baseline (default: '
                             'credentials.baseline), so the hooks pass on it')
    parser.add_argument('--todo', metavar='PATH',
                        help='also write the rotation to-do list to PATH (Markdown; JSON '
                             'when PATH ends in .json)')
    parser.add_argument('--jobs', type=int, metavar='N',
                        help='worker processes (default: one per core)')
    parser.add_argument('--no-cache', action='store_true',
                        help='scan every commit again, ignoring cached results')
    args = parser.parse_args(argv)
    formats = args.format or []
    outputs = args.output or []
    if len(outputs) > len(formats):
        parser.error('each --output needs a --format before it')
    if args.tree and (args.since or args.all):
        parser.error('--since and --all select commits: use them with --history')
    return boundary(PROG, lambda: _run(args, formats, outputs))


def _run(args: argparse.Namespace, formats: list[str], outputs: list[str]) -> int:
    from hooks.credentials.baseline import save_baseline
    from hooks.credentials.check import held_at
    from hooks.credentials.check import rules_for
    from hooks.credentials.check import salted
    from hooks.credentials.check import to_finding
    from hooks.credentials.fixes import Place
    from hooks.credentials.known import load_baseline
    from hooks.credentials.known import read_baseline
    from hooks.findings import write_raw
    from hooks.report import redacted
    from hooks.report import render
    from hooks.report import use_color
    from hooks.report import write_report
    from hooks.runner import apply_policy

    started = time.monotonic()
    repo = Repo.discover()
    config = cfg.load(repo, path=args.config)
    creds = config.credentials
    history = not args.tree
    notes: list[str] = []
    head = repo.head()
    if history:
        if head is None and not args.all:
            commits: list[str] = []
        else:
            revs = ['--all'] if args.all else ['HEAD']
            if args.since:
                revs += ['--not', repo.require(args.since)]
            commits = repo.rev_list('--topo-order', '--reverse', *revs)
        if repo.is_shallow():
            notes.append('this clone is shallow: its oldest commits show their whole tree as '
                         'added; fetch the history (`git fetch --unshallow`) to sweep it all')
        # A baseline needs detect-secrets' unsalted hashes, which the cache never keeps.
        result = sweep_history(repo, config, commits, jobs=args.jobs,
                               use_cache=not args.no_cache and args.baseline is None)
        hits, skipped, order = result.hits, result.skipped, result.order
        scope = (f'{result.commits} commit{"s" * (result.commits != 1)} of '
                 f'{"every ref" if args.all else "HEAD"}'
                 + (f' since {args.since}' if args.since else ''))
        size = result.patch_bytes
    else:
        hits, skipped, files, size = sweep_tree(repo, config)
        order = {}
        scope = f'{files} file{"s" * (files != 1)} of the index'
    hits.sort(key=lambda h: (order.get(h.commit or '', 0), h.path, h.line))
    held = held_at(repo, head, hits, creds) if head and hits else set()
    if not history:
        held = {(h.path, h.baseline_key) for h in hits}
    known = salted(load_baseline(read_baseline(repo, config, None), creds.baseline), Salt(repo))
    items = todo_items(repo, hits, order, held, known)
    if args.baseline is not None:
        target = repo.root / (args.baseline or creds.baseline)
        count = save_baseline(target, hits, keep=True, repo=repo, config=config)
        rel = os.path.relpath(target, repo.root)
        notes.append(f'{rel}: {count} known finding{"s" * (count != 1)} recorded; review '
                     f'them, then `git add {rel}`')
        accepted_now = known | {(h.path, h.baseline_key, h.secret_type) for h in hits}
    else:
        accepted_now = known
    fresh = [h for h in hits if (h.path, h.baseline_key, h.secret_type) not in known]
    kind = 'history' if history else 'tree'
    findings = [to_finding(h, Place(kind, 'scan', creds.baseline,
                                    gone=(h.path, h.baseline_key) not in held))
                for h in fresh] + list(skipped)
    findings = apply_policy(ID, config, findings)
    if head is not None and history:
        from hooks.anchors import anchor_findings

        # A secret in a file the head no longer has is shown on one it has.
        findings = anchor_findings(repo, head, findings)
    rules = rules_for(hits)
    findings, notes = redacted(findings, notes)
    for fmt, path in zip(formats, outputs, strict=False):
        write_report(path, render(fmt, findings, rules, notes=notes))
    if args.todo:
        write_report(args.todo, todo_json(items) if args.todo.endswith('.json')
                     else todo_text(items, markdown=True, history=history))
    to_stdout = formats[len(outputs):]
    for fmt in to_stdout:
        text = render(fmt, findings, rules, color=use_color(sys.stdout), notes=notes)
        # Annotations are workflow commands on purpose; everything else is made inert.
        write_raw(sys.stdout, text) if fmt == 'github' else sys.stdout.write(text)
    if not to_stdout:
        sys.stdout.write(todo_text(items, history=history))
        for note in notes:
            print(f'note: {note}')
    open_hits = [h for h in hits
                 if (h.path, h.baseline_key, h.secret_type) not in accepted_now]
    unaccepted = [f for f in findings if f.rule == 'file-skipped'
                  or any(f.fingerprint == h.fingerprint for h in open_hits)]
    code = BLOCKED if blocked(unaccepted) else PASS
    elapsed = time.monotonic() - started
    machine = any(f != 'text' for f in to_stdout)
    secrets = len(items)
    print(f'{PROG}: {secrets} secret{"s" * (secrets != 1)} in {len(hits)} place'
          f'{"s" * (len(hits) != 1)}; {scope}, {size / 1e6:.1f} MB in {elapsed:.1f} s'
          + ('' if code else ('; all in the baseline' if hits else '')),
          file=sys.stderr if machine else sys.stdout)
    return code
