"""commit-warden ci over a pull request, with the target branch's policy.

The quick loop (`-m 'not slow'`) keeps a blocked and a passing pull request, the
trusted policy, warn/off and the errors; reports, shallow clones and CI variables
in depth are marked slow (cirange_test.py has the events)."""

from __future__ import annotations

import json
import random
import string
import subprocess
from pathlib import Path

import pytest

from hooks import ci
from tests.conftest import git
from tests.conftest import slow_after
from tests.conftest import write
from tests.schemas import validate_sarif

_rng = random.Random(7)
TOKEN = 'ghp_' + ''.join(_rng.choice(string.ascii_letters + string.digits) for _ in range(36))
POLICY = (
    'version: 1\nsignatures:\n  require: signature\n  allowed_signers: .github/allowed_signers\n'
)
RECORD = (
    '---\nincident: INC-7\nsummary: raise the pool size\nroot_cause: traffic peak\n'
    'rollback: git revert it\napproved_by: oncall lead\nbackport: pending\n---\n'
)


@pytest.fixture
def signed_repo(repo: Path, remote: Path, tmp_path: Path) -> Path:
    """main and production on origin, policy and allowed signers committed, every
    commit signed by alice's SSH key unless a test says otherwise."""
    key = tmp_path / 'alice'
    subprocess.run(
        ('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'alice', '-f', str(key)), check=True
    )
    kind, blob = (tmp_path / 'alice.pub').read_text().split()[:2]
    write(repo / '.github' / 'allowed_signers', f'alice@example.com {kind} {blob}\n')
    write(repo / '.commit-warden.yaml', POLICY)
    write(repo / 'app.py', 'POOL = 20\n')
    for k, v in (('gpg.format', 'ssh'), ('user.signingkey', str(key)), ('commit.gpgsign', 'true')):
        git('config', k, v, cwd=repo)
    git('add', '.', cwd=repo)
    commit(repo, 'initial')
    git('branch', 'production', cwd=repo)
    git('push', '-q', 'origin', 'main', 'production', cwd=repo)
    git('fetch', '-q', 'origin', cwd=repo)
    return repo


def commit(repo: Path, msg: str, *, sign: bool = True) -> str:
    flag = '-S' if sign else '--no-gpg-sign'
    git('commit', '-q', '--no-verify', '--allow-empty', flag, '-m', msg, cwd=repo)
    return git('rev-parse', 'HEAD', cwd=repo).stdout.strip()


def bad_pull_request(repo: Path) -> dict[str, str]:
    git('switch', '-q', '-c', 'release', 'production', cwd=repo)
    write(repo / 'notify.py', f'TOKEN = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    token_commit = commit(repo, 'PROJ-1 add notifier')
    (repo / 'notify.py').unlink()
    git('add', '-A', cwd=repo)
    commit(repo, 'PROJ-1 remove notifier')
    write(repo / 'app.py', 'POOL = 30\n')
    git('add', '.', cwd=repo)
    unsigned = commit(repo, 'PROJ-2 tune pool', sign=False)
    write(repo / 'app.py', 'POOL = 50\n')
    git('add', '.', cwd=repo)
    hotfix = commit(repo, 'hotfix: raise the pool size')
    return {'token': token_commit, 'unsigned': unsigned, 'hotfix': hotfix}


def target_policy(repo: Path, text: str, branch: str) -> None:
    """Commit `text` as the target's policy, then start the pull request `branch`."""
    write(repo / '.commit-warden.yaml', text)
    git('add', '.', cwd=repo)
    commit(repo, 'policy')
    git('switch', '-q', '-c', branch, cwd=repo)


def run_ci(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = ci.main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_bad_pull_request_into_production(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shas = bad_pull_request(signed_repo)
    sarif_path = tmp_path / 'r.sarif'
    code, out = run_ci(
        capsys, '--base', 'origin/production', '--format', 'sarif', '--output', str(sarif_path)
    )
    assert code == 1
    assert f'notify.py:1: (commit {shas["token"][:12]}) GitHub' in out
    assert f'(commit {shas["unsigned"][:12]})' in out
    assert '[unsigned]' in out
    assert '[missing-ticket]' in out
    assert 'judged by the policy at' in out
    assert TOKEN not in out
    text = sarif_path.read_text()
    assert TOKEN not in text and TOKEN[4:] not in text
    sarif = json.loads(text)
    validate_sarif(sarif)
    results = sarif['runs'][0]['results']
    hooks = {r['properties']['hook'] for r in results}
    assert {'check-credentials', 'check-signatures', 'check-hotfixes'} <= hooks
    for r in results:
        assert r['partialFingerprints']['primaryLocationLineHash']
    rules = {r['id'] for r in sarif['runs'][0]['tool']['driver']['rules']}
    assert {r['ruleId'] for r in results} <= rules


def test_policy_relaxed_in_the_pull_request_is_still_judged_by_the_target(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_pull_request(signed_repo)
    write(
        signed_repo / '.commit-warden.yaml',
        'version: 1\nsignatures:\n  require: signoff\nreport:\n  policy_changes: warn\n'
        'credentials:\n  exclude: ["*.py"]\n',
    )
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'PROJ-3 relax the policy')
    code, out = run_ci(capsys, '--base', 'origin/production', '--format', 'json')
    assert code == 1
    data = json.loads(out[: out.rindex('}') + 1])
    rules = {f['rule'] for f in data['findings']}
    assert 'policy-changed' in rules
    (changed,) = [f for f in data['findings'] if f['rule'] == 'policy-changed']
    assert changed['severity'] == 'high'  # the PR's own `warn` does not count
    assert '.commit-warden.yaml' in changed['message']
    assert {'github-token', 'unsigned', 'missing-ticket'} <= rules


@pytest.mark.slow
def test_policy_change_can_be_a_warning_by_the_targets_policy(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target_policy(signed_repo, POLICY + 'report:\n  policy_changes: warn\n', 'tweak')
    write(
        signed_repo / '.commit-warden.yaml',
        POLICY + 'report:\n  policy_changes: warn\ncredentials:\n  max_file_bytes: 3000000\n',
    )
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'allow bigger files')
    code, out = run_ci(capsys, '--base', 'main')
    assert code == 0
    assert '[policy-changed]' in out


def test_signed_documented_hotfix_passes(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git('switch', '-q', '-c', 'hotfix/INC-7', 'production', cwd=signed_repo)
    write(signed_repo / 'app.py', 'POOL = 50\n')
    write(signed_repo / 'docs' / 'hotfixes' / 'INC-7.md', RECORD)
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'hotfix: INC-7 raise the pool size')
    code, out = run_ci(
        capsys,
        '--base',
        'origin/production',
        '--format',
        'sarif',
        '--output',
        str(tmp_path / 'ok.sarif'),
        '--format',
        'junit',
        '--output',
        str(tmp_path / 'ok.xml'),
    )
    assert code == 0, out
    assert 'commit-warden ci: passed' in out
    assert json.loads((tmp_path / 'ok.sarif').read_text())['runs'][0]['results'] == []
    assert 'failures="0"' in (tmp_path / 'ok.xml').read_text()


@pytest.mark.slow
def test_release_into_production_runs_the_backport_guard(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A documented hotfix lands on production...
    git('switch', '-q', 'production', cwd=signed_repo)
    write(signed_repo / 'app.py', 'POOL = 50\n')
    write(signed_repo / 'docs' / 'hotfixes' / 'INC-7.md', RECORD)
    git('add', '.', cwd=signed_repo)
    hotfix = commit(signed_repo, 'hotfix: INC-7 raise the pool size')
    git('push', '-q', 'origin', 'production', cwd=signed_repo)
    # ...and main, which never got it, is proposed as the next release.
    git('switch', '-q', 'main', cwd=signed_repo)
    write(signed_repo / 'feature.py', 'X = 1\n')
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'PROJ-9 a feature')
    code, out = run_ci(capsys, '--base', 'origin/production', '--source-branch', 'main')
    assert code == 1
    assert '[unported-hotfix]' in out
    assert f'git cherry-pick -x {hotfix}' in out


@pytest.mark.slow
def test_range_from_github_actions_environment(
    signed_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad_pull_request(signed_repo)
    summary = tmp_path / 'summary.md'
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_BASE_REF', 'production')
    monkeypatch.setenv('GITHUB_HEAD_REF', 'release')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    code, out = run_ci(capsys)
    assert code == 1
    assert '(target production)' in out
    assert summary.read_text().startswith('## commit-warden: blocked')
    assert TOKEN not in summary.read_text()


@pytest.mark.slow
def test_range_from_gitlab_environment(
    signed_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = git('rev-parse', 'origin/production', cwd=signed_repo).stdout.strip()
    bad_pull_request(signed_repo)
    monkeypatch.setenv('CI_MERGE_REQUEST_DIFF_BASE_SHA', base)
    monkeypatch.setenv('CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'production')
    code, out = run_ci(capsys)
    assert code == 1
    assert '(target production)' in out


def test_no_base_is_a_clear_error(
    signed_repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run_ci(capsys)
    assert code == 2
    assert 'pass --base REF' in out


@pytest.mark.slow
def test_shallow_clone_without_the_merge_base(
    signed_repo: Path,
    remote: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(_shallow_pull_request(signed_repo, remote, tmp_path))
    code, out = run_ci(capsys, '--base', 'origin/main')
    assert code == 2
    assert 'fetch --unshallow' in out or 'fetch-depth: 0' in out


@pytest.mark.slow
def test_ci_run_is_audited(signed_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shas = bad_pull_request(signed_repo)
    run_ci(capsys, '--base', 'origin/production')
    from hooks import audit

    assert audit.main(['--format', 'json']) == 0
    data = json.loads(capsys.readouterr().out)
    assert data['runs_by_hook'] == {'commit-warden-ci': 1}
    bypassed = {b['commit']: b['rules'] for b in data['suspected_bypasses']}
    # A credential a local hook would have caught...
    assert 'check-credentials:github-token' in bypassed[shas['token']]
    # ...but nothing local can check the signature of a commit that does not exist yet.
    assert not any('check-signatures' in r for r in bypassed.get(shas['unsigned'], []))


@pytest.mark.slow
def test_a_secret_in_a_subject_is_never_repeated(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check-hotfixes and check-signatures quote subjects: they must mask what
    check-credentials would find there."""
    git('switch', '-q', '-c', 'fix', 'production', cwd=signed_repo)
    commit(signed_repo, f'hotfix: token {TOKEN}', sign=False)
    outputs = []
    for fmt in ('text', 'json', 'sarif', 'junit'):
        path = tmp_path / f'r.{fmt}'
        code, out = run_ci(
            capsys, '--base', 'origin/production', '--format', fmt, '--output', str(path)
        )
        assert code == 1
        outputs += [out, path.read_text()]
    blob = '\n'.join(outputs)
    assert '[missing-ticket]' in blob and '[unsigned]' in blob and 'github-token' in blob
    assert TOKEN not in blob
    assert TOKEN[4:20] not in blob


@pytest.mark.slow
def test_machine_output_on_stdout_stays_parseable(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_pull_request(signed_repo)
    assert ci.main(['--base', 'origin/production', '--format', 'json']) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)['blocked'] is True
    assert 'commit-warden ci: blocked' in err


@pytest.mark.slow
def test_each_output_needs_a_format_before_it(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_pull_request(signed_repo)
    sarif, junit = tmp_path / 'r.sarif', tmp_path / 'r.xml'
    with pytest.raises(SystemExit) as e:
        ci.main(
            [
                '--base',
                'origin/production',
                '--format',
                'sarif',
                '--output',
                str(sarif),
                '--output',
                str(junit),
            ]
        )
    assert e.value.code == 2
    assert 'each --output needs a --format before it' in capsys.readouterr().err
    assert not sarif.exists() and not junit.exists()
    # Paired in order; a format past the last output goes to stdout.
    assert (
        ci.main(
            [
                '--base',
                'origin/production',
                '--format',
                'sarif',
                '--output',
                str(sarif),
                '--format',
                'junit',
                '--output',
                str(junit),
                '--format',
                'json',
            ]
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out)['blocked'] is True
    validate_sarif(json.loads(sarif.read_text()))
    assert junit.read_text().startswith('<?xml')


@pytest.mark.slow
def test_unwritable_output_and_audit_log(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_pull_request(signed_repo)
    code, out = run_ci(
        capsys, '--base', 'origin/production', '--format', 'sarif', '--output', str(tmp_path)
    )
    assert code == 2
    assert f'{tmp_path}: cannot write the report' in out
    state = signed_repo / '.git' / 'commit-warden'
    state.mkdir(exist_ok=True)
    (state / 'audit.jsonl').mkdir()
    code, out = run_ci(capsys, '--base', 'origin/production')
    assert code == 1  # the verdict stands
    assert 'warning: could not append to the audit log' in out


@pytest.mark.slow
def test_a_named_policy_file_is_watched(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(signed_repo / 'policy' / 'warden.yaml', POLICY)
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'move the policy')
    git('switch', '-q', '-c', 'relax', cwd=signed_repo)
    write(signed_repo / 'policy' / 'warden.yaml', 'version: 1\nsignatures:\n  require: signoff\n')
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'relax')
    code, out = run_ci(capsys, '--base', 'main', '--config', 'policy/warden.yaml')
    assert code == 1
    assert 'policy/warden.yaml' in out and '[policy-changed]' in out


def _test_merge(repo: Path, base_branch: str) -> str:
    """What actions/checkout checks out for a pull request: an unsigned merge of the
    PR head into the base's tip, detached."""
    head = git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    git('checkout', '-q', '--detach', f'origin/{base_branch}', cwd=repo)
    git(
        'merge',
        '-q',
        '--no-ff',
        '--no-verify',
        '--no-gpg-sign',
        '-m',
        f'Merge {head[:7]} into {base_branch}',
        head,
        cwd=repo,
    )
    return head


@pytest.mark.slow
def test_github_pull_request_judges_the_head_not_the_test_merge(
    signed_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    git('switch', '-q', '-c', 'feature', 'main', cwd=signed_repo)
    write(signed_repo / 'feature.py', 'X = 1\n')
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'PROJ-5 a signed feature')
    head = _test_merge(signed_repo, 'main')
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_BASE_REF', 'main')
    event = tmp_path / 'event.json'
    event.write_text(json.dumps({'pull_request': {'head': {'sha': head}}}))
    monkeypatch.setenv('GITHUB_EVENT_PATH', str(event))
    code, out = run_ci(capsys)
    assert code == 0, out
    event.write_text('{}')  # no event data: the test merge's second parent
    code, out = run_ci(capsys)
    assert code == 0, out


@pytest.mark.slow
def test_github_push_after_a_force_push_falls_back_to_the_default_branch(
    signed_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad_pull_request(signed_repo)
    event = tmp_path / 'event.json'
    event.write_text(
        json.dumps({'before': 'f' * 40, 'repository': {'default_branch': 'production'}})
    )
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_EVENT_PATH', str(event))
    monkeypatch.setenv('GITHUB_REF_NAME', 'release')
    code, out = run_ci(capsys)
    assert code == 1
    assert '[github-token]' in out


def test_ci_runs_only_the_checks_the_targets_policy_has_on(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A team that wants credentials checked in CI, and no signatures yet (no trust
    # source at all), is not blocked by check-signatures.
    write(repo / '.commit-warden.yaml', 'version: 1\nchecks:\n  check-signatures: off\n')
    write(repo / 'app.py', 'POOL = 20\n')
    git('add', '.', cwd=repo)
    commit(repo, 'initial', sign=False)
    git('switch', '-q', '-c', 'topic', cwd=repo)
    write(repo / 'app.py', 'POOL = 30\n')
    git('add', '.', cwd=repo)
    commit(repo, 'tune the pool', sign=False)
    code, out = run_ci(capsys, '--base', 'main')
    assert code == 0, out
    assert 'unsigned' not in out
    write(repo / 'notify.py', f'TOKEN = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    bad = commit(repo, 'add notifier', sign=False)
    code, out = run_ci(capsys, '--base', 'main')
    assert code == 1
    assert out.splitlines()[0].startswith(f'notify.py:1: (commit {bad[:12]}) GitHub')


def test_ci_warn_passes_and_the_audit_shows_what_block_would_stop(
    signed_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hooks import audit

    target_policy(signed_repo, POLICY + 'checks:\n  check-signatures: warn\n', 'topic')
    unsigned = commit(signed_repo, 'tune the pool', sign=False)
    code, out = run_ci(capsys, '--base', 'main')
    assert code == 0
    assert out.splitlines()[0] == (
        f'(commit {unsigned[:12]}) {unsigned[:12]} "tune the pool": the commit is not signed '
        '[unsigned, warn]'
    )
    assert audit.main(['--format', 'json']) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary['warned_by_rule'] == {'check-signatures:unsigned': 1}
    assert summary['would_have_blocked'] == [
        {'commit': unsigned, 'rules': ['check-signatures:unsigned']}
    ]
    assert summary['suspected_bypasses'] == []


def _shallow_pull_request(signed_repo: Path, remote: Path, tmp_path: Path) -> Path:
    git('switch', '-q', '-c', 'feature', cwd=signed_repo)
    for i in range(3):
        commit(signed_repo, f'PROJ-{i} work')
    git('push', '-q', 'origin', 'feature', cwd=signed_repo)
    clone = tmp_path / 'shallow'
    git(
        'clone',
        '-q',
        '--depth',
        '1',
        '--branch',
        'feature',
        f'file://{remote}',
        str(clone),
        cwd=tmp_path,
    )
    git('fetch', '-q', '--depth', '1', 'origin', 'main:refs/remotes/origin/main', cwd=clone)
    return clone


@pytest.mark.slow
def test_shallow_clone_still_writes_every_report(
    signed_repo: Path,
    remote: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import xml.etree.ElementTree as ET

    clone = _shallow_pull_request(signed_repo, remote, tmp_path)
    monkeypatch.chdir(clone)
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    summary = tmp_path / 'summary.md'
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    reports = tmp_path / 'reports'
    code, out = run_ci(
        capsys,
        '--base',
        'origin/main',
        '--format',
        'sarif',
        '--output',
        str(reports / 'r.sarif'),
        '--format',
        'junit',
        '--output',
        str(reports / 'r.xml'),
        '--format',
        'json',
        '--output',
        str(reports / 'r.json'),
        '--format',
        'gitlab',
        '--output',
        str(reports / 'cq.json'),
        '--format',
        'github',
    )
    assert code == 2
    assert 'fetch-depth: 0' in out
    sarif = json.loads((reports / 'r.sarif').read_text())
    validate_sarif(sarif)
    run = sarif['runs'][0]
    assert run['results'] == []
    (invocation,) = run['invocations']
    assert invocation['executionSuccessful'] is False
    assert invocation['exitCode'] == 2
    (note,) = invocation['toolExecutionNotifications']
    assert note['level'] == 'error' and 'fetch-depth: 0' in note['message']['text']
    root = ET.fromstring((reports / 'r.xml').read_text())  # noqa: S314 (our own output)
    assert root.get('errors') == '1'
    (error,) = root.iter('error')
    assert error.get('type') == 'usage-error' and 'fetch-depth: 0' in (error.text or '')
    data = json.loads((reports / 'r.json').read_text())
    assert data['blocked'] is True and data['error']['exit_code'] == 2
    (issue,) = json.loads((reports / 'cq.json').read_text())
    assert issue['check_name'] == 'commit-warden/usage-error'
    assert out.startswith('::error title=commit-warden%3A usage-error::')
    text = summary.read_text()
    assert text.startswith('## commit-warden: error, nothing was checked (exit 2)\n')
    assert 'fetch\\-depth: 0' in text or 'fetch-depth: 0' in text
    assert '**To fix:** follow the message above, then run the job again.' in text


def test_invalid_policy_report_points_at_the_policy(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(signed_repo / '.commit-warden.yaml', 'version: 1\ncredentails: {}\n')
    git('add', '.', cwd=signed_repo)
    commit(signed_repo, 'a typo in the policy')
    git('switch', '-q', '-c', 'feature', cwd=signed_repo)
    commit(signed_repo, 'PROJ-1 work')
    code, _ = run_ci(
        capsys, '--base', 'main', '--format', 'sarif', '--output', str(tmp_path / 'r.sarif')
    )
    assert code == 2
    sarif = json.loads((tmp_path / 'r.sarif').read_text())
    validate_sarif(sarif)
    (note,) = sarif['runs'][0]['invocations'][0]['toolExecutionNotifications']
    assert "did you mean 'credentials'" in note['message']['text']
    location = note['locations'][0]['physicalLocation']
    assert location['artifactLocation']['uri'] == '.commit-warden.yaml'
    assert location['region']['startLine'] == 2


def test_internal_error_writes_reports_without_the_exception_text(
    signed_repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise ValueError(f'quoting {TOKEN}')

    monkeypatch.setattr(ci, 'run_ci', crash)
    code, out = run_ci(
        capsys,
        '--base',
        'origin/main',
        '--format',
        'sarif',
        '--output',
        str(tmp_path / 'r.sarif'),
        '--format',
        'junit',
        '--output',
        str(tmp_path / 'r.xml'),
    )
    assert code == 3
    text = (tmp_path / 'r.sarif').read_text()
    assert TOKEN not in text and TOKEN not in out
    sarif = json.loads(text)
    validate_sarif(sarif)
    invocation = sarif['runs'][0]['invocations'][0]
    assert invocation['exitCode'] == 3
    assert invocation['toolExecutionNotifications'][0]['descriptor']['id'] == 'internal-error'
    assert 'type="internal-error"' in (tmp_path / 'r.xml').read_text()


@pytest.mark.slow
def test_commit_findings_are_placed_where_a_reviewer_can_act(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shas = bad_pull_request(signed_repo)
    code, _ = run_ci(
        capsys,
        '--base',
        'origin/production',
        '--format',
        'sarif',
        '--output',
        str(tmp_path / 'r.sarif'),
        '--format',
        'github',
        '--output',
        str(tmp_path / 'gh.txt'),
    )
    assert code == 1
    sarif = json.loads((tmp_path / 'r.sarif').read_text())
    validate_sarif(sarif)
    results = sarif['runs'][0]['results']
    uris = {
        r['ruleId']: r['locations'][0]['physicalLocation']['artifactLocation']['uri']
        for r in results
    }
    # The unsigned commit changed app.py: its finding sits there, not on the policy.
    assert uris['unsigned'] == 'app.py'
    assert '.commit-warden.yaml' not in uris.values()
    (token,) = (r for r in results if r['ruleId'] == 'github-token')
    # notify.py is gone at the head: the finding names the commit and its own place.
    assert token['locations'][0]['physicalLocation']['region']['startLine'] == 1
    logical = token['locations'][0]['logicalLocations'][0]
    assert logical == {
        'name': shas['token'][:12],
        'kind': 'commit',
        'fullyQualifiedName': f'commit {shas["token"]} notify.py:1',
    }
    assert token['message']['text'].startswith(
        f"commit {shas['token'][:12]}: notify.py:1 (not in the head's tree): GitHub"
    )
    annotations = (tmp_path / 'gh.txt').read_text()
    assert '::error file=notify.py' not in annotations
    assert '::error file=app.py,line=1,title=check-signatures' in annotations


@pytest.mark.slow
def test_ci_prints_the_rebase_fix_and_times_each_hook(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xml.etree.ElementTree as ET

    bad_pull_request(signed_repo)
    code, out = run_ci(
        capsys,
        '--base',
        'origin/production',
        '--format',
        'junit',
        '--output',
        str(tmp_path / 'r.xml'),
        '--format',
        'text',
    )
    assert code == 1
    assert (
        "note: check-signatures: fix: `git rebase --exec 'git commit --amend --no-edit -S'" in out
    )
    root = ET.fromstring((tmp_path / 'r.xml').read_text())  # noqa: S314 (our own output)
    times = {s.get('name'): s.get('time') for s in root.iter('testsuite')}
    for hook in ('check-credentials', 'check-signatures', 'check-hotfixes'):
        assert float(times[hook] or 'nan') >= 0


@pytest.mark.slow
def test_on_block_runs_a_command_with_the_json_report(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = tmp_path / 'paged.json'
    script = write(
        tmp_path / 'page.py',
        'import sys, pathlib\n'
        f'pathlib.Path({str(got)!r}).write_text(sys.stdin.read())\n'
        'sys.exit(7)\n',
    )
    import sys

    shas = bad_pull_request(signed_repo)
    code, out = run_ci(
        capsys, '--base', 'origin/production', '--on-block', f'{sys.executable} {script}'
    )
    assert code == 1  # the command's failure never changes the verdict
    assert 'commit-warden ci: --on-block exited 7; the verdict stands (blocked)' in out
    report = got.read_text()
    assert TOKEN not in report and TOKEN[4:] not in report
    data = json.loads(report)
    assert data['blocked'] is True
    assert shas['token'] in {f['commit'] for f in data['findings']}
    audit_line = json.loads(
        (signed_repo / '.git' / 'commit-warden' / 'audit.jsonl').read_text().splitlines()[-1]
    )
    assert audit_line['on_block'] == 'exited 7'


@pytest.mark.slow
def test_on_block_does_not_run_when_nothing_blocks_and_a_missing_command_is_logged(
    signed_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / 'ran'
    git('switch', '-q', '-c', 'clean', cwd=signed_repo)
    commit(signed_repo, 'PROJ-1 fine')
    code, out = run_ci(capsys, '--base', 'main', '--on-block', f'touch {marker}')
    assert code == 0 and not marker.exists() and '--on-block' not in out
    commit(signed_repo, 'PROJ-2 unsigned', sign=False)
    code, out = run_ci(capsys, '--base', 'main', '--on-block', str(tmp_path / 'no-such'))
    assert code == 1
    assert '--on-block not run: No such file or directory; the verdict stands' in out


@pytest.mark.parametrize(
    ('env', 'fix'),
    slow_after(
        1,
        [
            ({'GITHUB_ACTIONS': 'true'}, 'set `fetch-depth: 0` in the actions/checkout step'),
            ({'GITLAB_CI': 'true'}, "set `GIT_DEPTH: 0` in the job's variables"),
            ({}, 'run `git fetch --unshallow` (or clone with the full history)'),
        ],
        several=True,
    ),
)
@pytest.mark.parametrize('fetch_base', slow_after(1, [True, False]))
def test_shallow_clone_errors_name_the_fix_in_the_cis_terms(
    signed_repo: Path,
    remote: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    fix: str,
    fetch_base: bool,
) -> None:
    clone = _shallow_pull_request(signed_repo, remote, tmp_path)
    if not fetch_base:
        git('update-ref', '-d', 'refs/remotes/origin/main', cwd=clone)
    monkeypatch.chdir(clone)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code, out = run_ci(capsys, '--base', 'origin/main')
    assert code == 2
    assert fix in out
    others = {'fetch-depth', 'GIT_DEPTH'} - {w for w in ('fetch-depth', 'GIT_DEPTH') if w in fix}
    assert not any(o in out for o in others)
