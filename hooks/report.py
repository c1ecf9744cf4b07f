"""Writers for findings (text, JSON, SARIF 2.1.0, JUnit, GitHub workflow annotations,
GitLab Code Quality, Markdown) and the audit log."""
from __future__ import annotations

import datetime
import getpass
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TextIO

from hooks.findings import SEVERITIES
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.version import version

FORMATS = ('text', 'json', 'sarif', 'github', 'gitlab')
CI_FORMATS = (*FORMATS, 'junit')
SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
INFO_URI = 'https://github.com/commit-warden/commit-warden'

# Where each hook's rules are explained (README headings, as GitHub slugs them).
HELP_ANCHORS = {
    'check-credentials': 'check-credentials',
    'check-signatures': 'check-signatures',
    'check-hotfixes': 'check-hotfixes',
    'check-warden-config': 'the-policy-commit-wardenyaml',
    'commit-warden-ci': 'in-ci-commit-warden-ci',
}

# A finding about a commit rather than a file (an unsigned commit) still needs a
# file in the reports that require one (SARIF, GitLab Code Quality): the policy that
# asks for it.
COMMIT_ANCHOR = '.commit-warden.yaml'

# Time the run started, for the JUnit `time` attributes when the caller measured
# nothing finer: hooks.report is imported as a run starts.
_STARTED = time.monotonic()


def help_uri(hook: str) -> str:
    """The README section for a hook's rules, at the tag of the running version (so
    the text matches the code that reported the finding)."""
    v = version()
    ref = f'v{v}' if re.fullmatch(r'\d+\.\d+\.\d+', v) else 'main'
    return f'{INFO_URI}/blob/{ref}/README.md#{HELP_ANCHORS.get(hook, "readme")}'


def report_path(f: Finding) -> str:
    return f.path or COMMIT_ANCHOR


def display_path(path: str) -> str:
    """A path safe to print on one line: odd characters are escaped as git does, and
    nothing in it can read as a CI runner's command (see `inert`)."""
    if (path.isprintable() and '"' not in path and '\\' not in path
            and '##[' not in path and not path.startswith('::')):
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
    return '"' + ''.join(out).replace('##[', '##\\133') + '"'


# Characters some reader may take for the end of a line (GitHub's runner splits on
# \r as well as \n; str.splitlines on all of these).
_LINE_BREAKS = re.compile('[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')


