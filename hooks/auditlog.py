"""The audit log: one JSON line per hook or ci run, appended to
.git/commit-warden/audit.jsonl (or where report.audit_log says), and read back
by `commit-warden audit`."""
from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import NamedTuple

from hooks.findings import Finding


class AuditRecord(NamedTuple):
    hook: str
    mode: str
    repository: str
    ref: str | None
    commit_range: str | None
    outcome: str                   # pass, blocked, error
    findings: Sequence[Finding] = ()
    exit_code: int = 0
    stage: str | None = None       # pre-commit, commit-msg, pre-push, manual, ci
    on_block: str | None = None    # ci --on-block: how the command ended

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


def _blocked_commits(findings: Sequence[Finding], *,
                     warned: bool = False) -> dict[str, list[str]]:
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
    for var in ('GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_EMAIL', 'LOGNAME', 'USER', 'LNAME',
                'USERNAME'):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except Exception:  # no pwd module (Windows), or no user name on some CI containers
        return 'unknown'


def audit_path(state_dir: Path, root: Path, configured: str | None) -> Path:
    if configured:
        p = Path(configured)
        return p if p.is_absolute() else root / p
    return state_dir / 'audit.jsonl'


def try_append_audit(path: Path, record: AuditRecord, prog: str) -> None:
    """Append the audit line; a log that cannot be written costs a warning on
    stderr (never stdout, which may carry JSON), not the verdict."""
    try:
        append_audit(path, record)
    except OSError as e:
        print(f'{prog}: warning: could not append to the audit log {path}: '
              f'{e.strerror or e}', file=sys.stderr)


def append_audit(path: Path, record: AuditRecord) -> None:
    """One JSON line per run; O_APPEND keeps concurrent hook runs from interleaving."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record.as_dict(), sort_keys=True) + '\n'
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode('utf-8', 'surrogateescape'))
    finally:
        os.close(fd)


def read_audit(path: Path) -> Iterable[dict[str, Any]]:
    import json

    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a torn or hand-edited line must not hide the rest
                if isinstance(rec, dict):
                    yield rec
    except FileNotFoundError:
        return
