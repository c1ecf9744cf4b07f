"""check-credentials: block commits, messages and pushes that add credentials.

Staged mode scans what the index adds (a file with no staged change: all of it),
message mode scans the commit message, range mode scans every commit of a range:
each commit's added lines and its message, so a secret added in one commit and
deleted in the next is still caught.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hooks import config as cfg
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import boundary
from hooks.findings import fingerprint
from hooks.findings import mask
from hooks.git import FileChange
from hooks.git import Repo
from hooks.globs import matches
from hooks.report import write_atomic
from hooks.runner import PullRequest
from hooks.runner import Range
from hooks.runner import add_common_args
from hooks.runner import add_range_args
from hooks.runner import finish
from hooks.runner import message_file
from hooks.runner import range_from
from hooks.scan import Detection
from hooks.scan import Line
from hooks.scan import Scanner
from hooks.scan import ScanOptions
from hooks.userregex import UserRegex
from hooks.version import version

HOOK = 'check-credentials'
MESSAGE_PATH = '<commit message>'
CACHE_NAME = 'credentials-cache.json'
# Scans bigger than this are spread over every core.
PARALLEL_BYTES = 1_000_000
BINARY_SNIFF = 8000

RULES_STATIC = {
    'file-skipped': Rule(
        'file-skipped', HOOK, 'File not scanned',
        'A file was larger than credentials.max_file_bytes and was not scanned.',
        'Raise credentials.max_file_bytes, or exclude the file if it cannot hold secrets.',
        'low'),
}


@dataclass(frozen=True)
class Work:
    """One file's worth of text to scan."""

    path: str
    lines: tuple[Line, ...]
    commit: str | None = None


