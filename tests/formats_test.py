"""The report formats CI systems read: GitHub workflow annotations, GitLab Code Quality,
JUnit, SARIF rule help, and what any format may put in a CI log."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hooks import ci
from hooks import credentials
from hooks.findings import Finding
from hooks.formats import to_github
from hooks.formats import to_gitlab
from hooks.formats import to_sarif
from hooks.junit import to_junit
from hooks.report import CI_FORMATS
from hooks.report import COMMIT_ANCHOR
from hooks.report import FORMATS
from hooks.report import HELP_ANCHORS
from hooks.report import format_text
from hooks.report import render
from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.reportdata import RULES
from tests.reportdata import SECRET
from tests.reportdata import token_finding
from tests.reportdata import unsigned_finding
from tests.schemas import validate_sarif

HOSTILE_SUBJECT = 'fix\r::error file=x::forged%0A,title\n##[stop-commands]tok\u2028::notice::x'
HOSTILE_PATHS = [
    'a,b:c%d.py',
    '::error::forged.py',
    'x##[add-mask]y.py',
    'new\nline.py',
    'cr\r::warning::x.py',
    'caf\udce9.py',
]


# --- a model of GitHub's runner --------------------------------------------------
#
# The runner executes a line that, after leading blanks, starts with `::name` up to
# the next `::` (properties split on `,`, each `key=value`), and (the old syntax) a
# `##[name]` anywhere in a line that is not such a command. It splits output lines
# on \n and \r. Property values unescape %0D %0A %3A %2C %25; the message unescapes
# %0D %0A %25.

_RUNNER_COMMANDS = {
    'error',
    'warning',
    'notice',
    'debug',
    'group',
    'endgroup',
    'add-mask',
    'stop-commands',
    'set-output',
    'save-state',
    'echo',
    'add-matcher',
    'remove-matcher',
    'set-env',
    'add-path',
}


def _unescape(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for escaped, char in pairs:
        text = text.replace(escaped, char)
    return text


_DATA = (('%0D', '\r'), ('%0A', '\n'), ('%25', '%'))
_PROPERTY = (('%0D', '\r'), ('%0A', '\n'), ('%3A', ':'), ('%2C', ','), ('%25', '%'))


def runner_lines(output: str) -> list[str]:
    return [line for line in re.split('\r\n|\r|\n', output) if line]


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """(name, properties, message) if the runner would execute `line`."""
    text = line.lstrip()
    if text.startswith('::'):
        end = text.find('::', 2)
        if end >= 0:
            name, _, props = text[2:end].partition(' ')
            if name in _RUNNER_COMMANDS:
                properties = {}
                for prop in filter(None, props.strip().split(',')):
                    key, sep, value = prop.partition('=')
                    if sep and key and value:
                        properties[key] = _unescape(value, _PROPERTY)
                return name, properties, _unescape(text[end + 2 :], _DATA)
    old = re.search(r'##\[([^\] ;]+)', line)
    if old and old.group(1) in _RUNNER_COMMANDS and ']' in line[old.end() :]:
        return old.group(1), {}, ''
    return None


# --- --format github ---------------------------------------------------------------


def test_github_annotation_syntax() -> None:
    out = to_github([token_finding(), unsigned_finding()], RULES)
    assert out.splitlines() == [
        '::error file=src/app config.py,line=12,'
        'title=check-credentials%3A GitHub token [github-token]::'
        'GitHub personal access token (ghp_…, 40 chars)%0A'
        'fix: revoke it at GitHub, then remove it from history',
        # A finding about a commit, not a file: an annotation on the run, with the
        # commit first.
        '::error title=check-signatures%3A Unsigned commit [unsigned]::'
        'commit cccccccccccc: commit cccccccccccc is not signed: tune the pool%0A'
        'fix: git rebase --exec "git commit --amend --no-edit -S" main',
    ]
    assert SECRET not in out


def test_github_warning_for_findings_that_do_not_block_and_notes_as_notices() -> None:
    exempt = Finding(
        hook='check-signatures',
        rule='exempt',
        severity='low',
        path='',
        line=None,
        commit='e' * 40,
        message='commit eeeeeeeeeeee is exempt',
    )
    out = to_github([exempt], RULES, notes=['3 commits checked'])
    assert out.splitlines() == [
        '::warning title=check-signatures%3A Exempt commit [exempt]::'
        'commit eeeeeeeeeeee: commit eeeeeeeeeeee is exempt',
        '::notice title=commit-warden::3 commits checked',
    ]
    assert to_github([], RULES) == ''


@pytest.mark.parametrize('path', HOSTILE_PATHS)
def test_github_escaping_round_trips_and_only_our_commands_start_lines(path: str) -> None:
    findings = [token_finding(path=path, line=3), unsigned_finding(HOSTILE_SUBJECT)]
    out = to_github(findings, RULES)
    lines = runner_lines(out)
    assert len(lines) == 2  # one per finding: nothing a name or subject holds split one
    parsed = [runner_command(line) for line in lines]
    assert [p[0] if p else None for p in parsed] == ['error', 'error']
    (_, props, message), (_, props2, message2) = parsed  # type: ignore[misc]
    shown = path.encode('utf-8', 'surrogateescape').decode('utf-8', 'replace')
    assert props == {
        'file': shown,
        'line': '3',
        'title': 'check-credentials: GitHub token [github-token]',
    }
    assert message == token_finding().message
    assert props2 == {'title': 'check-signatures: Unsigned commit [unsigned]'}
    assert message2 == 'commit cccccccccccc: ' + unsigned_finding(HOSTILE_SUBJECT).message


@pytest.mark.parametrize(
    ('char', 'escaped'), [('%', '%25'), ('\r', '%0D'), ('\n', '%0A'), (':', '%3A'), (',', '%2C')]
)
def test_github_property_escapes(char: str, escaped: str) -> None:
    out = to_github([token_finding(path=f'a{char}b.py', line=1)], RULES)
    assert out.startswith(f'::error file=a{escaped}b.py,line=1,title=')


def test_github_message_keeps_colons_and_commas_but_escapes_line_breaks() -> None:
    f = Finding(
        hook='check-hotfixes',
        rule='missing-ticket',
        severity='high',
        path='x.py',
        line=1,
        message='50% done: a, b\r\nnext',
    )
    out = to_github([f], {})
    assert out == (
        '::error file=x.py,line=1,title=check-hotfixes [missing-ticket]::'
        '50%25 done: a, b%0D%0Anext\n'
    )


# --- --format gitlab ---------------------------------------------------------------

GITLAB_SEVERITIES = {'info', 'minor', 'major', 'critical', 'blocker'}


def _check_code_quality(issues: object) -> None:
    """What GitLab requires of each Code Quality issue."""
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue['description'], str) and issue['description']
        assert isinstance(issue['check_name'], str) and issue['check_name']
        assert isinstance(issue['fingerprint'], str) and issue['fingerprint']
        assert issue['severity'] in GITLAB_SEVERITIES
        path = issue['location']['path']
        assert isinstance(path, str) and path and not path.startswith(('./', '/'))
        begin = issue['location']['lines']['begin']
        assert isinstance(begin, int) and begin >= 1
    fingerprints = [i['fingerprint'] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab keeps one per fingerprint


def test_gitlab_code_quality_fields() -> None:
    low = Finding(
        hook='check-signatures',
        rule='exempt',
        severity='low',
        path='',
        line=None,
        commit='e' * 40,
        message='commit eeeeeeeeeeee is exempt',
    )
    issues = json.loads(render('gitlab', [token_finding(), unsigned_finding(), low], RULES))
    _check_code_quality(issues)
    token, unsigned, exempt = issues
    assert token['check_name'] == 'check-credentials/github-token'
    assert token['severity'] == 'blocker'
    assert token['location'] == {'path': 'src/app config.py', 'lines': {'begin': 12}}
    assert token['description'] == (
        'GitHub personal access token (ghp_…, 40 chars) — '
        'fix: revoke it at GitHub, then remove it from history'
    )
    assert unsigned['severity'] == 'critical'
    assert unsigned['location'] == {'path': COMMIT_ANCHOR, 'lines': {'begin': 1}}
    assert unsigned['description'].startswith('commit cccccccccccc: commit cccccccccccc is')
    assert exempt['severity'] == 'minor'
    assert SECRET not in json.dumps(issues)


def test_gitlab_fingerprints_survive_moved_lines_and_tell_twins_apart() -> None:
    [a] = to_gitlab([token_finding(line=3)])
    [b] = to_gitlab([token_finding(line=40)])
    assert a['fingerprint'] == b['fingerprint']
    twins = to_gitlab([token_finding(line=3), token_finding(line=9)])
    _check_code_quality(twins)
    assert twins[0]['fingerprint'] == a['fingerprint']


# --- SARIF rule help, JUnit file and time -------------------------------------------


def _github_slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def test_sarif_rules_link_to_their_readme_section() -> None:
    from hooks.version import version

    sarif = to_sarif([token_finding(), unsigned_finding()], RULES)
    validate_sarif(sarif)
    rules = {r['id']: r for r in sarif['runs'][0]['tool']['driver']['rules']}
    base = f'https://github.com/commit-warden/commit-warden/blob/v{version()}/README.md'
    assert rules['github-token']['helpUri'] == f'{base}#check-credentials'
    assert rules['unsigned']['helpUri'] == f'{base}#check-signatures'
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    slugs = {_github_slug(m) for m in re.findall(r'^#+ (.+)$', readme, re.MULTILINE)}
    for hook, anchor in HELP_ANCHORS.items():
        assert anchor in slugs, (hook, anchor)


def test_junit_file_and_time() -> None:
    xml = to_junit(
        [token_finding(), unsigned_finding()],
        ['check-credentials', 'check-hotfixes', 'check-signatures'],
        durations={'check-credentials': 0.25, 'check-hotfixes': 0.5},
        elapsed=1.5,
    )
    root = ET.fromstring(xml)  # noqa: S314 (our own output)
    assert root.get('time') == '1.500'
    suites = {s.get('name'): s for s in root.iter('testsuite')}
    assert suites['check-credentials'].get('time') == '0.250'
    assert suites['check-hotfixes'].get('time') == '0.500'
    assert suites['check-signatures'].get('time') is None  # not measured: not invented
    (token,) = suites['check-credentials'].iter('testcase')
    assert (token.get('file'), token.get('line'), token.get('time')) == (
        'src/app config.py',
        '12',
        '0',
    )
    (unsigned,) = suites['check-signatures'].iter('testcase')
    assert unsigned.get('file') is None


def test_junit_without_durations_times_the_run() -> None:
    root = ET.fromstring(render('junit', [token_finding()], RULES))  # noqa: S314
    assert float(root.get('time') or 'nan') >= 0


# --- every format in a CI log ---------------------------------------------------------


@pytest.mark.parametrize('fmt', CI_FORMATS)
def test_no_format_lets_a_name_or_subject_run_a_runner_command(fmt: str) -> None:
    findings = [token_finding(path=p, line=2) for p in HOSTILE_PATHS]
    findings.append(unsigned_finding(HOSTILE_SUBJECT))
    out = render(fmt, findings, RULES, notes=[HOSTILE_SUBJECT])
    commands = [runner_command(line) for line in runner_lines(out)]
    ours = {'error', 'warning', 'notice'} if fmt == 'github' else set()
    assert {c[0] for c in commands if c} <= ours
    if fmt == 'github':
        assert sum(1 for c in commands if c) == len(findings) + 1
    if fmt in ('json', 'sarif', 'gitlab'):
        json.loads(out)  # still the same document
    if fmt == 'junit':
        ET.fromstring(out)  # noqa: S314


def test_text_keeps_hostile_names_visible_and_inert() -> None:
    out = format_text(
        [
            token_finding(path='::error::forged.py', line=1),
            token_finding(path='x##[add-mask]y.py', line=2),
            unsigned_finding(HOSTILE_SUBJECT),
        ]
    )
    lines = out.split('\n')
    assert lines[0].startswith('"::error::forged.py":1: GitHub personal access token')
    assert lines[2].startswith('"x##\\133add-mask]y.py":2: ')
    assert '(commit cccccccccccc) commit cccccccccccc is not signed: fix\\r::error' in out
    assert not any(runner_command(line) for line in runner_lines(out))


def test_format_choices() -> None:
    assert {'github', 'gitlab'} <= set(FORMATS)
    assert {'github', 'gitlab', 'junit', 'sarif', 'json', 'text'} <= set(CI_FORMATS)


# --- end to end ---------------------------------------------------------------------


def test_hook_writes_github_annotations(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'deploy, prod.py', f'TOKEN = "{SECRET}"\n')
    git('add', '.', cwd=repo)
    code = credentials.main(['--format', 'github', 'deploy, prod.py'])
    out = capsys.readouterr().out
    assert code == 1
    [line] = runner_lines(out)
    name, props, message = runner_command(line)  # type: ignore[misc]
    assert name == 'error'
    assert (props['file'], props['line']) == ('deploy, prod.py', '1')
    assert props['title'].endswith('[github-token]')
    assert message.startswith('GitHub personal access token (classic) (ghp_…, 40 chars)')
    assert SECRET not in out


def test_ci_writes_code_quality_and_annotations(
    repo: Path, remote: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'app.py', 'POOL = 20\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'initial')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('fetch', '-q', 'origin', cwd=repo)
    git('switch', '-q', '-c', 'feature', cwd=repo)
    write(repo / 'notify.py', f'TOKEN = "{SECRET}"\n')
    git('add', '.', cwd=repo)
    token_commit = git_commit(repo, 'add notifier')
    report = tmp_path / 'gl-code-quality-report.json'
    code = ci.main(
        [
            '--base',
            'origin/main',
            '--format',
            'gitlab',
            '--output',
            str(report),
            '--format',
            'github',
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    issues = json.loads(report.read_text())
    _check_code_quality(issues)
    by_check = {i['check_name']: i for i in issues}
    token = by_check['check-credentials/github-token']
    assert token['location'] == {'path': 'notify.py', 'lines': {'begin': 1}}
    assert token['description'].startswith(f'commit {token_commit[:12]}: ')
    commands = [runner_command(line) for line in runner_lines(out)]
    files = {c[1].get('file') for c in commands if c and c[0] == 'error'}
    assert 'notify.py' in files
    assert SECRET not in out and SECRET not in report.read_text()
