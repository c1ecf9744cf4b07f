from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hooks.auditlog import AuditRecord
from hooks.auditlog import append_audit
from hooks.auditlog import read_audit
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.findings import boundary
from hooks.findings import fingerprint
from hooks.findings import mask
from hooks.formats import to_sarif
from hooks.report import display_path
from hooks.report import emit
from hooks.report import format_text
from hooks.report import to_json
from hooks.report import use_color
from tests.reportdata import RULES
from tests.reportdata import SECRET
from tests.reportdata import token_finding
from tests.reportdata import unsigned_finding
from tests.schemas import validate_sarif


def findings() -> list[Finding]:
    # The unsigned commit without a subject or fix: the plainest message there is.
    return [
        token_finding(),
        unsigned_finding()._replace(message='commit cccccccccccc is not signed'),
    ]


@pytest.mark.parametrize(
    ('secret', 'shown'),
    [
        (SECRET, 'ghp_…, 40 chars'),
        ('hunter22', 'hu…, 8 chars'),
        ('abc', '…, 3 chars'),
        ('', '…, 0 chars'),
    ],
)
def test_mask_shows_at_most_four_characters(secret: str, shown: str) -> None:
    assert mask(secret) == shown


def test_fingerprint_is_salted_and_stable() -> None:
    assert fingerprint(SECRET, 'a') == fingerprint(SECRET, 'a')
    assert fingerprint(SECRET, 'a') != fingerprint(SECRET, 'b')
    assert SECRET not in fingerprint(SECRET, 'a')
    assert len(fingerprint(SECRET, 'a')) == 32


def test_text_output() -> None:
    assert format_text(findings()).splitlines() == [
        'src/app config.py:12: GitHub personal access token (ghp_…, 40 chars) [github-token]',
        '    fix: revoke it at GitHub, then remove it from history',
        '(commit cccccccccccc) commit cccccccccccc is not signed [unsigned]',
    ]


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not use_color(io.StringIO())
    assert use_color(Tty())
    monkeypatch.setenv('NO_COLOR', '1')
    assert not use_color(Tty())
    assert '\033[' in format_text(findings(), color=True)
    assert '\033[' not in format_text(findings(), color=False)


@pytest.mark.parametrize(
    ('path', 'shown'),
    [
        ('plain/file.py', 'plain/file.py'),
        ('new\nline', '"new\\012line"'),
        ('q"d', '"q\\"d"'),
        ('caf\udce9', '"caf\\351"'),
    ],
)
def test_display_path_keeps_one_line(path: str, shown: str) -> None:
    assert display_path(path) == shown


def test_json_writer_shape() -> None:
    data = to_json(findings())
    assert data['version'] == 1
    assert data['blocked'] is True
    assert [sorted(f) for f in data['findings']] == [
        sorted(
            [
                'hook',
                'rule',
                'severity',
                'path',
                'line',
                'commit',
                'message',
                'fingerprint',
                'action',
            ]
        )
    ] * 2
    assert data['findings'][0]['line'] == 12
    assert SECRET not in json.dumps(data)


def test_not_blocked_when_only_low_findings() -> None:
    low = Finding(hook='h', rule='r', severity='low', path='p', line=1, message='m')
    assert to_json([low])['blocked'] is False


def _check_github_sarif_rules(sarif: dict) -> None:  # type: ignore[type-arg]
    """What GitHub code scanning requires beyond the schema."""
    assert sarif['version'] == '2.1.0'
    (run,) = sarif['runs']
    driver = run['tool']['driver']
    assert driver['name'] and driver['version']
    rule_ids = [r['id'] for r in driver['rules']]
    for rule in driver['rules']:
        for key in ('shortDescription', 'fullDescription', 'help'):
            assert rule[key]['text'], (rule['id'], key)
        float(rule['properties']['security-severity'])
    for result in run['results']:
        assert result['ruleId'] in rule_ids
        assert driver['rules'][result['ruleIndex']]['id'] == result['ruleId']
        assert result['message']['text']
        (loc,) = result['locations']
        assert loc['physicalLocation']['artifactLocation']['uri']
        assert loc['physicalLocation']['region']['startLine'] >= 1
        assert result['partialFingerprints']['primaryLocationLineHash']


def test_sarif_is_valid_and_github_ready() -> None:
    sarif = to_sarif(findings(), RULES)
    _check_github_sarif_rules(sarif)
    assert SECRET not in json.dumps(sarif)
    uri = sarif['runs'][0]['results'][0]['locations'][0]['physicalLocation']['artifactLocation'][
        'uri'
    ]
    assert uri == 'src/app%20config.py'
    validate_sarif(sarif)


def test_sarif_fingerprint_survives_moved_lines() -> None:
    a = findings()[0]
    b = Finding(**{**a.as_dict(), 'line': 99})  # type: ignore[arg-type]
    fa = to_sarif([a], RULES)['runs'][0]['results'][0]['partialFingerprints']
    fb = to_sarif([b], RULES)['runs'][0]['results'][0]['partialFingerprints']
    assert fa == fb


