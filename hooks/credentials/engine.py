"""The scan itself: files' lines in, hits out (a hit carries everything a finding
and the baseline need, but never the secret), on every core when it is worth it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from hooks import config as cfg
from hooks.credentials.content import Source
from hooks.diff import DiffLine
from hooks.findings import fingerprint
from hooks.findings import mask
from hooks.git import Repo
from hooks.scan import FOLLOWING
from hooks.scan import Detection
from hooks.scan import LineLike
from hooks.scan import Scanner
from hooks.scan import ScanOptions
from hooks.userregex import UserRegex

if TYPE_CHECKING:
    from hooks.detectors.public import PublicValue
    from hooks.scan import PublicMatch

ID = 'check-credentials'
MESSAGE_PATH = '<commit message>'
# Scans bigger than this are spread over every core.
PARALLEL_BYTES = 1_000_000
# A file read as a stream is scanned this much text at a time; each batch after
# the first starts with the last lines of the one before, as context, so a rule
# that reads the lines around a secret (a key's header, a YAML name) sees them.
BATCH_BYTES = 1 << 21
BATCH_CONTEXT = FOLLOWING + 1
# Binary content holds names like `password` beside bytes that are no secret: only
# rules for a known token format (every provider's, private keys, the policy's own
# patterns) judge its printable runs.
GENERIC = 'Generic'


class Work(NamedTuple):
    """One file's worth of text to scan: its lines, or where to read them as a stream."""

    path: str
    lines: Sequence[LineLike]
    commit: str | None = None
    binary: bool = False  # printable runs of binary content
    source: Source | None = None  # lines read when scanned, in batches (`lines` is empty)


class Hit(NamedTuple):
    """A detection with everything a finding and the baseline need, minus the secret."""

    path: str
    line: int
    commit: str | None
    rule: str
    provider: str
    kind: str
    secret_type: str
    # sha1, detect-secrets' baseline key: only in memory and in the baseline, whose
    # format needs it; a hit read back from the cache has '' here.
    hashed_secret: str
    fingerprint: str  # salted, for reports and the audit log
    preview: str  # mask(secret)
    rotate: str = ''  # where the provider revokes and reissues it, when known
    # The baseline key, salted as the fingerprint is: what the cache keeps instead.
    baseline_key: str = ''

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


def scan_options(config: cfg.CredentialsConfig) -> ScanOptions:
    return ScanOptions(
        entropy_base64_limit=config.entropy_base64_limit,
        entropy_hex_limit=config.entropy_hex_limit,
        allowed_patterns=tuple(UserRegex.compile(p) for p in config.allowed_patterns),
        extra_patterns=tuple((n, UserRegex.compile(p)) for n, p in config.extra_patterns),
        public_values=_public_values(config),
    )


def _public_values(config: cfg.CredentialsConfig) -> tuple[PublicValue, ...]:
    if not config.public_values:
        return ()
    from hooks.detectors.public import parse_entry

    return tuple(
        parse_entry(
            {
                'id': e.id,
                'what': e.what,
                'source': e.source,
                'values': list(e.values),
                'match': e.match,
                'provider': e.provider,
            },
            f'credentials.public_values[{i}]',
        )
        for i, e in enumerate(config.public_values)
    )


class Salt:
    """The fingerprint salt: the repository's root commit, the same in every clone
    (so CI and local runs agree), and unknown outside the repository.

    Found only when a finding needs it: walking to the root costs time on a long
    history, and a clean commit should not pay it.
    """

    def __init__(self, repo: Repo | None = None, value: str | None = None) -> None:
        self._repo = repo
        self._value = value

    def __str__(self) -> str:
        if self._value is None:
            root = self._repo.root_commit() if self._repo is not None else None
            self._value = f'commit-warden:{root or "unborn"}'
        return self._value

    def __reduce__(self) -> tuple[type[Salt], tuple[None, str]]:
        return (Salt, (None, str(self)))  # worker processes get the value, not the repo


def _to_hit(d: Detection, path: str, commit: str | None, salt: Salt) -> Hit:
    hashed = hashed_secret(d.secret)
    return Hit(
        path=path,
        line=d.line,
        commit=commit,
        rule=d.rule,
        provider=d.provider,
        kind=d.kind,
        secret_type=d.secret_type,
        hashed_secret=hashed,
        fingerprint=fingerprint(d.secret, str(salt)),
        preview=mask(d.secret),
        rotate=d.rotate,
        baseline_key=fingerprint(hashed, str(salt)),
    )


def hashed_secret(secret: str) -> str:
    """detect-secrets' unsalted key of a secret: the baseline's format, nowhere else."""
    import hashlib

    return hashlib.sha1(
        secret.encode('utf-8', 'surrogateescape'), usedforsecurity=False
    ).hexdigest()


# --- scanning, on every core when it is worth it -----------------------------

_worker_scanner: Scanner | None = None


def _init_worker(options: ScanOptions) -> None:
    global _worker_scanner
    _worker_scanner = Scanner(options)


def _scan_chunk(chunk: list[Work], salt: Salt) -> tuple[list[Hit], list[str]]:
    assert _worker_scanner is not None
    public: list[str] = []
    return scan_serial(_worker_scanner, chunk, salt, public), public