def inert(line: str) -> str:
    """One line of text as it may reach a CI log. GitHub's runner executes a line that
    starts with `::command` (after blanks) and, the older syntax, `##[command]`
    anywhere in a line; a file name or a commit subject must form neither (it could
    add annotations, mask output, or stop our own annotations with
    `::stop-commands::`)."""
    line = _LINE_BREAKS.sub(lambda m: ascii(m.group(0))[1:-1], line).replace('##[', '##\\[')
    stripped = line.lstrip()
    if stripped.startswith('::'):
        line = line[:len(line) - len(stripped)] + '\\' + stripped
    return line


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
        tag = f'[{f.rule}]'
        if color:
            tag = f'{_COLORS.get(f.severity, "")}{tag}{_RESET}'
        commit = f'(commit {f.commit[:12]}) ' if f.commit else ''
        where = f'{location(f)}: ' if f.path else ''
        lines.append(f'{where}{commit}{first} {tag}')
        lines.extend(f'    {r}' for r in rest if r)
    lines.extend(f'note: {n}' for n in notes)
    return ''.join(inert(line) + '\n' for line in lines)


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
            'helpUri': help_uri(rule.hook),
            'defaultConfiguration': {'level': level},
            'properties': {'security-severity': score, 'tags': ['security', rule.hook],
                           'precision': 'high'},
        })
    results = []
    for f in findings:
        level, _ = SEVERITIES.get(f.severity, ('error', '8.0'))
        result: dict[str, Any] = {
            'ruleId': f.rule,
            'ruleIndex': rule_index[f.rule],
            'level': level,
            'message': {'text': f.message},
            'locations': [{'physicalLocation': {
                'artifactLocation': {'uri': _uri(report_path(f)),
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


def to_junit(findings: Sequence[Finding], suites: Sequence[str], *,
             durations: Mapping[str, float] | None = None,
             elapsed: float | None = None) -> str:
    """JUnit XML: one test suite per hook, one failing test case per finding.

    `time` is in seconds: the whole run's on <testsuites> (`elapsed`, else the time
    since the run started), each hook's on its <testsuite> when the caller measured
    it (`durations`). A finding is not timed: its test case says `time="0"`.
    """
    from xml.sax.saxutils import quoteattr

    by_hook: dict[str, list[Finding]] = {h: [] for h in suites}
    for f in findings:
        by_hook.setdefault(f.hook, []).append(f)
    total = sum(1 for f in findings if f.blocking)
    if elapsed is None:
        elapsed = time.monotonic() - _STARTED
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="commit-warden" tests="{max(len(findings), len(by_hook))}" '
           f'failures="{total}" time="{elapsed:.3f}">']
    for hook, items in by_hook.items():
        failures = sum(1 for f in items if f.blocking)
        timed = (f' time="{durations[hook]:.3f}"'
                 if durations is not None and hook in durations else '')
        out.append(f'  <testsuite name={quoteattr(hook)} tests="{max(len(items), 1)}" '
                   f'failures="{failures}"{timed}>')
        if not items:
            out.append(f'    <testcase classname={quoteattr(hook)} name="no findings"'
                       f'{timed}/>')
        for f in items:
            name = quoteattr(_xml_clean(
                f'{f.rule} {location(f)}' + (f' {f.commit[:12]}' if f.commit else '')))
            file = f' file={quoteattr(_xml_clean(f.path))}' if f.path else ''
            line = f' line="{f.line}"' if f.path and f.line else ''
            out.append(f'    <testcase classname={quoteattr(hook)} name={name}{file}{line} '
                       'time="0">')
            first = f.message.split(chr(10), 1)[0]
            tag = 'failure' if f.blocking else 'skipped'
            out.append(f'      <{tag} message={quoteattr(_xml_clean(first))} '
                       f'type={quoteattr(f.rule)}>{_xml_text(f.message)}</{tag}>')
            out.append('    </testcase>')
        out.append('  </testsuite>')
    out.append('</testsuites>')
    return '\n'.join(out) + '\n'


def _xml_text(text: str) -> str:
    from xml.sax.saxutils import escape

    # A raw CR would start a new line in a CI log (and XML reads it as LF anyway).
    return escape(_xml_clean(text), {'\r': '&#13;'})


def _xml_clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped, nor lone
    surrogates (a file name that is not UTF-8)."""
    text = _printable_text(text)
    return ''.join(c if c in '\t\n\r' or ord(c) >= 0x20 else '?' for c in text)


def _printable_text(text: str) -> str:
    """Text that any UTF-8 writer can take: bytes of a non-UTF-8 file name (held as
    surrogates) become U+FFFD."""
    return text.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')


# --- GitHub workflow annotations -------------------------------------------------
#
# `::error file=F,line=N,title=T::message`, one line per finding: GitHub shows each on
# the pull request's diff, no code scanning needed. The runner unescapes %25, %0D and
# %0A in the message, and also %3A and %2C in property values (actions/toolkit's
# escapeData / escapeProperty); every line we write starts with our own command, so
# nothing a file name or a commit subject holds can start one.


def _gh_data(text: str) -> str:
    return (_printable_text(text).replace('%', '%25').replace('\r', '%0D')
            .replace('\n', '%0A'))


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(':', '%3A').replace(',', '%2C')


def to_github(findings: Sequence[Finding], rules: Mapping[str, Rule], *,
              notes: Sequence[str] = ()) -> str:
    lines = []
    for f in findings:
        command = 'error' if f.blocking else 'warning'
        props = []
        if f.path:
            props.append(f'file={_gh_property(f.path)}')
            if f.line:
                props.append(f'line={f.line}')
        rule = rules.get(f.rule)
        name = rule.name if rule and rule.name and rule.name != f.rule else ''
        title = f'{f.hook}: {name} [{f.rule}]' if name else f'{f.hook} [{f.rule}]'
        props.append(f'title={_gh_property(title)}')
        message = (f'commit {f.commit[:12]}: ' if f.commit else '') + f.message
        lines.append(f'::{command} {",".join(props)}::{_gh_data(message)}')
    lines.extend(f'::notice title=commit-warden::{_gh_data(n)}' for n in notes)
    return ''.join(line + '\n' for line in lines)


# --- GitLab Code Quality -----------------------------------------------------------
#
# A JSON array of Code Climate issues, the subset GitLab reads: description,
# check_name, fingerprint, severity and location.path + location.lines.begin. It shows
# in the merge request widget on every GitLab tier.

GITLAB_SEVERITIES = {'critical': 'blocker', 'high': 'critical', 'medium': 'major',
                     'low': 'minor'}


def to_gitlab(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    issues = []
    seen: Counter[str] = Counter()
    for f in findings:
        # GitLab keeps one issue per fingerprint: the same secret twice in a file
        # needs two, and a moved line must keep its own (so no line number in it).
        basis = line_hash(f)
        seen[basis] += 1
        fp = hashlib.sha256(f'{basis}|{seen[basis]}'.encode()).hexdigest()[:32]
        what, *fix = [line for line in f.message.split('\n') if line.strip()]
        description = (f'commit {f.commit[:12]}: ' if f.commit else '') + what
        if fix:
            description += ' — ' + ' '.join(line.strip() for line in fix)
        issues.append({
            'type': 'issue',
            'description': _printable_text(description),
            'check_name': f'{f.hook}/{f.rule}',
            'fingerprint': fp,
            'severity': GITLAB_SEVERITIES.get(f.severity, 'critical'),
            'categories': ['Security'],
            'location': {
                'path': _printable_text(report_path(f)),
                'lines': {'begin': max(f.line or 1, 1)},
            },
        })
    return issues


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
           color: bool = False, notes: Sequence[str] = (),
           durations: Mapping[str, float] | None = None) -> str:
    if fmt == 'text':
        return format_text(findings, color=color, notes=notes)
    if fmt == 'github':
        return to_github(findings, rules, notes=notes)
    if fmt == 'junit':
        xml = to_junit(findings, sorted({r.hook for r in rules.values()}),
                       durations=durations)
        # The same characters, as references: a report printed to a CI log must not
        # carry a runner command (see `inert`).
        return '\n'.join(re.sub(r'^(\s*):', r'\1&#58;', line)
                         for line in xml.split('\n')).replace('##[', '##&#91;')
    if fmt == 'json':
        data: Any = to_json(findings, notes=notes)
    elif fmt == 'sarif':
        data = to_sarif(findings, rules)
    elif fmt == 'gitlab':
        data = to_gitlab(findings)
    else:
        raise ValueError(f'unknown report format {fmt!r}')
    # `##[` only occurs inside JSON strings; \u005b is the same `[` to a JSON reader.
    return json.dumps(data, indent=2).replace('##[', '##\\u005b') + '\n'


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


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f'.{path.name}.{os.getpid()}.tmp')
    tmp.write_text(text, encoding='utf-8')
    os.replace(tmp, path)


# --- the audit log -----------------------------------------------------------


@dataclass(frozen=True)
class AuditRecord:
    hook: str
    mode: str
    repository: str
    ref: str | None
    commit_range: str | None
    outcome: str                   # pass, blocked, error
    findings: Sequence[Finding] = ()
    exit_code: int = 0

    def as_dict(self) -> dict[str, Any]:
        rules = Counter(f.rule for f in self.findings)
        return {
            'time': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
            'hook': self.hook,
            'mode': self.mode,
            'repository': self.repository,
            'ref': self.ref,
            'range': self.commit_range,
            'user': _user(),
            'outcome': self.outcome,
            'exit_code': self.exit_code,
            'rules': dict(sorted(rules.items())),
            'commits': sorted({f.commit for f in self.findings if f.commit}),
            'blocked_commits': _blocked_commits(self.findings),
            'fingerprints': sorted({f.fingerprint for f in self.findings if f.fingerprint}),
            'ci': bool(os.environ.get('CI')),
        }


def _blocked_commits(findings: Sequence[Finding]) -> dict[str, list[str]]:
    """commit -> the rules that blocked it (for spotting --no-verify bypasses)."""
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.commit and f.blocking:
            out.setdefault(f.commit, set()).add(f'{f.hook}:{f.rule}')
    return {c: sorted(r) for c, r in sorted(out.items())}


def _user() -> str:
    for var in ('GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_EMAIL'):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # no user name on some CI containers
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
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record.as_dict(), sort_keys=True) + '\n'
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode('utf-8', 'surrogateescape'))
    finally:
        os.close(fd)


def read_audit(path: Path) -> Iterable[dict[str, Any]]:
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
