from __future__ import annotations

import json
from pathlib import Path

import pytest

from hooks import audit
from hooks.auditlog import AuditRecord
from hooks.auditlog import append_audit
from hooks.findings import Finding
from tests.conftest import git
from tests.conftest import write


def _finding(hook: str, rule: str, commit: str | None = None, severity: str = 'high'):
    return Finding(
        hook=hook, rule=rule, severity=severity, path='p', line=1, message='m', commit=commit
    )


def _log(repo: Path) -> Path:
    log = repo / '.git' / 'commit-warden' / 'audit.jsonl'
    append_audit(log, AuditRecord('check-credentials', 'staged', str(repo), 'main', None, 'pass'))
    append_audit(
        log,
        AuditRecord(
            'check-credentials',
            'staged',
            str(repo),
            'main',
            None,
            'blocked',
            findings=[_finding('check-credentials', 'github-token')],
            exit_code=1,
        ),
    )
    append_audit(
        log,
        AuditRecord(
            'commit-warden-ci',
            'ci',
            str(repo),
            'main',
            'a..b',
            'blocked',
            exit_code=1,
            findings=[
                _finding('check-credentials', 'slack-bot-token', 'c' * 40),
                _finding('check-signatures', 'unsigned', 'd' * 40),
                _finding('check-credentials', 'file-skipped', 'e' * 40, 'low'),
            ],
        ),
    )
    return log


def test_summary_counts_runs_blocks_and_bypasses(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _log(repo)
    assert audit.main(['--format', 'json']) == 0
    data = json.loads(capsys.readouterr().out)
    assert data['records'] == 3
    assert data['runs_by_hook'] == {'check-credentials': 2, 'commit-warden-ci': 1}
    assert data['blocked_by_hook'] == {'check-credentials': 1, 'commit-warden-ci': 1}
    assert data['findings_by_rule']['check-credentials:github-token'] == 1
    # Only the credential slipped past a local hook; an unsigned commit has no local
    # rule that would have stopped it, and a finding that blocks nothing is no bypass.
    (bypass,) = data['suspected_bypasses']
    assert bypass['commit'] == 'c' * 40
    assert bypass['rules'] == ['check-credentials:slack-bot-token']


def test_text_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _log(repo)
    assert audit.main([]) == 0
    out = capsys.readouterr().out
    assert '3 runs' in out.splitlines()[0]
    assert 'suspected bypasses: 1' in out
    assert 'cccccccccccc (check-credentials:slack-bot-token): committed past a local hook' in out


def test_since_filters_and_bad_dates(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _log(repo)
    assert audit.main(['--since', '2999-01-01', '--format', 'json']) == 0
    assert json.loads(capsys.readouterr().out)['records'] == 0
    assert audit.main(['--since', 'last tuesday']) == 2
    assert "--since 'last tuesday': expected a date" in capsys.readouterr().err


def test_configured_log_location(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hooks.credentials import main as check_credentials

    write(repo / '.commit-warden.yaml', 'version: 1\nreport:\n  audit_log: logs/audit.jsonl\n')
    write(repo / 'a.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    assert check_credentials(['a.py']) == 0
    assert check_credentials(['a.py']) == 0
    assert not (repo / '.git' / 'commit-warden' / 'audit.jsonl').exists()
    assert len((repo / 'logs' / 'audit.jsonl').read_text().splitlines()) == 2
    capsys.readouterr()
    assert audit.main(['--format', 'json']) == 0
    assert json.loads(capsys.readouterr().out)['runs_by_hook'] == {'check-credentials': 2}


def test_missing_log_is_empty(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([]) == 0
    assert 'suspected bypasses: 0' in capsys.readouterr().out
