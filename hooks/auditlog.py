"""The audit log: one JSON line per hook or ci run, appended to
.git/commit-warden/audit.jsonl (or where report.audit_log says), and read back
by `commit-warden audit`."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from hooks.findings import Finding

if TYPE_CHECKING:
    from hooks.git import Repo


class AuditRecord(NamedTuple):
    hook: str
    mode: str
    repository: str
    ref: str | None
    commit_range: str | None
    outcome: str  # pass, blocked, error
    findings: Sequence[Finding] = ()
    exit_code: int = 0
    stage: str | None = None  # pre-commit, commit-msg, pre-push, manual, ci
    on_block: str | None = None  # ci --on-block: how the command ended

    def as_dict(self) -> dict[str, Any]:
        import time

        rules = Counter(f.rule for f in self.findings)
        warned = Counter(f'{f.hook}:{f.rule}' for f in self.findings if f.warned)
        return {
            'time': time.strftime('%Y-%m-%dT%H:%M:%S+00:00', time.gmtime()),
            'hook': self.hook,
            'mode': self.mode,
            'stage': self.stage,
            'repository': self.repository,
            'ref': self.ref,
            'range': self.commit_range,
            'user': _user(),
            'outcome': self.outcome,
            'exit_code': self.exit_code,
            'rules': dict(sorted(rules.items())),
            'commits': sorted({f.commit for f in self.findings if f.commit}),
            'blocked_commits': _blocked_commits(self.findings),
            # What the policy only warned about: what switching it to block would stop.
            'warned': dict(sorted(warned.items())),
            'warned_commits': _blocked_commits(self.findings, warned=True),
            'fingerprints': sorted({f.fingerprint for f in self.findings if f.fingerprint}),
            'ci': bool(os.environ.get('CI')),
            **({'on_block': self.on_block} if self.on_block is not None else {}),
        }


def _blocked_commits(findings: Sequence[Finding], *, warned: bool = False) -> dict[str, list[str]]:
    """commit -> the rules that blocked it (for spotting --no-verify bypasses), or
    with `warned`, that would have blocked it had the policy said `block`."""
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.commit and (f.warned if warned else f.blocking):
            out.setdefault(f.commit, set()).add(f'{f.hook}:{f.rule}')
    return {c: sorted(r) for c, r in sorted(out.items())}


def _user() -> str:
    # getpass.getuser()'s order, without importing getpass (and termios, ~4 ms of
    # every hook run that writes an audit line).
    for var in ('GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_EMAIL', 'LOGNAME', 'USER', 'LNAME', 'USERNAME'):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except Exception:  # no pwd module (Windows), or no user name on some CI containers
        return 'unknown'


def audit_path(repo: Repo, configured: str | None) -> Path:
    """Where the audit log goes: `report.audit_log` (a path inside the repository, or
    `.git/...` for the git dir), else .git/commit-warden/audit.jsonl. A path that
    resolves outside the repository is a ConfigError (`try_append_audit` warns)."""
    if not configured:
        return repo.state_dir / 'audit.jsonl'
    from hooks.config import inside

    return Path(inside(repo, configured, 'report.audit_log'))


def try_append_audit(path: Path | Callable[[], Path], record: AuditRecord, prog: str) -> None:
    """Append the audit line; a log that cannot be written (unwritable, not a regular
    file, or outside the repository) costs a warning on stderr (never stdout, which
    may carry JSON), not the verdict."""
    from hooks.errors import ConfigError

    try:
        path = path() if callable(path) else path
        append_audit(path, record)
    except ConfigError as e:
        print(f'{prog}: warning: the audit log was not written: {e}', file=sys.stderr)
    except OSError as e:
        import errno

        why = (
            'it is a symbolic link'
            if e.errno == errno.ELOOP
            else 'nothing is reading it'
            if e.errno == errno.ENXIO
            else e.strerror or str(e)
        )
        print(f'{prog}: warning: could not append to the audit log {path}: {why}', file=sys.stderr)


def append_audit(path: Path, record: AuditRecord) -> None:
    """One JSON line per run; O_APPEND keeps concurrent hook runs from interleaving.
    Never through a symlink, and only to a regular file (a FIFO would hang the run)."""
    import json
    import stat

    path.parent.mkdir(parents=True, exist_ok=True)
    fields = {k: v if k in _OURS else _redacted(v) for k, v in record.as_dict().items()}
    line = json.dumps(fields, sort_keys=True) + '\n'
    flags = (
        os.O_WRONLY
        | os.O_APPEND
        | os.O_CREAT
        | getattr(os, 'O_NOFOLLOW', 0)
        | getattr(os, 'O_NONBLOCK', 0)
    )
    fd = os.open(path, flags, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(0, 'it is not a regular file')
        os.write(fd, line.encode('utf-8', 'surrogateescape'))
    finally:
        os.close(fd)


# Fields that hold only what our own code writes (names, times, hex ids, digests).
_OURS = frozenset(
    ('time', 'hook', 'mode', 'stage', 'outcome', 'exit_code', 'commits', 'fingerprints', 'ci')
)
# A value with none of these shapes holds nothing the credential engine could find:
# no assignment, quote or blank, and no run of 16 token characters. Checked first so
# that a run whose audit line holds only short names (the usual case) does not load
# the engine just to write it.
_TOKENISH = re.compile(r'[=:"\'\s]|[^/.@]{16,}')


def _redacted(value: Any) -> Any:
    """Every outside string of an audit record (a branch name, a range given on the
    command line, a user name, a path, a policy's pattern name) through the one
    redaction."""
    if isinstance(value, str):
        if not _TOKENISH.search(value):
            return value
        from hooks.findings import redact_output

        return redact_output(value)
    if isinstance(value, dict):
        return {_redacted(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def read_audit(path: Path, skipped: list[int] | None = None) -> Iterable[dict[str, Any]]:
    """The records of an audit log; the numbers of lines that are not a JSON object
    (torn, hand-edited) go to `skipped` instead of hiding the rest."""
    import json

    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except (json.JSONDecodeError, RecursionError):
                    rec = None
                if isinstance(rec, dict):
                    yield rec
                elif skipped is not None:
                    skipped.append(number)
    except FileNotFoundError:
        return
