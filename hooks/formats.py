"""The formats CI systems read: SARIF 2.1.0 (code scanning), GitHub workflow
annotations, GitLab Code Quality, and the Markdown step summary (JUnit XML:
hooks.junit). Loaded only when one of them is asked for."""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple

from hooks.findings import SEVERITIES
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.report import INFO_URI
from hooks.report import SARIF_SCHEMA
from hooks.report import help_uri
from hooks.report import located_message
from hooks.report import location
from hooks.report import report_line
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


class RunError(NamedTuple):
    """A run that judged nothing (exit 2 or 3), as the reports say it."""

    exit_code: int
    message: str  # what went wrong and how to fix it; never quotes content
    path: str | None = None  # the file to fix, when one is known (the policy)
    line: int | None = None

    @property
    def kind(self) -> str:
        return 'internal-error' if self.exit_code == 3 else 'usage-error'


def to_sarif(
    findings: Sequence[Finding], rules: Mapping[str, Rule], *, error: RunError | None = None
) -> dict[str, Any]:
    """SARIF 2.1.0. A run that failed still writes a valid file, with
    `executionSuccessful: false` and the error as a tool execution notification, so
    the upload step after it reports our error instead of a missing file."""
    used = sorted({f.rule for f in findings} | set(rules))
    rule_index = {rid: i for i, rid in enumerate(used)}
    rule_objs = []
    for rid in used:
        rule = rules.get(rid) or Rule(rid, '', rid, rid, 'See the finding message.')
        level, score = SEVERITIES.get(rule.severity, ('error', '8.0'))
        rule_objs.append(
            {
                'id': rid,
                'name': ''.join(w.capitalize() for w in rid.replace(':', '-').split('-')),
                'shortDescription': {'text': rule.name},
                'fullDescription': {'text': rule.description},
                'help': {'text': rule.help, 'markdown': rule.help},
                'helpUri': help_uri(rule.hook),
                'defaultConfiguration': {'level': level},
                'properties': {
                    'security-severity': score,
                    'tags': ['security', rule.hook],
                    'precision': 'high',
                },
            }
        )
    results = []
    for f in findings:
        level, _ = SEVERITIES.get(f.severity, ('error', '8.0'))
        if f.action == 'warn' and level == 'error':
            level = 'warning'  # the policy reports it without blocking
        result: dict[str, Any] = {
            'ruleId': f.rule,
            'ruleIndex': rule_index[f.rule],
            'level': level,
            'message': {'text': located_message(f)},
            'locations': [_sarif_location(f)],
            'partialFingerprints': {'primaryLocationLineHash': line_hash(f)},
            'properties': {'hook': f.hook},
        }
        if f.commit:
            result['properties']['commit'] = f.commit
        results.append(result)
    invocation: dict[str, Any] = {'executionSuccessful': error is None}
    if error is not None:
        notification: dict[str, Any] = {
            'level': 'error',
            'message': {'text': error.message},
            'descriptor': {'id': error.kind},
        }
        if error.path:
            notification['locations'] = [
                {
                    'physicalLocation': {
                        'artifactLocation': {'uri': _uri(error.path), 'uriBaseId': '%SRCROOT%'},
                        'region': {'startLine': max(error.line or 1, 1)},
                    }
                }
            ]
        invocation.update(exitCode=error.exit_code, toolExecutionNotifications=[notification])
    return {
        '$schema': SARIF_SCHEMA,
        'version': '2.1.0',
        'runs': [
            {
                'tool': {
                    'driver': {
                        'name': 'commit-warden',
                        'version': version(),
                        'semanticVersion': version(),
                        'informationUri': INFO_URI,
                        'rules': rule_objs,
                    }
                },
                'invocations': [invocation],
                'results': results,
                'columnKind': 'unicodeCodePoints',
            }
        ],
    }


def _sarif_location(f: Finding) -> dict[str, Any]:
    """Where code scanning shows the finding: a file of the head (it needs one), and,
    for a finding about a commit, a logical location naming the commit (and the
    finding's own file and line when those are not at the head)."""
    loc: dict[str, Any] = {
        'physicalLocation': {
            'artifactLocation': {'uri': _uri(report_path(f)), 'uriBaseId': '%SRCROOT%'},
            'region': {'startLine': report_line(f)},
        }
    }
    if f.commit:
        name = f'commit {f.commit}' + (f' {location(f)}' if f.path else '')
        loc['logicalLocations'] = [
            {'name': f.commit[:12], 'fullyQualifiedName': name, 'kind': 'commit'}
        ]
    return loc


def printable_text(text: str) -> str:
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
    return printable_text(text).replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(':', '%3A').replace(',', '%2C')


