"""Findings as people and tools read them: text and JSON, the format dispatch and
where a report goes; the CI formats are in hooks.formats, the audit log in
hooks.auditlog."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import blocked
from hooks.findings import inert
from hooks.findings import redact_output
from hooks.findings import write_raw
from hooks.version import version

if TYPE_CHECKING:
    from typing import TextIO

    from hooks.formats import RunError

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

# A finding with no file and no commit (the signing set-up at pre-commit) still needs
# a file in the reports that require one (SARIF, GitLab Code Quality): the policy
# that asks for it. Findings about commits are anchored by the caller, which knows
# the head (Finding.anchor).
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
    return f.anchor or f.path or COMMIT_ANCHOR


def report_line(f: Finding) -> int:
    """The line in `report_path`: the finding's own, unless it is anchored elsewhere."""
    return 1 if f.anchor else max(f.line or 1, 1)


def located_message(f: Finding) -> str:
    """The message as a report placed at `report_path` shows it: it names the commit,
    and the finding's own place when the report puts it elsewhere."""
    lead = f'commit {f.commit[:12]}: ' if f.commit else ''
    if f.anchor and f.path:
        lead += f"{location(f)} (not in the head's tree): "
    return lead + f.message


def display_path(path: str) -> str:
    """A path safe to print on one line: odd characters are escaped as git does, and
    nothing in it can read as a CI runner's command (see `inert`)."""
    if (
        path.isprintable()
        and '"' not in path
        and '\\' not in path
        and '##[' not in path
        and not path.startswith('::')
    ):
        return path
    raw = os.fsencode(path)
    out = []
    for b in raw:
        ch = chr(b)
        if ch in '"\\':
            out.append('\\' + ch)
        elif 0x20 <= b < 0x7F:
            out.append(ch)
        else:
            out.append(f'\\{b:03o}')
    return '"' + ''.join(out).replace('##[', '##\\133') + '"'


def use_color(stream: TextIO, setting: str = 'auto') -> bool:
    if setting != 'auto':
        return setting == 'always'
    if os.environ.get('NO_COLOR'):
        return False
    if os.environ.get('TERM') == 'dumb':
        return False
    return hasattr(stream, 'isatty') and stream.isatty()


_COLORS = {'critical': '\033[1;31m', 'high': '\033[31m', 'medium': '\033[33m', 'low': '\033[36m'}
_RESET = '\033[0m'


def location(f: Finding) -> str:
    where = display_path(f.path) if f.path else '(no file)'
    if f.line is not None:
        where += f':{f.line}'
    return where


def format_text(
    findings: Sequence[Finding], *, color: bool = False, notes: Sequence[str] = ()
) -> str:
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
    return ''.join(inert(line) + '\n' for line in lines)


def to_json(findings: Sequence[Finding], *, notes: Sequence[str] = ()) -> dict[str, Any]:
    return {
        'version': 1,
        'blocked': blocked(list(findings)),
        'findings': [f.as_dict() for f in findings],
        'notes': list(notes),
    }


