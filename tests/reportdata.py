"""The findings and rules the report tests render (tests/report_test.py for the
text/JSON/SARIF writer, tests/formats_test.py for the CI formats): one token in a
file, one unsigned commit, and the rules they name."""

from __future__ import annotations

from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import fingerprint
from hooks.findings import mask

SECRET = 'ghp_' + 'Q9w8E7r6T5y4U3i2O1p0A9s8D7f6G5h4J3k2'
RULES = {
    'github-token': Rule(
        'github-token',
        'check-credentials',
        'GitHub token',
        'A GitHub token gives access to repositories.',
        'Revoke it at GitHub, then remove it from history.',
        'critical',
    ),
    'unsigned': Rule(
        'unsigned',
        'check-signatures',
        'Unsigned commit',
        'The commit carries no signature.',
        'git commit --amend -S',
        'high',
    ),
    'exempt': Rule(
        'exempt',
        'check-signatures',
        'Exempt commit',
        'The commit is exempt by policy.',
        'Nothing to do.',
        'low',
    ),
}


def token_finding(path: str = 'src/app config.py', line: int = 12) -> Finding:
    return Finding(
        hook='check-credentials',
        rule='github-token',
        severity='critical',
        path=path,
        line=line,
        message=f'GitHub personal access token ({mask(SECRET)})\n'
        'fix: revoke it at GitHub, then remove it from history',
        fingerprint=fingerprint(SECRET, 'salt'),
    )


def unsigned_finding(subject: str = 'tune the pool') -> Finding:
    return Finding(
        hook='check-signatures',
        rule='unsigned',
        severity='high',
        path='',
        line=None,
        commit='c' * 40,
        message=f'commit cccccccccccc is not signed: {subject}\n'
        'fix: git rebase --exec "git commit --amend --no-edit -S" main',
    )
