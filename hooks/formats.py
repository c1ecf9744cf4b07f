"""The formats CI systems read: SARIF 2.1.0 (code scanning), JUnit XML, GitHub
workflow annotations, GitLab Code Quality, and the Markdown step summary. Loaded
only when one of them is asked for."""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from hooks.findings import SEVERITIES
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.report import _STARTED
from hooks.report import INFO_URI
from hooks.report import SARIF_SCHEMA
from hooks.report import help_uri
from hooks.report import location
from hooks.report import report_path
from hooks.version import version


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
        if f.action == 'warn' and level == 'error':
            level = 'warning'   # the policy reports it without blocking
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