def public_note(m: PublicMatch, commit: str | None = None) -> str:
    """What a verbose run says of a value that passed because it is public."""
    at = f' (commit {commit[:12]})' if commit else ''
    return (
        f'{m.path}:{m.line}{at}: not reported: {m.entry.what} is public by design '
        f'[{m.entry.id}; source: {m.entry.source}]'
    )


def scan_serial(
    scanner: Scanner, work: Iterable[Work], salt: Salt, public: list[str] | None = None
) -> list[Hit]:
    hits = []
    for w in work:
        if w.source is not None:
            hits.extend(
                _unique(
                    h for batch in _batches(w) for h in scan_serial(scanner, [batch], salt, public)
                )
            )
            continue
        for d in scanner.scan(w.path, w.lines):
            if not (w.binary and d.provider == GENERIC):
                hits.append(_to_hit(d, w.path, w.commit, salt))
        if public is not None and scanner.public_matches:
            public.extend(public_note(m, w.commit) for m in scanner.public_matches)
        scanner.public_matches.clear()
    return hits


def _batches(w: Work) -> Iterator[Work]:
    """A streamed file's lines as Work of about BATCH_BYTES each (bounded memory)."""
    assert w.source is not None
    batch: list[LineLike] = []
    size = 0
    fresh = False  # whether the batch holds a line the last one did not
    for line in w.source.lines():
        batch.append(line)
        fresh = True
        size += len(line.text)
        if size >= BATCH_BYTES:
            yield w._replace(lines=batch, source=None)
            batch = [DiffLine(x.number, x.text, False) for x in batch[-BATCH_CONTEXT:]]
            size = sum(len(x.text) for x in batch)
            fresh = False
    if fresh:
        yield w._replace(lines=batch, source=None)


def _unique(hits: Iterable[Hit]) -> list[Hit]:
    """A streamed file's hits once each: the batches' context lines and a long line's
    overlapping pieces are read twice."""
    return list({(h.commit, h.path, h.line, h.rule, h.hashed_secret): h for h in hits}.values())


def scan_work(
    options: ScanOptions, work: list[Work], salt: Salt, public: list[str] | None = None
) -> list[Hit]:
    """Every hit in `work`; values passed as public are described in `public`."""
    eager = [w for w in work if w.source is None]
    streams = [w for w in work if w.source is not None]
    size = sum(len(line.text) for w in eager for line in w.lines)
    # A patch read as a stream usually adds a few lines to a big file: not counted.
    size += sum(w.source.size for w in streams if w.source is not None and w.source.kind != 'patch')
    cores = os.cpu_count() or 1
    if size < PARALLEL_BYTES or cores < 2 or len(eager) + 2 * len(streams) < 2:
        return scan_serial(Scanner(options), work, salt, public)
    return _scan_parallel(options, eager, streams, salt, cores, public)


class _Item(NamedTuple):
    chunk: list[Work]
    done: int  # files it completes
    streamed: bool  # a streamed file's batch (or its end)


def _scan_parallel(
    options: ScanOptions,
    eager: list[Work],
    streams: list[Work],
    salt: Salt,
    cores: int,
    public: list[str] | None,
) -> list[Hit]:
    # Interleave big and small files so every chunk costs about the same.
    ordered = sorted(eager, key=lambda w: -sum(len(x.text) for x in w.lines))
    nchunks = cores * 4
    chunks = [c for c in (ordered[i::nchunks] for i in range(nchunks)) if c]
    import collections
    import multiprocessing
    from concurrent.futures import Future
    from concurrent.futures import ProcessPoolExecutor

    def todo() -> Iterator[_Item]:
        for chunk in chunks:
            yield _Item(chunk, len(chunk), False)
        for w in streams:
            for batch in _batches(w):
                yield _Item([batch], 0, True)
            yield _Item([], 1, True)

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context('fork' if 'fork' in methods else None)
    progress = _Progress(len(eager) + len(streams))
    hits: list[Hit] = []
    streamed: list[Hit] = []
    # A stream's batches are read as the workers take them: a few in flight, never all.
    pending: collections.deque[tuple[_Item, Future[tuple[list[Hit], list[str]]] | None]] = (
        collections.deque()
    )

    def collect() -> None:
        item, future = pending.popleft()
        if future is not None:
            found, passed = future.result()
            (streamed if item.streamed else hits).extend(found)
            if public is not None:
                public.extend(passed)
        progress.advance(item.done)

    with ProcessPoolExecutor(
        cores, mp_context=ctx, initializer=_init_worker, initargs=(options,)
    ) as pool:
        for item in todo():
            pending.append(
                (item, pool.submit(_scan_chunk, item.chunk, salt) if item.chunk else None)
            )
            while len(pending) > 2 * cores:
                collect()
        while pending:
            collect()
    progress.done()
    return hits + _unique(streamed)


class _Progress:
    """`scanned N/M files` on stderr, on a terminal only (never in CI logs or pipes)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.shown = sys.stderr.isatty()

    def advance(self, n: int) -> None:
        self.count += n
        if self.shown:
            sys.stderr.write(f'\r{ID}: scanned {self.count}/{self.total} files')
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write('\r\033[K')
            sys.stderr.flush()