@dataclass(frozen=True)
class Hit:
    """A detection with everything a finding and the baseline need, minus the secret."""

    path: str
    line: int
    commit: str | None
    rule: str
    provider: str
    kind: str
    secret_type: str
    hashed_secret: str   # sha1, detect-secrets' baseline key
    fingerprint: str     # salted, for reports and the audit log
    preview: str         # mask(secret)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def scan_options(config: cfg.CredentialsConfig) -> ScanOptions:
    return ScanOptions(
        entropy_base64_limit=config.entropy_base64_limit,
        entropy_hex_limit=config.entropy_hex_limit,
        allowed_patterns=tuple(UserRegex.compile(p) for p in config.allowed_patterns),
        extra_patterns=tuple((n, UserRegex.compile(p)) for n, p in config.extra_patterns),
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
    return Hit(
        path=path, line=d.line, commit=commit, rule=d.rule, provider=d.provider,
        kind=d.kind, secret_type=d.secret_type,
        hashed_secret=hashlib.sha1(d.secret.encode('utf-8', 'surrogateescape'),
                                   usedforsecurity=False).hexdigest(),
        fingerprint=fingerprint(d.secret, str(salt)), preview=mask(d.secret),
    )


# --- scanning, on every core when it is worth it -----------------------------

_worker_scanner: Scanner | None = None


def _init_worker(options: ScanOptions) -> None:
    global _worker_scanner
    _worker_scanner = Scanner(options)


def _scan_chunk(chunk: list[Work], salt: Salt) -> list[Hit]:
    assert _worker_scanner is not None
    return _scan_serial(_worker_scanner, chunk, salt)


def _scan_serial(scanner: Scanner, work: Iterable[Work], salt: Salt) -> list[Hit]:
    hits = []
    for w in work:
        for d in scanner.scan(w.path, w.lines):
            hits.append(_to_hit(d, w.path, w.commit, salt))
    return hits


def scan_work(options: ScanOptions, work: list[Work], salt: Salt) -> list[Hit]:
    size = sum(len(line.text) for w in work for line in w.lines)
    cores = os.cpu_count() or 1
    if size < PARALLEL_BYTES or cores < 2 or len(work) < 2:
        return _scan_serial(Scanner(options), work, salt)
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
        for chunk, found in zip(todo, pool.map(_scan_chunk, todo, [salt] * len(todo)),
                                strict=True):
            hits.extend(found)
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
            sys.stderr.write(f'\r{HOOK}: scanned {self.count}/{self.total} files')
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown:
            sys.stderr.write('\r\033[K')
            sys.stderr.flush()


# --- what to scan ----------------------------------------------------------------


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


def message_lines(text: str, comment_char: str = '#') -> tuple[Line, ...]:
    """A commit message as git will record it: comments and the scissors part dropped."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'{comment_char} ------------------------ >8 ---'):
            break
        if comment_char and line.startswith(comment_char):
            continue
        out.append(Line(i, line, True))
    return tuple(out)


@dataclass
class Plan:
    work: list[Work]
    skipped: list[Finding]


def _skip_finding(path: str, size: int, limit: int, commit: str | None) -> Finding:
    return Finding(
        hook=HOOK, rule='file-skipped', severity='low', path=path, line=None, commit=commit,
        message=f'not scanned: {size:,} bytes is over credentials.max_file_bytes '
                f'({limit:,})\nraise the limit or exclude the file if it cannot hold secrets')


def _excluded(path: str, config: cfg.CredentialsConfig) -> bool:
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
        if c.status == 'D' or c.is_submodule or not c.added_lines or _excluded(c.path, config):
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
        if not _is_binary(data):
            plan.work.append(Work(p, _lines_of(data)))
    return plan


# --- the range cache ---------------------------------------------------------------


def _well_formed(h: Hit) -> bool:
    texts = (h.path, h.rule, h.provider, h.kind, h.secret_type, h.hashed_secret,
             h.fingerprint, h.preview)
    return (all(isinstance(t, str) for t in texts) and isinstance(h.line, int)
            and not isinstance(h.line, bool) and (h.commit is None or isinstance(h.commit, str)))


@functools.lru_cache(maxsize=1)
def _engine_id() -> str:
    """What the cached results were computed by: the engine's own source files, by
    size and time. An upgrade (or an edit) invalidates the cache; asking
    importlib.metadata for the version would cost more than a warm run itself."""
    root = Path(__file__).resolve().parent
    parts = []
    for path in sorted([*root.glob('*.py'), *root.glob('detectors/*.py')]):
        st = path.stat()
        parts.append(f'{path.name}:{st.st_size}:{st.st_mtime_ns}')
    return hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]


class RangeCache:
    """Per-commit results under one (policy, engine) key; a corrupt file is rebuilt."""

    def __init__(self, repo: Repo, key: str) -> None:
        self.path = repo.state_dir / CACHE_NAME
        self.key = key
        self.commits: dict[str, list[dict[str, Any]]] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text())
            if data.get('key') == key and isinstance(data.get('commits'), dict):
                self.commits = data['commits']
        except (OSError, ValueError, AttributeError):
            pass  # missing or corrupt: start afresh, never trust it

    def get(self, commit: str) -> list[Hit] | None:
        got = self.commits.get(commit)
        if not isinstance(got, list):
            return None
        try:
            hits = [Hit(**h) for h in got]
        except TypeError:
            return None
        if not all(_well_formed(h) for h in hits):
            return None  # right key, wrong shape: rescan rather than trust it
        return hits

    def put(self, commit: str, hits: list[Hit]) -> None:
        self.commits[commit] = [h.as_dict() for h in hits]
        self.dirty = True

    def save(self) -> None:
        if self.dirty:
            # A read-only .git costs speed, not correctness.
            with contextlib.suppress(OSError):
                write_atomic(self.path, json.dumps({'key': self.key, 'commits': self.commits}))


def scan_range(repo: Repo, rng: Range, config: cfg.Config, salt: Salt,
               ) -> tuple[list[Hit], list[Finding], int]:
    """(hits, skipped, number of commits) for every commit of the range."""
    creds = config.credentials
    commits = repo.commits_in_range(rng.from_ref, rng.to_ref, rng.exclude)
    # The salt is fixed per repository (its root commit), so it needs no place here.
    key = hashlib.sha256(f'{_engine_id()}|{config.digest}'.encode()).hexdigest()[:24]
    cache = RangeCache(repo, key)
    todo = [c for c in commits if cache.get(c) is None]
    hits: list[Hit] = []
    skipped: list[Finding] = []
    if todo:
        options = scan_options(creds)
        work: list[Work] = []
        for cc in repo.commit_changes(todo):
            plan = plan_changes(repo, cc.files, creds, cc.commit)
            work.extend(plan.work)
            skipped.extend(plan.skipped)
        if creds.scan_messages:
            for info in repo.commit_infos(todo):
                work.append(Work(MESSAGE_PATH, message_lines(info.message, ''), info.commit))
        fresh = scan_work(options, work, salt)
        by_commit: dict[str, list[Hit]] = {c: [] for c in todo}
        for h in fresh:
            by_commit.setdefault(h.commit or '', []).append(h)
        skipped_commits = {f.commit for f in skipped}
        for c in todo:
            if c not in skipped_commits:  # re-check skipped files next time too
                cache.put(c, by_commit[c])
        cache.save()
        hits.extend(fresh)
    for c in commits:
        if c not in todo:
            hits.extend(cache.get(c) or [])
    return hits, skipped, len(commits)


# --- the baseline ------------------------------------------------------------------


def load_baseline(data: bytes | None, source: str) -> set[tuple[str, str, str]]:
    """(path, hashed_secret, type) triples accepted as known; detect-secrets' format."""
    if data is None:
        return set()
    try:
        doc = json.loads(data)
        results = doc['results']
        return {(path, e['hashed_secret'], e['type'])
                for path, entries in results.items() for e in entries
                if e.get('is_secret') is not True}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise FatalError(
            f'{source}: not a secrets baseline (expected JSON with "results": {{path: '
            f'[{{"hashed_secret", "type"}}]}}): {type(e).__name__}; regenerate it with '
            '`commit-warden baseline`') from e


def read_baseline(repo: Repo, config: cfg.Config, policy_ref: str | None) -> bytes | None:
    path = config.credentials.baseline
    if policy_ref is not None:
        return repo.content_at(policy_ref, path)
    try:
        return (repo.root / path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FatalError(f'{path}: cannot read the secrets baseline: {e.strerror}') from e


# --- findings ----------------------------------------------------------------------


# Providers that name a kind of secret rather than a service to rotate it at.
_NO_SERVICE = frozenset(('Generic', 'Private key', 'Custom'))


def _fix(h: Hit, baseline: str) -> str:
    where = 'the commit message' if h.path == MESSAGE_PATH else 'the file'
    rewrite = ('rewrite the message (`git commit --amend`, or `git rebase -i` for older '
               'commits)' if h.path == MESSAGE_PATH else
               'remove it from the change, and from history if it was committed '
               '(`git rebase -i`, or git-filter-repo)')
    rotate = ('replace it wherever it is used' if h.provider in _NO_SERVICE
              else f'rotate it at {h.provider}')
    return (f'fix: treat it as leaked: {rotate}, then {rewrite}.\n'
            f'not a secret? add `# pragma: allowlist secret` on the line in {where}, '
            f'or record it with `commit-warden baseline` ({baseline})')


def to_finding(h: Hit, baseline: str) -> Finding:
    what = h.kind[0].upper() + h.kind[1:] if h.provider in _NO_SERVICE else (
        f'{h.provider} {h.kind}')
    return Finding(
        hook=HOOK, rule=h.rule, severity='critical' if h.provider != 'Generic' else 'high',
        path=h.path, line=h.line, commit=h.commit,
        message=f'{what} ({h.preview})\n{_fix(h, baseline)}',
        fingerprint=h.fingerprint,
    )


def rules_for(hits: Iterable[Hit]) -> dict[str, Rule]:
    rules = dict(RULES_STATIC)
    for h in hits:
        rules.setdefault(h.rule, Rule(
            h.rule, HOOK, f'{h.provider} {h.kind}',
            f'A {h.provider} {h.kind} was added to the repository or a commit message; '
            'anyone who can read the history can use it.',
            f'Treat it as leaked: rotate it ({h.provider}), then remove it from the change and '
            'from history. If it is not a secret, mark the line with '
            '`pragma: allowlist secret` or record it with `commit-warden baseline`.',
            'critical' if h.provider != 'Generic' else 'high'))
    return rules


@dataclass(frozen=True)
class Result:
    findings: list[Finding]
    rules: dict[str, Rule]
    mode: str
    commit_range: str | None = None


def check(repo: Repo, config: cfg.Config, *, filenames: Sequence[str] = (),
          rng: Range | None = None, policy_ref: str | None = None) -> Result:
    creds = config.credentials
    salt = Salt(repo)
    msg_file = message_file(repo, filenames) if rng is None else None
    commit_range = None
    if rng is not None:
        mode = 'range'
        hits, skipped, _ = scan_range(repo, rng, config, salt)
        commit_range = str(rng)
    elif msg_file is not None:
        mode = 'message'
        hits, skipped = [], []
        if creds.scan_messages:
            comment = repo.config_get('core.commentChar') or '#'
            texts = [Path(msg_file).read_text(encoding='utf-8', errors='replace')]
            merge_msg = repo.git_dir / 'MERGE_MSG'
            if merge_msg.is_file():
                texts.append(merge_msg.read_text(encoding='utf-8', errors='replace'))
            work = [Work(MESSAGE_PATH, message_lines(t, comment)) for t in texts]
            hits = scan_work(scan_options(creds), work, salt)
            hits = list({(h.line, h.fingerprint): h for h in hits}.values())
    else:
        mode = 'staged'
        plan = plan_staged(repo, filenames, creds)
        hits = scan_work(scan_options(creds), plan.work, salt)
        skipped = plan.skipped
    known = load_baseline(read_baseline(repo, config, policy_ref), creds.baseline)
    hits = [h for h in hits if (h.path, h.hashed_secret, h.secret_type) not in known]
    hits.sort(key=lambda h: (h.commit or '', h.path, h.line))
    findings = [to_finding(h, creds.baseline) for h in hits] + skipped
    return Result(findings, rules_for(hits), mode, commit_range)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=HOOK, description=__doc__.split('\n', 1)[0])
    parser.add_argument('filenames', nargs='*',
                        help='files to check (staged change, or whole file as staged), '
                             'or the commit message file')
    add_common_args(parser)
    add_range_args(parser)
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
        result = check(repo, config, filenames=args.filenames, rng=range_from(args),
                       policy_ref=args.policy_ref)
        return finish(hook=HOOK, repo=repo, config=config, args=args,
                      findings=result.findings, rules=result.rules, mode=result.mode,
                      commit_range=result.commit_range)

    return boundary(HOOK, run)


# --- commit-warden baseline ---------------------------------------------------------


def write_baseline(repo: Repo, config: cfg.Config, output: str | None = None) -> tuple[Path, int]:
    """Scan every file in the index and record what is found, without line numbers."""
    creds = config.credentials
    target = repo.root / (output or creds.baseline)
    plan = plan_whole(repo, sorted(repo.ls_files()), creds)
    hits = scan_work(scan_options(creds), plan.work, Salt(repo))
    try:
        old = json.loads(target.read_text())
        old_results = old.get('results', {}) if isinstance(old, dict) else {}
    except (OSError, ValueError):
        old_results = {}
    results: dict[str, list[dict[str, Any]]] = {}
    for h in sorted(hits, key=lambda h: (h.path, h.secret_type, h.hashed_secret)):
        entry: dict[str, Any] = {'type': h.secret_type, 'filename': h.path,
                                 'hashed_secret': h.hashed_secret, 'is_verified': False}
        for prev in old_results.get(h.path, []):
            if isinstance(prev, dict) and (prev.get('hashed_secret'), prev.get('type')) == (
                    h.hashed_secret, h.secret_type):
                # Keep what a person decided about it (detect-secrets audit).
                entry.update({k: v for k, v in prev.items() if k in ('is_secret',)})
        bucket = results.setdefault(h.path, [])
        if entry not in bucket:
            bucket.append(entry)
    doc = {
        'version': '1.5.0',
        'plugins_used': [],
        'filters_used': [],
        'results': results,
        'generator': f'commit-warden {version()}; entries keyed on (filename, '
                     'hashed_secret, type), no line numbers',
    }
    write_atomic(target, json.dumps(doc, indent=2, sort_keys=True) + '\n')
    return target, sum(len(v) for v in results.values())


def baseline_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog='commit-warden baseline',
        description='Write or update the secrets baseline from every file in the index. '
                    'Entries carry no line numbers, so moving code never changes it and '
                    'two branches never conflict on it.')
    parser.add_argument('--config', metavar='PATH', help='policy file')
    parser.add_argument('--output', metavar='PATH',
                        help='where to write it (default: credentials.baseline)')
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config)
        path, count = write_baseline(repo, config, args.output)
        rel = os.path.relpath(path, repo.root)
        print(f'{rel}: {count} known finding{"s" * (count != 1)} recorded; review them, '
              f'then `git add {rel}`')
        return 0

    return boundary('commit-warden baseline', run)


if __name__ == '__main__':
    raise SystemExit(main())


def run_range(repo: Repo, config: cfg.Config, pr: PullRequest,
              ) -> tuple[list[Finding], dict[str, Rule]]:
    """The range check as `commit-warden ci` runs it."""
    result = check(repo, config, rng=pr.range, policy_ref=pr.policy_ref)
    return result.findings, result.rules