def to_github(
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
    *,
    notes: Sequence[str] = (),
    error: RunError | None = None,
) -> str:
    lines = []
    if error is not None:
        props = [f'file={_gh_property(error.path)}'] if error.path else []
        if error.path and error.line:
            props.append(f'line={error.line}')
        props.append(f'title={_gh_property(f"commit-warden: {error.kind}")}')
        lines.append(f'::error {",".join(props)}::{_gh_data(error.message)}')
    for f in findings:
        command = 'error' if f.blocking else 'warning'
        props = []
        if f.path or f.anchor:
            props.append(f'file={_gh_property(report_path(f))}')
            if f.line or f.anchor:
                props.append(f'line={report_line(f)}')
        rule = rules.get(f.rule)
        name = rule.name if rule and rule.name and rule.name != f.rule else ''
        title = f'{f.hook}: {name} [{f.rule}]' if name else f'{f.hook} [{f.rule}]'
        props.append(f'title={_gh_property(title)}')
        lines.append(f'::{command} {",".join(props)}::{_gh_data(located_message(f))}')
    lines.extend(f'::notice title=commit-warden::{_gh_data(n)}' for n in notes)
    return ''.join(line + '\n' for line in lines)


# --- GitLab Code Quality -----------------------------------------------------------
#
# A JSON array of Code Climate issues, the subset GitLab reads: description,
# check_name, fingerprint, severity and location.path + location.lines.begin. It shows
# in the merge request widget on every GitLab tier.

GITLAB_SEVERITIES = {'critical': 'blocker', 'high': 'critical', 'medium': 'major', 'low': 'minor'}


def to_gitlab(
    findings: Sequence[Finding], *, error: RunError | None = None
) -> list[dict[str, Any]]:
    issues = []
    if error is not None:
        # The widget shows what is in the report: say that nothing was judged, and why.
        issues.append(
            {
                'type': 'issue',
                'description': printable_text(error.message),
                'check_name': f'commit-warden/{error.kind}',
                'fingerprint': hashlib.sha256(error.message.encode()).hexdigest()[:32],
                'severity': 'blocker',
                'categories': ['Security'],
                'location': {
                    'path': printable_text(error.path or '.gitlab-ci.yml'),
                    'lines': {'begin': max(error.line or 1, 1)},
                },
            }
        )
    seen: Counter[str] = Counter()
    for f in findings:
        # GitLab keeps one issue per fingerprint: the same secret twice in a file
        # needs two, and a moved line must keep its own (so no line number in it).
        basis = line_hash(f)
        seen[basis] += 1
        fp = hashlib.sha256(f'{basis}|{seen[basis]}'.encode()).hexdigest()[:32]
        what, *fix = [line for line in located_message(f).split('\n') if line.strip()]
        description = what
        if fix:
            description += ' — ' + ' '.join(line.strip() for line in fix)
        issues.append(
            {
                'type': 'issue',
                'description': printable_text(description),
                'check_name': f'{f.hook}/{f.rule}',
                'fingerprint': fp,
                'severity': GITLAB_SEVERITIES.get(f.severity, 'critical'),
                'categories': ['Security'],
                'location': {
                    'path': printable_text(report_path(f)),
                    'lines': {'begin': report_line(f)},
                },
            }
        )
    return issues


# Inside a table cell nothing starts a line: what is left to neutralise is inline
# (code spans, emphasis, links and images, cell breaks); HTML is escaped apart.
_MD_SPECIAL = re.compile(r'([\\`*_\[\]|~])')


def _md(text: str) -> str:
    """Text from a commit or a file (a subject, a path) as Markdown shows it literally:
    no HTML, no links or images, no emphasis, no table cell breaks."""
    text = html.escape(printable_text(text), quote=False)
    return _MD_SPECIAL.sub(r'\\\1', text).replace('\n', '<br>')


def to_markdown(
    findings: Sequence[Finding],
    *,
    title: str = 'commit-warden',
    notes: Sequence[str] = (),
    error: RunError | None = None,
) -> str:
    """A summary for humans in CI ($GITHUB_STEP_SUMMARY): each finding with its fix,
    every text escaped (a commit subject can hold HTML)."""
    if error is not None:
        where = (
            f' ({_md(error.path)}{f":{error.line}" if error.line else ""})' if error.path else ''
        )
        return (
            '\n'.join(
                [
                    f'## {title}: error, nothing was checked (exit {error.exit_code})',
                    '',
                    f'{_md(error.message)}{where}',
                    '',
                    '**To fix:** '
                    + (
                        'follow the message above, then run the job again.'
                        if error.exit_code != 3
                        else 'this is a bug in commit-warden: report it with the job log.'
                    ),
                ]
            )
            + '\n'
        )
    verdict = 'blocked' if blocked(list(findings)) else 'passed'
    lines = [f'## {title}: {verdict}', '']
    if not findings:
        lines.append('No findings.')
    else:
        lines += ['| hook | rule | where | commit | what | fix |', '|---|---|---|---|---|---|']
        for f in findings:
            what, _, fix = f.message.partition('\n')
            where = _md(location(f)) if f.path else ''
            commit = f.commit[:12] if f.commit else ''
            lines.append(
                f'| {f.hook} | {_md(f.rule)} | {where} | {commit} | {_md(what)} '
                f'| {_md(fix.strip())} |'
            )
    if notes:
        lines += [''] + [f'- {_md(n)}' for n in notes]
    return '\n'.join(lines) + '\n'
