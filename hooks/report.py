"""Writers for findings (text, JSON, SARIF 2.1.0, JUnit, Markdown) and the audit log."""
from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from hooks.findings import SEVERITIES
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.state import write_atomic
from hooks.version import version

if TYPE_CHECKING:
    from typing import TextIO

FORMATS = ('text', 'json', 'sarif')
CI_FORMATS = (*FORMATS, 'junit')
SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
INFO_URI = 'https://github.com/commit-warden/commit-warden'


def display_path(path: str) -> str:
    """A path safe to print on one line: odd characters are escaped as git does."""
    if path.isprintable() and '"' not in path and '\\' not in path:
        return path
    raw = os.fsencode(path)
    out = []
    for b in raw:
        ch = chr(b)
        if ch in '"\\':
            out.append('\\' + ch)
        elif 0x20 <= b < 0x7f:
            out.append(ch)
        else:
            out.append(f'\\{b:03o}')
    return '"' + ''.join(out) + '"'


def use_color(stream: TextIO, setting: str = 'auto') -> bool:
    if setting != 'auto':
        return setting == 'always'
    if os.environ.get('NO_COLOR'):
        return False
    if os.environ.get('TERM') == 'dumb':
        return False
    return hasattr(stream, 'isatty') and stream.isatty()


_COLORS = {'critical': '\033[1;31m', 'high': '\033[31m', 'medium': '\033[33m',
           'low': '\033[36m'}
_RESET = '\033[0m'


def location(f: Finding) -> str:
    where = display_path(f.path) if f.path else '(no file)'
    if f.line is not None:
        where += f':{f.line}'
    return where


def format_text(findings: Sequence[Finding], *, color: bool = False,
                notes: Sequence[str] = ()) -> str:
    lines = []
    for f in findings:
        first, *rest = f.message.split('\n')
        tag = f'[{f.rule}]' if f.action == 'block' else f'[{f.rule}, {f.action}]'
        if color:
            tag = f'{_COLORS.get(f.severity, "")}{tag}{_RESET}'
        commit = f'(commit {f.commit[:12]}) ' if f.commit else ''
        where = f'{location(f)}: ' if f.path else ''
        lines.append(f'{where}{commit}{first} {tag}')
        lines.extend(f'    {r}' for r in rest if r)
    lines.extend(f'note: {n}' for n in notes)
    return '\n'.join(lines) + ('\n' if lines else '')


def to_json(findings: Sequence[Finding], *, notes: Sequence[str] = ()) -> dict[str, Any]:
    return {
        'version': 1,
        'blocked': blocked(list(findings)),
        'findings': [f.as_dict() for f in findings],
        'notes': list(notes),
    }


def line_hash(f: Finding) -> str:
    """A location hash that survives moved code: it names the secret or the
    commit, never the line number."""
    import hashlib

    basis = f.fingerprint or f'{f.message.split(chr(10), 1)[0]}|{f.commit or ""}'
    digest = hashlib.sha256(f'{f.rule}|{f.path}|{basis}'.encode('utf-8', 'surrogateescape'))
    return digest.hexdigest()[:32] + ':1'


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path.encode('utf-8', 'surrogateescape'), safe='/')


def to_sarif(findings: Sequence[Finding], rules: Mapping[str, Rule]) -> dict[str, Any]:
    used = sorted({f.rule for f in findings} | set(rules))
    rule_index = {rid: i for i, rid in enumerate(used)}
    rule_objs = []
    for rid in used:
        rule = rules.get(rid) or Rule(rid, '', rid, rid, 'See the finding message.')
        level, score = SEVERITIES.get(rule.severity, ('error', '8.0'))
        rule_objs.append({
            'id': rid,
            'name': ''.join(w.capitalize() for w in rid.replace(':', '-').split('-')),
            'shortDescription': {'text': rule.name},
            'fullDescription': {'text': rule.description},
            'help': {'text': rule.help, 'markdown': rule.help},
            'defaultConfiguration': {'level': level},
            'properties': {'security-severity': score, 'tags': ['security', rule.hook],
                           'precision': 'high'},
        })
    results = []
    for f in findings:
        level, _ = SEVERITIES.get(f.severity, ('error', '8.0'))
        if f.action == 'warn' and level == 'error':
            level = 'warning'   # the policy reports it without blocking
        result: dict[str, Any] = {
            'ruleId': f.rule,
            'ruleIndex': rule_index[f.rule],
            'level': level,
            'message': {'text': f.message},
            'locations': [{'physicalLocation': {
                'artifactLocation': {'uri': _uri(f.path or '.commit-warden.yaml'),
                                     'uriBaseId': '%SRCROOT%'},
                'region': {'startLine': max(f.line or 1, 1)},
            }}],
            'partialFingerprints': {'primaryLocationLineHash': line_hash(f)},
            'properties': {'hook': f.hook},
        }
        if f.commit:
            result['properties']['commit'] = f.commit
        results.append(result)
    return {
        '$schema': SARIF_SCHEMA,
        'version': '2.1.0',
        'runs': [{
            'tool': {'driver': {
                'name': 'commit-warden', 'version': version(),
                'semanticVersion': version(), 'informationUri': INFO_URI,
                'rules': rule_objs,
            }},
            'results': results,
            'columnKind': 'unicodeCodePoints',
        }],
    }


