"""JUnit XML, the test report CI systems read: one test suite per hook, a test case per finding.

Loaded only when `--format junit` is asked for (hooks.report).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from collections.abc import Sequence

from hooks.findings import Finding
from hooks.formats import RunError
from hooks.formats import printable_text
from hooks.report import _STARTED
from hooks.report import location
from hooks.report import report_line
from hooks.report import report_path


def to_junit(
    findings: Sequence[Finding],
    suites: Sequence[str],
    *,
    durations: Mapping[str, float] | None = None,
    elapsed: float | None = None,
    error: RunError | None = None,
) -> str:
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
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="commit-warden" tests="{max(len(findings), len(by_hook))}" '
        f'failures="{total}" errors="{int(error is not None)}" time="{elapsed:.3f}">',
    ]
    if error is not None:
        # Nothing was judged: one test that errored, saying why and how to fix it.
        first = error.message.split('\n', 1)[0]
        file = f' file={quoteattr(_xml_clean(error.path))}' if error.path else ''
        out += [
            '  <testsuite name="commit-warden" tests="1" failures="0" errors="1" '
            f'time="{elapsed:.3f}">',
            f'    <testcase classname="commit-warden" name="run"{file} time="{elapsed:.3f}">',
            f'      <error message={quoteattr(_xml_clean(first))} '
            f'type="{error.kind}">{_xml_text(error.message)}</error>',
            '    </testcase>',
            '  </testsuite>',
        ]
    for hook, items in by_hook.items():
        failures = sum(1 for f in items if f.blocking)
        timed = (
            f' time="{durations[hook]:.3f}"' if durations is not None and hook in durations else ''
        )
        out.append(
            f'  <testsuite name={quoteattr(hook)} tests="{max(len(items), 1)}" '
            f'failures="{failures}"{timed}>'
        )
        if not items:
            out.append(f'    <testcase classname={quoteattr(hook)} name="no findings"{timed}/>')
        for f in items:
            name = quoteattr(
                _xml_clean(f'{f.rule} {location(f)}' + (f' {f.commit[:12]}' if f.commit else ''))
            )
            anchored = bool(f.path or f.anchor)
            file = f' file={quoteattr(_xml_clean(report_path(f)))}' if anchored else ''
            line = f' line="{report_line(f)}"' if anchored and (f.line or f.anchor) else ''
            out.append(
                f'    <testcase classname={quoteattr(hook)} name={name}{file}{line} time="0">'
            )
            first = f.message.split(chr(10), 1)[0]
            tag = 'failure' if f.blocking else 'skipped'
            out.append(
                f'      <{tag} message={quoteattr(_xml_clean(first))} '
                f'type={quoteattr(f.rule)}>{_xml_text(f.message)}</{tag}>'
            )
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
    text = printable_text(text)
    return ''.join(c if c in '\t\n\r' or ord(c) >= 0x20 else '?' for c in text)