def render(
    fmt: str,
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
    *,
    color: bool = False,
    notes: Sequence[str] = (),
    durations: Mapping[str, float] | None = None,
    error: RunError | None = None,
) -> str:
    """A report in one format. `error`: the run judged nothing (exit 2 or 3); every
    format still says so in its own terms, so the CI step reading it reports our
    error rather than a missing or unreadable file."""
    if fmt == 'text':
        if error is not None:
            return ''.join(inert(f'error: {line}') + '\n' for line in error.message.split('\n'))
        return format_text(findings, color=color, notes=notes)
    import json

    from hooks.formats import to_github
    from hooks.formats import to_gitlab
    from hooks.formats import to_sarif
    from hooks.junit import to_junit

    if fmt == 'github':
        return to_github(findings, rules, notes=notes, error=error)
    if fmt == 'junit':
        xml = to_junit(
            findings, sorted({r.hook for r in rules.values()}), durations=durations, error=error
        )
        # The same characters, as references: a report printed to a CI log must not
        # carry a runner command (see `inert`).
        return '\n'.join(re.sub(r'^(\s*):', r'\1&#58;', line) for line in xml.split('\n')).replace(
            '##[', '##&#91;'
        )
    if fmt == 'json':
        data: Any = to_json(findings, notes=notes)
        if error is not None:
            data['blocked'] = True  # nothing was judged: fail closed
            data['error'] = {
                'exit_code': error.exit_code,
                'kind': error.kind,
                'message': error.message,
                'path': error.path,
                'line': error.line,
            }
    elif fmt == 'sarif':
        data = to_sarif(findings, rules, error=error)
    elif fmt == 'gitlab':
        data = to_gitlab(findings, error=error)
    else:
        raise ValueError(f'unknown report format {fmt!r}')
    # `##[` only occurs inside JSON strings; \u005b is the same `[` to a JSON reader.
    return json.dumps(data, indent=2).replace('##[', '##\\u005b') + '\n'


def redacted(
    findings: Sequence[Finding], notes: Sequence[str] = ()
) -> tuple[list[Finding], list[str]]:
    """Findings and notes with every credential in their text masked: what a hook
    quotes (a commit subject, a ticket, a record path, a file name) is redacted once,
    here, before any format shapes it."""
    out = [
        f._replace(message=redact_output(f.message), path=redact_output(f.path)) for f in findings
    ]
    return out, [redact_output(n) for n in notes]


def emit(
    findings: Sequence[Finding],
    rules: Mapping[str, Rule],
    *,
    fmt: str = 'text',
    output: str | None = None,
    notes: Sequence[str] = (),
    stream: TextIO | None = None,
    prog: str = 'commit-warden',
) -> None:
    """Print the report, or with `output` write it there only: the terminal then gets
    one summary line (the verdict, the rules, where the report is), so a machine
    format is never mixed with text and a person still sees what blocked them."""
    stream = sys.stdout if stream is None else stream
    findings, notes = redacted(findings, notes)
    if output:
        write_report(output, render(fmt, findings, rules, notes=notes))
        stream.write(inert(summary_line(prog, findings, output)) + '\n')
    elif fmt == 'github':
        write_raw(stream, render(fmt, findings, rules, notes=notes))
    else:
        stream.write(render(fmt, findings, rules, color=use_color(stream), notes=notes))
    stream.flush()


def summary_line(prog: str, findings: Sequence[Finding], output: str) -> str:
    from collections import Counter

    verdict = 'blocked' if blocked(list(findings)) else 'passed'
    n = len(findings)
    rules = Counter(f.rule for f in findings)
    which = (
        (' (' + ', '.join(f'{c} {r}' if c > 1 else r for r, c in sorted(rules.items())) + ')')
        if rules
        else ''
    )
    return (
        f'{prog}: {verdict}: {n} finding{"s" * (n != 1)}{which}; report written to '
        f'{display_path(output)}'
    )


def write_report(output: str, text: str) -> None:
    """Write a report where the user asked; a path that cannot take it is a usage
    error (exit 2) that names it, not a crash."""
    from hooks.errors import FatalError
    from hooks.state import write_output

    try:
        write_output(Path(output), redact_output(text))
    except FatalError as e:
        raise FatalError(f'{output}: cannot write the report: {e}') from e
    except OSError as e:
        raise FatalError(f'{output}: cannot write the report: {e.strerror or e}') from e


def append_summary(path: str, text: str, prog: str) -> None:
    """Append to the CI's step summary ($GITHUB_STEP_SUMMARY). It comes after the
    verdict: a summary that cannot be written costs a warning, never the verdict."""
    try:
        with open(path, 'a', encoding='utf-8') as f:
            f.write(redact_output(text))
    except OSError as e:
        print(
            f'{prog}: warning: could not write the step summary {path}: {e.strerror or e}',
            file=sys.stderr,
        )