def to_junit(findings: Sequence[Finding], suites: Sequence[str]) -> str:
    """JUnit XML: one test suite per hook, one failing test case per finding."""
    from xml.sax.saxutils import quoteattr

    by_hook: dict[str, list[Finding]] = {h: [] for h in suites}
    for f in findings:
        by_hook.setdefault(f.hook, []).append(f)
    total = sum(1 for f in findings if f.blocking)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="commit-warden" tests="{max(len(findings), len(by_hook))}" '
           f'failures="{total}">']
    for hook, items in by_hook.items():
        failures = sum(1 for f in items if f.blocking)
        out.append(f'  <testsuite name={quoteattr(hook)} tests="{max(len(items), 1)}" '
                   f'failures="{failures}">')
        if not items:
            out.append(f'    <testcase classname={quoteattr(hook)} name="no findings"/>')
        for f in items:
            name = quoteattr(f'{f.rule} {location(f)}' + (f' {f.commit[:12]}' if f.commit else ''))
            out.append(f'    <testcase classname={quoteattr(hook)} name={name}>')
            first = f.message.split(chr(10), 1)[0]
            tag = 'failure' if f.blocking else 'skipped'
            out.append(f'      <{tag} message={quoteattr(first)} type={quoteattr(f.rule)}>'
                       f'{_xml_text(f.message)}</{tag}>')
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return '\n'.join(out) + '\n'


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    # XML 1.0 cannot carry most control characters, even escaped.
    clean = ''.join(c if c in '\t\n\r' or ord(c) >= 0x20 else '?' for c in text)
    return escape(clean)


def to_markdown(findings: Sequence[Finding], *, title: str = 'commit-warden') -> str:
    """A summary for humans in CI ($GITHUB_STEP_SUMMARY)."""
    verdict = 'blocked' if blocked(list(findings)) else 'passed'
    lines = [f'## {title}: {verdict}', '']
    if not findings:
        lines.append('No findings.')
        return '\n'.join(lines) + '\n'
    lines += ['| hook | rule | where | commit | what |', '|---|---|---|---|---|']
    for f in findings:
        what = f.message.split(chr(10), 1)[0].replace('|', '\\|')
        where = location(f).replace('|', '\\|')
        commit = f.commit[:12] if f.commit else ''
        lines.append(f'| {f.hook} | `{f.rule}` | `{where}` | {commit} | {what} |')
    return '\n'.join(lines) + '\n'


def render(fmt: str, findings: Sequence[Finding], rules: Mapping[str, Rule], *,
           color: bool = False, notes: Sequence[str] = ()) -> str:
    if fmt == 'junit':
        return to_junit(findings, sorted({r.hook for r in rules.values()}))
    import json

    if fmt == 'json':
        return json.dumps(to_json(findings, notes=notes), indent=2) + '\n'
    if fmt == 'sarif':
        return json.dumps(to_sarif(findings, rules), indent=2) + '\n'
    return format_text(findings, color=color, notes=notes)


def emit(findings: Sequence[Finding], rules: Mapping[str, Rule], *, fmt: str = 'text',
         output: str | None = None, notes: Sequence[str] = (),
         stream: TextIO | None = None) -> None:
    stream = sys.stdout if stream is None else stream
    if output:
        text = render(fmt, findings, rules, notes=notes)
        write_report(output, text)
        if fmt != 'text' and findings:
            stream.write(format_text(findings, color=use_color(stream), notes=notes))
    else:
        stream.write(render(fmt, findings, rules, color=use_color(stream), notes=notes))
    stream.flush()


def write_report(output: str, text: str) -> None:
    """Write a report where the user asked; a path that cannot take it is a usage
    error (exit 2) that names it, not a crash."""
    try:
        write_atomic(Path(output), text)
    except OSError as e:
        from hooks.errors import FatalError

        raise FatalError(f'{output}: cannot write the report: {e.strerror or e}') from e


# --- the audit log -----------------------------------------------------------


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