def test_emit_to_output_file(tmp_path: Path) -> None:
    out = tmp_path / 'sub' / 'r.json'
    stream = io.StringIO()
    emit(findings(), RULES, fmt='json', output=str(out), stream=stream, prog='check-credentials')
    assert json.loads(out.read_text())['blocked'] is True
    # The report goes to the file only; the person at the terminal gets one line that
    # still says what blocked them.
    assert stream.getvalue() == (
        'check-credentials: blocked: 2 findings (github-token, unsigned); '
        f'report written to {out}\n'
    )


def test_audit_log_appends_one_line_per_run_without_secrets(tmp_path: Path) -> None:
    log = tmp_path / 'audit.jsonl'
    rec = AuditRecord(
        hook='check-credentials',
        mode='staged',
        repository='/r',
        ref='main',
        commit_range=None,
        outcome='blocked',
        findings=findings(),
        exit_code=1,
    )
    append_audit(log, rec)
    append_audit(
        log,
        AuditRecord(
            hook='check-credentials',
            mode='staged',
            repository='/r',
            ref=None,
            commit_range='a..b',
            outcome='pass',
        ),
    )
    lines = log.read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first['rules'] == {'github-token': 1, 'unsigned': 1}
    assert first['outcome'] == 'blocked'
    assert first['fingerprints'] == [fingerprint(SECRET, 'salt')]
    assert first['commits'] == ['c' * 40]
    assert {'time', 'hook', 'mode', 'repository', 'ref', 'range', 'user'} <= set(first)
    assert SECRET not in log.read_text()
    with open(log, 'a') as f:
        f.write('{torn line\n')
    assert len(list(read_audit(log))) == 2


def test_boundary_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert boundary('hook', lambda: 0) == 0
    assert boundary('hook', lambda: 1) == 1

    def fatal() -> int:
        raise FatalError('not a repository')

    assert boundary('hook', fatal) == 2
    assert capsys.readouterr().err == 'hook: error: not a repository\n'

    def config() -> int:
        raise ConfigError(['x.yaml:1: bad'])

    assert boundary('hook', config) == 2

    def crash() -> int:
        raise ValueError(f'could not parse {SECRET}')

    assert boundary('hook', crash) == 3
    err = capsys.readouterr().err
    assert 'internal error (ValueError); the commit is blocked' in err
    assert 'Please report this' in err
    assert SECRET not in err


def test_junit_report() -> None:
    import xml.etree.ElementTree as ET

    from hooks.junit import to_junit

    root = ET.fromstring(  # noqa: S314 (our own output)
        to_junit(findings(), ['check-credentials', 'check-hotfixes', 'check-signatures'])
    )
    assert root.get('failures') == '2'
    suites = {s.get('name'): s for s in root.iter('testsuite')}
    assert set(suites) == {'check-credentials', 'check-hotfixes', 'check-signatures'}
    (case,) = suites['check-credentials'].iter('testcase')
    failure = case.find('failure')
    assert failure is not None
    assert failure.get('type') == 'github-token'
    assert (failure.get('message') or '').startswith('GitHub personal access token')
    assert suites['check-hotfixes'].find('testcase').get('name') == 'no findings'
    assert SECRET not in ET.tostring(root, encoding='unicode')


def test_markdown_summary() -> None:
    from hooks.formats import to_markdown

    md = to_markdown(findings())
    assert md.startswith('## commit-warden: blocked\n')
    assert '| check-credentials | github-token | src/app config.py:12 |' in md
    assert to_markdown([]).startswith('## commit-warden: passed')


def test_markdown_summary_escapes_commit_text_and_gives_the_fix() -> None:
    from hooks.findings import Finding
    from hooks.formats import to_markdown

    subject = 'hotfix <img src=x onerror=alert(1)> | ![t](https://t.example/p.png) *x*'
    md = to_markdown(
        [
            Finding(
                hook='check-hotfixes',
                rule='missing-ticket',
                severity='high',
                path='',
                line=None,
                commit='c' * 40,
                message=f'{subject}: no ticket\nput the ticket in the message: '
                '`git commit --amend`',
            )
        ]
    )
    row = md.splitlines()[-1]
    assert '<img' not in md and '![t](' not in md and '[t](' not in md
    assert row == (
        '| check-hotfixes | missing-ticket |  | cccccccccccc | hotfix &lt;img '
        'src=x onerror=alert(1)&gt; \\| !\\[t\\](https://t.example/p.png) \\*x\\*: no ticket | '
        'put the ticket in the message: \\`git commit --amend\\` |'
    )


@pytest.mark.parametrize(
    ('text', 'shown'),
    [
        (f'hotfix: token {SECRET}', 'hotfix: token [ghp_…, 40 chars]'),
        (
            'use https://bob:s3cretpass@db.example.com/x',
            'use https://bob:[s3…, 10 chars]@db.example.com/x',
        ),
        ('Merge ' + 'a1' * 20 + ' into main', 'Merge ' + 'a1' * 20 + ' into main'),
        ('hotfix: INC-42 raise the pool size', 'hotfix: INC-42 raise the pool size'),
    ],
)
def test_redact_masks_what_could_be_a_credential(text: str, shown: str) -> None:
    from hooks.findings import redact

    assert redact(text) == shown
