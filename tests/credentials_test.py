from __future__ import annotations

import json
import random
import string
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hooks.credentials import main
from hooks.credentials.cache import CACHE_NAME
from hooks.credentials.engine import PARALLEL_BYTES
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write

_rng = random.Random(20261127)


def _rand(alphabet: str, n: int) -> str:
    return ''.join(_rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
GH_TOKEN = 'ghp_' + _rand(ALNUM, 36)
AWS_ID = 'AKIA' + _rand(string.ascii_uppercase + '234567', 16)
AWS_SECRET = _rand(ALNUM + '+/', 40)
SLACK = f'xoxb-{_rand(string.digits, 12)}-{_rand(string.digits, 13)}-{_rand(ALNUM, 24)}'
STRIPE = 'sk_live_' + _rand(ALNUM, 24)
SECRETS = (GH_TOKEN, AWS_ID, AWS_SECRET, SLACK, STRIPE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_staged_token_is_blocked_naming_file_and_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'app.py', f'import os\n\nGITHUB = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'app.py')
    assert code == 1
    assert out.splitlines()[0] == (
        'app.py:3: GitHub personal access token (classic) (ghp_…, 40 chars) [github-token]'
    )
    assert 'rotate it at GitHub' in out
    assert GH_TOKEN not in out


def test_only_what_the_index_adds_is_checked(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / 'app.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')
    write(repo / 'app.py', 'x = 1\ny = 2\n')
    git('add', '.', cwd=repo)
    write(repo / 'app.py', f'x = 1\ny = 2\nt = "{GH_TOKEN}"\n')  # not staged
    assert run(capsys, 'app.py') == (0, '')
    git('add', '.', cwd=repo)
    assert run(capsys, 'app.py')[0] == 1


def test_committed_file_without_staged_change_is_checked_whole(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.env', f'AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'env')
    code = main(['--format', 'json', '.env'])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data['blocked'] is True
    assert [(f['path'], f['line']) for f in data['findings']] == [('.env', 1), ('.env', 2)]
    assert {f['rule'] for f in data['findings']} == {'aws-access-key-id', 'aws-secret-access-key'}
    assert AWS_ID not in json.dumps(data) and AWS_SECRET not in json.dumps(data)


def test_clean_change_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'app.py', 'token = os.environ["GITHUB_TOKEN"]\npassword = "changeme"\n')
    git('add', '.', cwd=repo)
    assert run(capsys, 'app.py') == (0, '')


def test_inline_allowlist(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'app.py', f't = "{GH_TOKEN}"  # pragma: allowlist secret\n')
    git('add', '.', cwd=repo)
    assert run(capsys, 'app.py') == (0, '')


def test_nextline_pragma_on_an_unchanged_line(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / 'app.js', '// pragma: allowlist nextline secret\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')
    write(repo / 'app.js', f'// pragma: allowlist nextline secret\nconst t = "{GH_TOKEN}";\n')
    git('add', '.', cwd=repo)
    assert run(capsys, 'app.js') == (0, '')


def test_exclude_globs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  exclude: ["fixtures/"]\n')
    write(repo / 'fixtures' / 'deep' / 'a.py', f't = "{GH_TOKEN}"\n')
    write(repo / 'src' / 'fixtures.py', f't = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'fixtures/deep/a.py', 'src/fixtures.py')
    assert code == 1
    assert out.startswith('src/fixtures.py:1:')
    assert 'fixtures/deep' not in out


def test_extra_and_allowed_patterns(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n'
        '  extra_patterns: {internal-token: "itk_[a-z0-9]{20}"}\n'
        f'  allowed_patterns: ["{GH_TOKEN[:12]}"]\n',
    )
    write(repo / 'a.cfg', f'key = itk_{"a1" * 10}\ngh = {GH_TOKEN}\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'a.cfg')
    assert code == 1
    assert out.startswith('a.cfg:1:')
    assert '[extra:internal-token]' in out
    assert 'a.cfg:2' not in out


def test_a_file_over_a_lowered_limit_blocks_unless_the_policy_warns(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  max_file_bytes: 1000\n')
    write(repo / 'big.txt', 'x\n' * 600 + f'{GH_TOKEN}\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'big.txt')
    assert code == 1  # not scanned is not passed
    assert out.splitlines()[0] == (
        'big.txt: not scanned: 1,241 bytes is over credentials.max_file_bytes (1,000) '
        '[file-skipped]'
    )
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n  max_file_bytes: 1000\n'
        'rules:\n  check-credentials:\n    file-skipped: warn\n',
    )
    code, out = run(capsys, 'big.txt')
    assert code == 0
    assert 'big.txt: not scanned: 1,241 bytes' in out


def test_minified_single_line_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = 'var a=1;' * 130_000 + f'var k="{GH_TOKEN}";' + 'b();' * 1000
    write(repo / 'bundle.min.js', line + '\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'bundle.min.js')
    assert code == 1
    assert 'bundle.min.js:1: GitHub' in out


def test_odd_file_names(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = 'we ird\nname "q".py'
    write(repo / name, f't = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, name)
    assert code == 1
    assert out.startswith('"we ird\\012name \\"q\\".py":1:')


def test_deleted_renamed_and_submodule_pass_symlink_target_is_checked(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'old.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')
    git('mv', 'old.py', 'new.py', cwd=repo)
    sub = tmp_path / 'sub'
    sub.mkdir()
    git('init', '-q', cwd=sub)
    git_commit(sub, 'sub')
    git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', str(sub), 'sub', cwd=repo)
    git('add', '.', cwd=repo)
    assert run(capsys, 'new.py', 'sub', '.gitmodules')[0] == 0
    (repo / 'link').symlink_to(GH_TOKEN)  # a link's target is text the commit records
    git('add', 'link', cwd=repo)
    code, out = run(capsys, 'link')
    assert code == 1
    assert out.startswith('link:1: GitHub')


def test_one_nul_byte_does_not_make_a_file_binary(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'nul.py', f'x = 1\nt = "{GH_TOKEN}"\n# \0\n'.encode())
    write(repo / 'late.py', ('x = 1\n' * 2000 + f't = "{GH_TOKEN}"\n\0\n').encode())
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'nul.py', 'late.py')
    assert code == 1
    assert 'late.py:2001: GitHub' in out
    assert 'nul.py:2: GitHub' in out


def test_utf16_files_are_decoded(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / 'u16.txt', f'x = 1\ntoken = "{GH_TOKEN}"\n'.encode('utf-16'))
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'u16.txt')
    assert code == 1
    assert out.startswith('u16.txt:2: GitHub')


def test_a_line_added_to_a_huge_file_is_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  max_file_bytes: 1000\n')
    write(repo / 'data.csv', 'a,b,c\n' * 1000)
    git('add', '.', cwd=repo)
    git_commit(repo, 'data')
    with open(repo / 'data.csv', 'a') as f:
        f.write(f'aws,{AWS_ID},x\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'data.csv')
    assert code == 1
    assert out.startswith('data.csv:1001: AWS')


def test_the_baseline_itself_is_scanned(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        repo / '.secrets.baseline',
        json.dumps({'results': {}, 'note': f'token = "{GH_TOKEN}"'}) + '\n',
    )
    git('add', '.', cwd=repo)
    code, out = run(capsys, '.secrets.baseline')
    assert code == 1
    assert out.startswith('.secrets.baseline:1: GitHub')


def test_message_mode(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text(f'Deploy fix\n\nused key {AWS_ID} to test\n')
    code, out = run(capsys, str(msg))
    assert code == 1
    assert out.splitlines()[0] == (
        '<commit message>:3: AWS access key id (AKIA…, 20 chars) [aws-access-key-id]'
    )
    # The commit does not exist yet: nothing to amend, and no baseline for messages.
    assert 'fix: the commit was not made: run `git commit` again' in out
    assert 'amend' not in out and 'commit-warden baseline' not in out
    msg.write_text('Deploy fix\n')
    assert run(capsys, str(msg)) == (0, '')


def test_a_comment_line_git_keeps_is_scanned(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `git commit -m` (and -F) keep '#' lines: git strips comments only from a
    # message it opened in the editor, and the message file does not say which.
    git(
        'commit',
        '-q',
        '--allow-empty',
        '--no-verify',
        '-m',
        'Rotate keys',
        '-m',
        f'# {GH_TOKEN} is the new one',
        cwd=repo,
    )
    assert f'# {GH_TOKEN} is' in git('log', '-1', '--format=%B', cwd=repo).stdout
    msg = repo / '.git' / 'COMMIT_EDITMSG'  # what git handed the commit-msg hook
    code, out = run(capsys, str(msg))
    assert code == 1
    assert out.splitlines()[0] == (
        '<commit message>:3: GitHub personal access token (classic) (ghp_…, 40 chars) '
        '[github-token]'
    )
    # The diff `git commit --verbose` puts below the scissors is the staged change
    # (its removed lines are not being added): not scanned as the message.
    msg.write_text(
        f'Rotate keys\n# Please enter the commit message.\n'
        f'# {"-" * 24} >8 {"-" * 24}\n-TOKEN = "{GH_TOKEN}"\n'
    )
    assert run(capsys, str(msg)) == (0, '')


def test_comment_char_auto_is_not_a_prefix(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # With core.commentChar=auto git picks a comment character per message; the
    # word `auto` is no prefix, so a line starting "automation" is scanned.
    git('config', 'core.commentChar', 'auto', cwd=repo)
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text(f'Rotate keys\n\nautomation token {GH_TOKEN}\n')
    code, out = run(capsys, str(msg))
    assert code == 1
    assert out.splitlines()[0] == (
        '<commit message>:3: GitHub personal access token (classic) (ghp_…, 40 chars) '
        '[github-token]'
    )
    msg.write_text('Rotate keys\n\nautomation token rotated\n')
    assert run(capsys, str(msg)) == (0, '')


def test_message_scanning_can_be_turned_off(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  scan_messages: false\n')
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text(f'key {AWS_ID}\n')
    assert run(capsys, str(msg)) == (0, '')


def _add_then_delete(repo: Path) -> tuple[str, str, str]:
    base = git_commit(repo, 'base')
    write(repo / 'notify.sh', f'curl -H "Authorization: Bearer {SLACK}" https://slack.com/api\n')
    git('add', '.', cwd=repo)
    first = git_commit(repo, 'add notifier')
    (repo / 'notify.sh').unlink()
    git('add', '-A', cwd=repo)
    second = git_commit(repo, 'remove notifier')
    return base, first, second


def test_range_catches_a_secret_added_then_deleted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, first, second = _add_then_delete(repo)
    code, out = run(capsys, '--from', base, '--to', second)
    assert code == 1
    assert out.splitlines()[0] == (
        f'notify.sh:1: (commit {first[:12]}) Slack bot token (xoxb…, '
        f'{len(SLACK)} chars) [slack-bot-token]'
    )
    # The second run comes from the cache and says the same.
    assert run(capsys, '--from', base, '--to', second) == (code, out)
    assert run(capsys, '--from', first, '--to', second) == (0, '')


def test_range_scans_messages_and_env_vars(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = git_commit(repo, 'base')
    bad = git_commit(repo, f'debug with {STRIPE}')
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', base)
    monkeypatch.setenv('PRE_COMMIT_TO_REF', bad)
    code, out = run(capsys)
    assert code == 1
    assert out.startswith(f'<commit message>:1: (commit {bad[:12]}) Stripe')


def test_range_corrupt_cache_is_rebuilt(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, _, second = _add_then_delete(repo)
    assert run(capsys, '--from', base, '--to', second)[0] == 1
    cache = repo / '.git' / 'commit-warden' / CACHE_NAME
    cache.write_text('{"key": "x", "commits": [')
    assert run(capsys, '--from', base, '--to', second)[0] == 1
    data = json.loads(cache.read_text())
    data['data'] = {c: [] for c in data['data']}  # tampered, but with the old key
    data['key'] = 'forged'
    cache.write_text(json.dumps(data))
    assert run(capsys, '--from', base, '--to', second)[0] == 1


def test_first_push_without_from_ref(
    repo: Path, remote: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_then_delete(repo)
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    monkeypatch.setenv('PRE_COMMIT_REMOTE_BRANCH', 'refs/heads/main')
    monkeypatch.setenv('PRE_COMMIT_LOCAL_BRANCH', 'refs/heads/main')
    assert run(capsys)[0] == 1


def test_baseline_accepts_known_findings_without_line_numbers(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hooks import cli

    write(repo / 'conf.py', f'KEY = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    assert cli.main(['baseline']) == 0
    out = capsys.readouterr().out
    # commit-warden's entry, and detect-secrets' own two (its GitHub plugin hashes the
    # prefix alone; its entropy plugin the whole string) so its hook accepts the file.
    assert out.startswith('.secrets.baseline: 3 known findings recorded (3 new')
    baseline = json.loads((repo / '.secrets.baseline').read_text())
    entries = baseline['results']['conf.py']
    assert sorted(e['type'] for e in entries) == [
        'Base64 High Entropy String',
        'GitHub Token',
        'GitHub Token',
    ]
    assert not any('line_number' in e for e in entries)
    assert GH_TOKEN not in (repo / '.secrets.baseline').read_text()
    assert run(capsys, 'conf.py') == (0, '')
    # Moving the line does not change the baseline, or the verdict.
    write(repo / 'conf.py', f'# moved\n\nKEY = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    before = (repo / '.secrets.baseline').read_text()
    assert cli.main(['baseline']) == 0
    assert (repo / '.secrets.baseline').read_text() == before
    assert run(capsys, 'conf.py')[0] == 0


def test_detect_secrets_baseline_is_honoured(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import hashlib

    write(repo / 'conf.py', f'KEY = "{GH_TOKEN}"\n')
    write(
        repo / '.secrets.baseline',
        json.dumps(
            {
                'version': '1.5.0',
                'plugins_used': [],
                'filters_used': [],
                'results': {
                    'conf.py': [
                        {
                            'type': 'GitHub Token',
                            'filename': 'conf.py',
                            'is_verified': False,
                            'line_number': 7,
                            'hashed_secret': hashlib.sha1(GH_TOKEN.encode()).hexdigest(),  # noqa: S324
                        }
                    ]
                },
            }
        ),
    )
    git('add', '.', cwd=repo)
    assert run(capsys, 'conf.py') == (0, '')


def test_malformed_baseline_is_a_clear_error(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / '.secrets.baseline', '{"results": [1, 2]')
    write(repo / 'a.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'a.py')
    assert code == 2
    assert '.secrets.baseline: not a secrets baseline' in out


def test_policy_ref_reads_the_trusted_baseline(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hooks import cli

    base = git_commit(repo, 'base')
    git('checkout', '-q', '-b', 'pr', cwd=repo)
    write(repo / 'conf.py', f'KEY = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    assert cli.main(['baseline']) == 0  # the PR accepts its own secret...
    git('add', '.', cwd=repo)
    head = git_commit(repo, 'sneaky')
    capsys.readouterr()
    assert run(capsys, '--from', base, '--to', head)[0] == 0
    # ...but under the target's policy its baseline does not count.
    assert run(capsys, '--from', base, '--to', head, '--policy-ref', base)[0] == 1


def test_not_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, 'x.py')
    assert code == 2
    assert 'not inside a git repository' in out


def test_no_secret_value_in_any_output(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plant every kind of secret, run every output format, read every byte written."""
    write(repo / 'all.py', ''.join(f'v{i} = "{s}"\n' for i, s in enumerate(SECRETS)))
    write(repo / '.env', f'AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n')
    git('add', '.', cwd=repo)
    base = git_commit(repo, f'msg {SLACK}')
    texts = []
    for fmt in ('text', 'json', 'sarif'):
        out_file = tmp_path / f'r.{fmt}'
        assert main(['--format', fmt, '--output', str(out_file), 'all.py', '.env']) == 1
        texts.append(out_file.read_text())
        assert main(['--format', fmt, 'all.py', '.env']) == 1
        assert main(['--format', fmt, '--from', f'{base}~0', '--to', base]) == 0
    git_commit(repo, f'again {STRIPE}')
    assert main(['--format', 'sarif', '--from', base, '--to', 'HEAD']) == 1
    out, err = capsys.readouterr()
    texts += [out, err]
    for path in (repo / '.git' / 'commit-warden').iterdir():
        texts.append(path.read_text())
    assert len(texts) >= 6
    blob = '\n'.join(texts)
    assert 'github-token' in blob and 'aws-secret-access-key' in blob
    for secret in SECRETS:
        assert secret not in blob
        assert secret[4:] not in blob


# --- end to end, through the real pre-commit framework -----------------------------


def _commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ('git', 'commit', '-q', '--no-gpg-sign', *args),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # through the real pre-commit framework
def test_end_to_end_pre_commit_commit_msg_pre_push_and_manual(
    repo: Path, remote: Path, pre_commit: Callable[..., None]
) -> None:
    pre_commit('  - id: check-credentials\n', hook_types=('pre-commit', 'commit-msg', 'pre-push'))
    git('add', '.', cwd=repo)
    assert _commit(repo, '-m', 'pre-commit config').returncode == 0

    # pre-commit: a staged GitHub token.
    write(repo / 'src' / 'client.py', f'import os\nTOKEN = "{GH_TOKEN}"\n')
    git('add', '.', cwd=repo)
    proc = _commit(repo, '-m', 'add client')
    assert proc.returncode == 1
    assert 'src/client.py:2: GitHub personal access token' in proc.stdout + proc.stderr
    assert GH_TOKEN not in proc.stdout + proc.stderr
    write(repo / 'src' / 'client.py', 'import os\nTOKEN = os.environ["GITHUB_TOKEN"]\n')
    git('add', '.', cwd=repo)
    assert _commit(repo, '-m', 'add client').returncode == 0

    # commit-msg: an AWS key in the message.
    proc = _commit(repo, '--allow-empty', '-m', f'rotate {AWS_ID}')
    assert proc.returncode == 1
    assert '<commit message>:1: AWS access key id' in proc.stdout + proc.stderr
    assert _commit(repo, '--allow-empty', '-m', 'rotate the AWS key').returncode == 0
    proc = _commit(repo, '--allow-empty', '-m', 'rotate', '-m', f'# {AWS_ID}')
    assert proc.returncode == 1  # git keeps '#' lines of `-m` messages
    assert '<commit message>:3: AWS access key id' in proc.stdout + proc.stderr
    git('push', '-q', 'origin', 'main', cwd=repo)

    # pre-push: a Slack token added in one commit and deleted in the next.
    write(repo / 'notify.sh', f'curl -H "Authorization: Bearer {SLACK}" x\n')
    git('add', '.', cwd=repo)
    first = git_commit(repo, 'add notifier')
    (repo / 'notify.sh').unlink()
    git('add', '-A', cwd=repo)
    git_commit(repo, 'remove notifier')
    proc = subprocess.run(
        ('git', 'push', 'origin', 'main'), cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0
    assert f'notify.sh:1: (commit {first[:12]}) Slack' in proc.stdout + proc.stderr

    # The CI form: pre-commit run --hook-stage manual with a range.
    exe = Path(__import__('sys').executable).parent / 'pre-commit'
    manual = (
        str(exe),
        'run',
        '--hook-stage',
        'manual',
        'check-credentials',
        '--from-ref',
        'origin/main',
        '--to-ref',
        'HEAD',
    )
    proc = subprocess.run(manual, cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert f'(commit {first[:12]}) Slack' in proc.stdout

    # Allowlisted in the commit that adds it: the push passes.
    git('reset', '-q', '--hard', 'origin/main', cwd=repo)
    write(
        repo / 'notify.sh',
        f'curl -H "Authorization: Bearer {SLACK}" x  # pragma: allowlist secret\n',
    )
    git('add', '.', cwd=repo)
    git_commit(repo, 'add notifier (test token)')
    proc = subprocess.run(manual, cwd=repo, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    proc = subprocess.run(
        ('git', 'push', '-q', 'origin', 'main'),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow  # over 1 MB, on every core
def test_big_scans_use_every_core_and_find_the_same(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    filler = ''.join(f'value_{i} = compute({i}, "{i * 7919 % 10007}")\n' for i in range(9000))
    names = []
    for n in range(6):
        write(repo / f'mod{n}.py', filler + (f'TOKEN = "{GH_TOKEN}"\n' if n == 3 else ''))
        names.append(f'mod{n}.py')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')  # committed: the files are read whole, > 1 MB in all
    assert sum((repo / n).stat().st_size for n in names) > PARALLEL_BYTES
    code, out = run(capsys, '--format', 'json', *names)
    assert code == 1
    found = json.loads(out[: out.rindex('}') + 1])['findings']
    assert [(f['path'], f['line'], f['rule']) for f in found] == [('mod3.py', 9001, 'github-token')]


def test_merge_message_is_checked_during_a_merge(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / '.git' / 'MERGE_MSG').write_text(f"Merge branch 'x'\n\nkey {AWS_ID}\n")
    msg = repo / '.git' / 'COMMIT_EDITMSG'
    msg.write_text('Merge branch x\n')
    code, out = run(capsys, str(msg))
    assert code == 1
    assert out.startswith('<commit message>:3: AWS access key id')


def test_real_binary_content_is_judged_by_its_printable_runs(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Binary content: a known token format in a printable run is found, as `strings`
    # would show it; generic keyword rules do not judge machine data.
    png = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 8
    write(repo / 'logo.png', png + GH_TOKEN.encode() + b'\n')
    write(repo / 'logo.txt', png + GH_TOKEN.encode() + b'\n')  # by content, whatever the name
    password = b'password = "Zx8Qw2Lp9Rt4Vb6N"\n'  # a generic finding in a text file
    write(repo / 'clean.png', png + password)
    write(repo / 'app.py', password)
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'logo.png', 'logo.txt', 'clean.png', 'app.py')
    assert code == 1
    # Line numbers count the newline bytes before the run, as an editor shows them.
    assert [line.split(' (')[0] for line in out.splitlines() if line[:1] not in ' f'] == [
        'app.py:1: Hard-coded password',
        'logo.png:11: GitHub personal access token',
        'logo.txt:11: GitHub personal access token',
    ]


def test_cache_with_the_right_key_but_a_wrong_shape_is_rescanned(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _, second = _add_then_delete(repo)
    assert run(capsys, '--from', base, '--to', second)[0] == 1
    cache = repo / '.git' / 'commit-warden' / CACHE_NAME
    data = json.loads(cache.read_text())
    for hits in data['data'].values():
        for h in hits:
            h['path'], h['preview'] = 1, None
    cache.write_text(json.dumps(data))
    code, out = run(capsys, '--from', base, '--to', second)
    assert code == 1
    assert out.startswith('notify.sh:1:')


def test_a_slow_user_pattern_cannot_hang_a_commit(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # (a|aa)*b backtracks exponentially in Python's re on a line of a's; user
    # patterns run on the regex module, with a time bound.
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n  extra_patterns: {x: "(a|aa)*b"}\n'
        '  allowed_patterns: ["(a|aa)*c"]\n',
    )
    write(repo / 'a.txt', 'a' * 45 + '\n' + 'a' * 3000 + 'b\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'a.txt')
    assert code == 1
    assert 'a.txt:2: Prohibited pattern' in out


def test_a_pattern_out_of_time_stops_with_where_and_which(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hooks import userregex

    monkeypatch.setattr(userregex, 'TIMEOUT', 1e-9)
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n  extra_patterns: {slow: "[a-z]*[0-9]*[a-z]*Q"}\n',
    )
    write(repo / 'a.txt', 'x\n' + 'ab1' * 5000 + '\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'a.txt')
    assert code == 2
    assert (
        "a.txt:1: credentials.extra_patterns.slow: the pattern '[a-z]*[0-9]*[a-z]*Q' "
        'took too long; simplify it (nothing was checked)'
    ) in out
    assert 'ab1ab1' not in out
