"""The scan itself: files' lines in, hits out (a hit carries everything a finding
and the baseline need, but never the secret), on every core when it is worth it."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from hooks import config as cfg
from hooks.findings import fingerprint
from hooks.findings import mask
from hooks.git import Repo
from hooks.scan import Detection
from hooks.scan import Line
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


class Work(NamedTuple):
    """One file's worth of text to scan."""

    path: str
    lines: tuple[Line, ...]
    commit: str | None = None


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
    fingerprint: str     # salted, for reports and the audit log
    preview: str         # mask(secret)
    rotate: str = ''     # where the provider revokes and reissues it, when known
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
        parse_entry({'id': e.id, 'what': e.what, 'source': e.source, 'values': list(e.values),
                     'match': e.match, 'provider': e.provider},
                    f'credentials.public_values[{i}]')
        for i, e in enumerate(config.public_values))


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
        path=path, line=d.line, commit=commit, rule=d.rule, provider=d.provider,
        kind=d.kind, secret_type=d.secret_type, hashed_secret=hashed,
        fingerprint=fingerprint(d.secret, str(salt)), preview=mask(d.secret),
        rotate=d.rotate, baseline_key=fingerprint(hashed, str(salt)),
    )


def hashed_secret(secret: str) -> str:
    """detect-secrets' unsalted key of a secret: the baseline's format, nowhere else."""
    import hashlib

    return hashlib.sha1(secret.encode('utf-8', 'surrogateescape'),
                        usedforsecurity=False).hexdigest()


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
    return (f'{m.path}:{m.line}{at}: not reported: {m.entry.what} is public by design '
            f'[{m.entry.id}; source: {m.entry.source}]')


def scan_serial(scanner: Scanner, work: Iterable[Work], salt: Salt,
                public: list[str] | None = None) -> list[Hit]:
    hits = []
    for w in work:
        for d in scanner.scan(w.path, w.lines):
            hits.append(_to_hit(d, w.path, w.commit, salt))
        if public is not None and scanner.public_matches:
            public.extend(public_note(m, w.commit) for m in scanner.public_matches)
        scanner.public_matches.clear()
    return hits


def scan_work(options: ScanOptions, work: list[Work], salt: Salt,
              public: list[str] | None = None) -> list[Hit]:
    """Every hit in `work`; values passed as public are described in `public`."""
    size = sum(len(line.text) for w in work for line in w.lines)
    cores = os.cpu_count() or 1
    if size < PARALLEL_BYTES or cores < 2 or len(work) < 2:
        return scan_serial(Scanner(options), work, salt, public)
    # Interleave big and small files so every chunk costs about the same.
    ordered = sorted(work, key=lambda w: -sum(len(x.text) for x in w.lines))
    nchunks = cores * 4
    chunks = [ordered[i::nchunks] for i in range(nchunks)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context('fork' if 'fork' in methods else None)
    todo = [c for c in chunks if c]
    progress = _Progress(sum(len(c) for c in todo))
    hits: list[Hit] = []
    with ProcessPoolExecutor(cores, mp_context=ctx, initializer=_init_worker,
                             initargs=(options,)) as pool:
        for chunk, (found, passed) in zip(
                todo, pool.map(_scan_chunk, todo, [salt] * len(todo)), strict=True):
            hits.extend(found)
            if public is not None:
                public.extend(passed)
            progress.advance(len(chunk))
    progress.done()
    return hits


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

