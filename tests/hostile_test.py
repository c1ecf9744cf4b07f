"""Hostile input: what a careless user or an attacker can feed the hooks, and the
one clear outcome each must have.

File names, policies, file contents, repository and git states, CI variables and
events, outputs and hotfix records: each case ends blocked with the right rule,
passed where that is right, or in an error that names the fix (exit 2); never a
traceback, a hang, an internal error, a full secret or a silent pass. Every run
goes through `sane`, and conftest.py checks after each test that no planted
secret (tests/planted.py) left the process: not in the output, a report under
`out/`, an audit line or a cache file.

The quick loop (`-m 'not slow'`) keeps one or two cases of each family (the first
ones unless a harder one is named); `.ci/run` runs them all.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from hooks import cli
from hooks.audit import main as audit_main
from hooks.check_config import main as check_config
from hooks.ci import main as ci_main
from hooks.credentials import main as check_credentials
from hooks.hotfixes import main as check_hotfixes
from hooks.hotfixes.commands import hotfix_main
from hooks.signatures import main as check_signatures
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import slow_after
from tests.conftest import write
from tests.planted import GITHUB
from tests.planted import IN_TEXT
from tests.planted import PLANTED
from tests.planted import TOKENS
from tests.planted import leaked

BIN = Path(sys.executable).parent
RULE_OF = {
    'github': 'github-token',
    'aws-id': 'aws-access-key-id',
    'slack': 'slack-bot-token',
    'stripe': 'stripe-secret-key',
    'gitlab': 'gitlab-pat',
    'password': 'sql-password',
    'mysql': 'command-line-password',
    'url-password': 'url-credentials',
}


class Run(NamedTuple):
    code: int
    out: str  # stdout and stderr together, as a user sees them

    @property
    def lines(self) -> list[str]:
        return re.split(r'\r\n|\r|\n', self.out)


def sane(run: Run, *, commands: bool = False) -> Run:
    """What every outcome must be: no traceback or internal error, no planted
    secret in full, and (unless GitHub annotations were asked for) no line a CI
    runner would take for a command."""
    assert run.code in (0, 1, 2), run.out
    assert 'Traceback' not in run.out and 'internal error' not in run.out, run.out
    assert not leaked(run.out), run.out
    if not commands:
        bad = [line for line in run.lines if line.lstrip().startswith('::') or '##[' in line]
        assert not bad, bad
    return run


def call(
    capsys: pytest.CaptureFixture[str],
    main: Callable[[list[str]], int],
    *argv: str,
    commands: bool = False,
) -> Run:
    code = main(list(argv))
    captured = capsys.readouterr()
    return sane(Run(code, captured.out + captured.err), commands=commands)


def process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
) -> Run:
    """A console script in its own process (what pre-commit runs); its output is
    printed so that conftest's leak check sees it too."""
    proc = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=cwd,
        capture_output=stdout is not None,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=120,
    )
    out = (proc.stdout or b'') + (proc.stderr or b'')
    text = out.decode('utf-8', 'backslashreplace')
    print(text)
    return sane(Run(proc.returncode, text))


def stage(repo: Path, name: str | bytes, text: str | bytes) -> None:
    path = repo / os.fsdecode(name)
    write(path, text)
    # Literal: a name such as `::error::x.py` would otherwise be a pathspec's magic.
    git('--literal-pathspecs', 'add', '--', os.fsdecode(name), cwd=repo)


def policy(repo: Path, text: str) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\n' + text)


def blocked_by(run: Run, rule: str) -> None:
    assert run.code == 1, run.out
    assert f'[{rule}' in run.out, run.out


def error(run: Run, *words: str) -> None:
    assert run.code == 2, run.out
    for w in words:
        assert w in run.out, run.out


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """Where a test's reports go: conftest checks every file here for planted secrets."""
    path = tmp_path / 'out'
    path.mkdir()
    return path


@pytest.fixture
def committed(repo: Path) -> Path:
    write(repo / 'README.md', 'hello\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'initial')
    return repo


# --- file names: nothing pre-commit passes is ever an option -----------------------

OPTION_NAMES = [
    '--help',
    '-h',
    '--from=HEAD',
    '--to=HEAD',
    '--config=evil.yaml',
    '--output=stolen.txt',
    '--format=json',
    '--policy-ref=HEAD',
    '--version',
    '--',
    '-',
    '-rf.py',
    '-v',
    '--no-cache',
    '--from',
    '--config',
]
ODD_NAMES = [
    'a b.py',
    'tab\there.py',
    'new\nline.py',
    'quote".py',
    "apos'.py",
    'back\\slash.py',
    '::error::x.py',
    '::stop-commands::t.py',
    '##[group]x.py',
    '%0A::error::x.py',
    'u\u0308ml\u00e4ut.py',
    '\u202eyp.exe',
    '$(touch PWNED).py',
    '`touch PWNED`.py',
    ';touch PWNED.py',
    '*.py',
    '[ab].py',
    '?.py',
    'dir/--help',
    'x' * 200 + '.py',
    ' leading.py',
    'trailing.py ',
    '\u2028line.py',
]


@pytest.mark.parametrize('separator', [True, False], ids=['manifest', 'own-args'])
@pytest.mark.parametrize(
    'name', [*slow_after(1, OPTION_NAMES), *slow_after(('new\nline.py',), ODD_NAMES)]
)
def test_a_file_name_is_checked_as_a_file(repo: Path, capsys, name: str, separator: bool) -> None:
    stage(repo, name, f'TOKEN = "{GITHUB}"\n')
    argv = (['--'] if separator else []) + [name]
    run = call(capsys, check_credentials, *argv)
    blocked_by(run, 'github-token')
    assert not (repo / 'PWNED').exists() and not (repo / 'stolen.txt').exists()


def test_a_file_named_like_an_option_cannot_take_the_teams_policy(repo: Path, capsys) -> None:
    # The team's args name their policy; an attacker's file is called --config.
    write(repo / 'ci' / 'warden.yaml', 'version: 1\ncredentials:\n  exclude: ["*.txt"]\n')
    stage(repo, '--config', 'nothing to see\n')
    stage(repo, 'notes.txt', f'token {GITHUB}\n')
    run = call(
        capsys, check_credentials, '--config', 'ci/warden.yaml', '--', '--config', 'notes.txt'
    )
    assert run.code == 0, run.out  # the team's exclude applied: their policy was read


def test_a_non_utf8_file_name_is_checked(repo: Path, capsys) -> None:
    name = b'caf\xe9-\xff.py'
    (repo / os.fsdecode(name)).write_text(f'TOKEN = "{GITHUB}"\n')
    git('add', '-A', cwd=repo)
    run = call(capsys, check_credentials, '--', os.fsdecode(name))
    blocked_by(run, 'github-token')
    assert '\\351' in run.out or '\\xe9' in run.out  # shown escaped, as git does


@pytest.mark.parametrize('name', slow_after(1, ['--help', '--from=HEAD', '-h', '--']))
@pytest.mark.parametrize('hook', ['signatures', 'hotfixes'])
def test_other_hooks_never_take_a_file_name_for_an_option(
    committed: Path, capsys, hook: str, name: str
) -> None:
    stage(committed, name, 'x\n')
    if hook == 'signatures':
        # The set-up check runs (and blocks: nothing will sign) instead of --help.
        run = call(capsys, check_signatures, '--', name)
        blocked_by(run, 'signing-key')
        assert 'will not pass check-signatures' in run.out
    else:
        # Not a hotfix: it passes, after judging, with nothing printed (no usage text).
        run = call(capsys, check_hotfixes, '--', name)
        assert (run.code, run.out) == (0, ''), run.out


@pytest.mark.slow
def test_a_file_named_help_is_checked_through_pre_commit(pre_commit, repo: Path) -> None:
    """What pre-commit.ci runs: `pre-commit run --all-files` passes `--help` and
    `--from=HEAD` as file names."""
    pre_commit('  - id: check-credentials\n')
    for name in ('--help', '--from=HEAD'):
        stage(repo, name, f'TOKEN = "{GITHUB}"\n')
    run = process(['pre-commit', 'run', '--all-files'], cwd=repo)
    assert run.code == 1, run.out
    assert '--help:1: GitHub' in run.out and '--from=HEAD:1: GitHub' in run.out, run.out


# --- the policy ----------------------------------------------------------------------

DEEP = [
    ('flow list', 'credentials:\n  exclude: ' + '[' * 200 + ']' * 200 + '\n'),
    ('flow map', 'report: ' + '{a: ' * 200 + '1' + '}' * 200 + '\n'),
    (
        'dash list',
        'credentials:\n  exclude:\n' + ''.join(' ' * (2 * i + 4) + '-\n' for i in range(60)),
    ),
    ('block map', 'hotfixes:\n' + ''.join(' ' * (i + 2) + f'k{i}:\n' for i in range(60))),
]


@pytest.mark.parametrize(
    ('what', 'text'), slow_after(1, DEEP, several=True), ids=[d[0] for d in DEEP]
)
def test_a_deeply_nested_policy_is_an_error(repo: Path, capsys, what: str, text: str) -> None:
    policy(repo, text)
    error(call(capsys, check_credentials), 'nested more than 32 levels')


def test_a_huge_policy_is_an_error_before_it_is_parsed(repo: Path, capsys) -> None:
    policy(repo, 'credentials:\n  exclude: [' + ', '.join(['"x"'] * 30000) + ']\n')
    error(call(capsys, check_credentials), 'reads at most 65,536')


@pytest.mark.parametrize(
    ('text', 'says'),
    slow_after(
        2,
        [
            ('a: &a [*a]\n', 'anchors and aliases'),
            ('a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', 'anchors and aliases'),
            ('credentials: !!python/object/apply:os.system ["touch PWNED"]\n', 'is not allowed'),
            ('hotfixes: !!binary aGVsbG8=\n', 'is not allowed'),
            ('credentials:\n  exclude: ["a"\n', 'not valid YAML'),
            ('\tcredentials: {}\n', 'not valid YAML'),
        ],
        several=True,
    ),
)
def test_unsafe_or_broken_yaml_is_an_error(repo: Path, capsys, text: str, says: str) -> None:
    policy(repo, text)
    error(call(capsys, check_credentials), says)
    assert not (repo / 'PWNED').exists()


@pytest.mark.parametrize(
    ('data', 'says'),
    slow_after(
        2,
        [
            (b'version: 1\nhotfixes:\n  mainline: caf\xe9\n', 'not UTF-8'),
            (b'', 'the file is empty'),
            (b'- a\n- b\n', 'expected a mapping of sections'),
            (b'version: 2\n', 'upgrade commit-warden'),
            (b'version: 1\nversion: 1\n', 'duplicate key'),
            (
                b'version: 1\nchecks:\n  check-credentails: off\n',
                "did you mean 'check-credentials'",
            ),
            (
                b'version: 1\nrules:\n  check-credentials:\n    github-tokn: off\n',
                "did you mean 'github-token'",
            ),
        ],
        several=True,
    ),
)
def test_a_policy_error_names_the_fix(repo: Path, capsys, data: bytes, says: str) -> None:
    write(repo / '.commit-warden.yaml', data)
    error(call(capsys, check_credentials), '.commit-warden.yaml', says)


@pytest.mark.parametrize('kind', slow_after(1, [*TOKENS, 'bare']))
def test_a_credential_pasted_as_a_policy_key_is_not_echoed(repo: Path, capsys, kind: str) -> None:
    policy(repo, f'credentials:\n  {PLANTED[kind]}: 1\n')
    run = call(capsys, cli.main, 'config')
    error(run, 'unknown key')
    write(repo / '.commit-warden.yaml', f'version: 1\n{PLANTED[kind]}: 1\n')
    git('add', '.commit-warden.yaml', cwd=repo)
    blocked_by(call(capsys, check_config, '--', '.commit-warden.yaml'), 'invalid-config')


@pytest.mark.parametrize('kind', slow_after(1, [*TOKENS, 'bare']))
def test_a_credential_pasted_as_a_policy_value_is_not_echoed(repo: Path, capsys, kind: str) -> None:
    # As a valid value (printed back by `commit-warden config`: a credential the
    # engine knows is masked; a bare string is a value like any other), and as an
    # invalid one (quoted back in the error: masked either way).
    if kind != 'bare':
        policy(repo, f'hotfixes:\n  mainline: "{PLANTED[kind]}"\n')
        run = call(capsys, cli.main, 'config')
        assert run.code == 0
    policy(repo, f'credentials:\n  max_file_bytes: "{PLANTED[kind]}"\n')
    error(call(capsys, cli.main, 'config'), 'expected an integer >= 1')


def test_a_policy_that_is_a_symlink_out_of_the_repository_is_refused(
    repo: Path, tmp_path: Path, capsys
) -> None:
    outside = write(tmp_path / 'elsewhere.txt', f'root:x:0:0:{GITHUB}\n')
    (repo / '.commit-warden.yaml').symlink_to(outside)
    run = call(capsys, check_credentials)
    error(run, 'resolves outside the repository')
    assert 'root:x' not in run.out


@pytest.mark.parametrize('kind', slow_after(1, ['directory', 'fifo', 'dangling']))
def test_a_policy_name_that_is_not_a_file_is_an_error_not_the_defaults(
    repo: Path, capsys, kind: str
) -> None:
    path = repo / '.commit-warden.yaml'
    if kind == 'directory':
        path.mkdir()
    elif kind == 'fifo':
        os.mkfifo(path)
    else:
        path.symlink_to(repo / 'missing.yaml')
    stage(repo, 'a.py', 'x = 1\n')
    run = call(capsys, check_credentials)
    assert run.code == 2, run.out
    assert '.commit-warden.yaml' in run.out


@pytest.mark.parametrize('target', slow_after(1, ['device', 'fifo', 'dir', 'missing']))
def test_a_named_policy_that_is_not_a_regular_file_is_an_error(
    repo: Path, tmp_path: Path, capsys, target: str
) -> None:
    path = {
        'fifo': tmp_path / 'fifo',
        'dir': tmp_path,
        'missing': tmp_path / 'nope.yaml',
        'device': tmp_path,
    }[target]
    if target == 'fifo':
        os.mkfifo(path)
    if target == 'device':  # a terminal (reading /dev/zero would never end)
        _, slave = os.openpty()
        path = Path(f'/proc/self/fd/{slave}')
    for how in ('option', 'env'):
        if how == 'env':
            os.environ['COMMIT_WARDEN_CONFIG'] = str(path)
            run = call(capsys, check_credentials)
            del os.environ['COMMIT_WARDEN_CONFIG']
        else:
            run = call(capsys, check_credentials, '--config', str(path))
        error(run, str(path))


@pytest.mark.parametrize(
    'value',
    slow_after(
        1,
        [
            '{tmp}/audit.jsonl',
            '../audit.jsonl',
            '.git/../../audit.jsonl',
            '{tmp}/home/.bashrc',
            'logs/../../audit.jsonl',
        ],
    ),
)
def test_the_audit_log_cannot_be_pointed_outside(
    repo: Path, tmp_path: Path, capsys, value: str
) -> None:
    # (Outside the repository, but inside the test's own directory: a hook that got
    # this wrong must not write to the machine's real ~/.bashrc.)
    value = value.format(tmp=tmp_path)
    policy(repo, f'report:\n  audit_log: "{value}"\n')
    error(
        call(capsys, check_credentials), 'report.audit_log', 'expected a path inside the repository'
    )
    assert not list(tmp_path.glob('**/audit.jsonl')) and not list(tmp_path.glob('**/.bashrc'))


@pytest.mark.parametrize(
    'kind', slow_after(1, ['symlinked-dir', 'symlink-file', 'fifo', 'directory'])
)
def test_an_audit_log_that_cannot_be_written_safely_is_a_warning(
    repo: Path, tmp_path: Path, capsys, monkeypatch, kind: str
) -> None:
    outside = tmp_path / 'outside'
    outside.mkdir()
    rc = write(outside / '.bashrc', '# rc\n')
    target = repo / 'logs' / 'audit.jsonl'
    target.parent.mkdir()
    if kind == 'symlinked-dir':
        target.parent.rmdir()
        target.parent.symlink_to(outside)
        policy(repo, 'report:\n  audit_log: logs/.bashrc\n')
    else:
        policy(repo, 'report:\n  audit_log: logs/audit.jsonl\n')
        if kind == 'symlink-file':
            target.symlink_to(rc)
        elif kind == 'fifo':
            os.mkfifo(target)
        else:
            target.mkdir()
    git('switch', '-q', '-c', 'x$(touch${IFS}PWNED)', cwd=repo)
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    run = call(capsys, check_credentials)
    blocked_by(run, 'github-token')  # the verdict stands
    assert 'warning' in run.out and 'audit log' in run.out, run.out
    assert rc.read_text() == '# rc\n'


@pytest.mark.parametrize(
    'key',
    slow_after(
        1,
        [
            'credentials.baseline',
            'signatures.allowed_signers',
            'signatures.revoked_signers',
            'signatures.openpgp_keys',
        ],
    ),
)
@pytest.mark.parametrize('kind', ['symlink-out', 'fifo', 'dotdot'])
def test_a_policy_file_path_cannot_leave_the_repository(
    committed: Path, tmp_path: Path, capsys, key: str, kind: str
) -> None:
    repo = committed
    section, name = key.split('.')
    outside = write(tmp_path / 'outside' / 'file', 'x\n')
    if kind == 'dotdot':
        value = '../outside/file'
    else:
        value = 'trust/file'
        (repo / 'trust').mkdir()
        if kind == 'symlink-out':
            (repo / 'trust' / 'file').symlink_to(outside)
        else:
            os.mkfifo(repo / 'trust' / 'file')
    policy(repo, f'{section}:\n  {name}: {value}\n')
    hook = check_credentials if section == 'credentials' else check_signatures
    stage(repo, 'a.py', 'x = 1\n')
    argv = ['--from', 'HEAD~0', '--to', 'HEAD'] if section == 'signatures' else []
    git_commit(repo, 'second')
    if section == 'signatures':
        argv = ['--from', 'HEAD~1', '--to', 'HEAD']
    else:
        stage(repo, 'b.py', f'TOKEN = "{GITHUB}"\n')
    run = call(capsys, hook, *argv)
    words = {
        'dotdot': 'expected a path inside the repository',
        'symlink-out': 'resolves outside the repository',
        'fifo': 'not a regular file',
    }[kind]
    error(run, key, words)


@pytest.mark.parametrize('kind', ['dotdot', 'symlink-out'])
def test_hotfix_new_cannot_write_outside(
    committed: Path, tmp_path: Path, capsys, kind: str
) -> None:
    outside = tmp_path / 'outside'
    outside.mkdir()
    if kind == 'dotdot':
        policy(committed, 'hotfixes:\n  record_dir: ../outside\n')
        says = 'expected a path inside the repository'
    else:
        (committed / 'docs').mkdir()
        (committed / 'docs' / 'hotfixes').symlink_to(outside)
        says = 'resolves outside the repository'
    error(call(capsys, hotfix_main, 'new', 'INC-9'), says)
    assert not list(outside.iterdir())


GLOBS = [
    '**/' * 40 + 'x',
    '*a' * 40 + 'b',
    '**' * 60 + 'x',
    '[ab]*' * 40 + 'c',
    '*/' * 60 + '**',
    '?' * 200 + '*',
]


@pytest.mark.parametrize('glob', slow_after(1, GLOBS))
def test_a_pathological_glob_finishes(repo: Path, capsys, glob: str) -> None:
    # gitignore-style: these match nothing here; a backtracking matcher never finished.
    policy(
        repo, f'credentials:\n  exclude: ["{glob}"]\nhotfixes:\n  production_paths: ["{glob}"]\n'
    )
    name = 'a/' * 30 + 'a' * 100 + '.py'
    stage(repo, name, f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials, '--', name), 'github-token')


@pytest.mark.parametrize(
    'key',
    ['credentials.extra_patterns', 'credentials.allowed_patterns', 'hotfixes.ticket_patterns'],
)
@pytest.mark.parametrize(
    'pattern', slow_after(1, ['(a+)+$', '(a|a?)+$', '(.*a){20}$', '((ab)*)*c'])
)
def test_an_exponential_pattern_is_refused_at_load(
    repo: Path, capsys, key: str, pattern: str
) -> None:
    section, name = key.split('.')
    value = f'{{slow: "{pattern}"}}' if name == 'extra_patterns' else f'["{pattern}"]'
    policy(repo, f'{section}:\n  {name}: {value}\n')
    error(call(capsys, cli.main, 'config'), 'nests unbounded repeats')


@pytest.mark.parametrize('limit', ['call', 'run'])
@pytest.mark.parametrize('key', slow_after(1, ['extra_patterns', 'ticket_patterns']))
def test_a_slow_pattern_is_stopped_and_named(
    repo: Path, capsys, monkeypatch, limit: str, key: str
) -> None:
    from hooks import userregex

    if limit == 'call':
        monkeypatch.setattr(userregex, 'TIMEOUT', 0.01)
    else:
        monkeypatch.setattr(userregex, 'RUN_BUDGET', 0.0)
    pattern = 'a.*a.*a.*a.*a.*b'
    line = 'a' * 3000 + '\n'
    if key == 'extra_patterns':
        policy(repo, f'credentials:\n  extra_patterns: {{slow: "{pattern}"}}\n')
        stage(repo, 'big.txt', line * 5)
        run = call(capsys, check_credentials)
    else:
        policy(repo, f'hotfixes:\n  ticket_patterns: ["{pattern}"]\n')
        git('switch', '-q', '-c', 'hotfix/x', cwd=repo)
        msg = repo / '.git' / 'COMMIT_EDITMSG'
        msg.write_text('hotfix: ' + line)
        run = call(capsys, check_hotfixes, str(msg))
    error(run, f"the pattern '{pattern}'")
    assert ('took too long' if limit == 'call' else 'used up') in run.out


# --- file content ----------------------------------------------------------------------


@pytest.mark.parametrize('kind', slow_after(1, list(IN_TEXT)))
@pytest.mark.parametrize('where', ['file', 'message'])
def test_each_kind_of_secret_is_blocked(repo: Path, capsys, kind: str, where: str) -> None:
    if where == 'file':
        stage(repo, 'notes.txt', IN_TEXT[kind] + '\n')
        run = call(capsys, check_credentials, '--', 'notes.txt')
    else:
        msg = write(repo / '.git' / 'COMMIT_EDITMSG', f'deploy\n\n{IN_TEXT[kind]}\n')
        run = call(capsys, check_credentials, '--', str(msg))
    blocked_by(run, RULE_OF[kind])


SHAPES = {
    'after a NUL byte': b'\x00' + f'TOKEN = "{GITHUB}"\n'.encode(),
    'UTF-16 with BOM': b'\xff\xfe' + f'TOKEN = "{GITHUB}"\r\n'.encode('utf-16-le'),
    'CRLF': f'a = 1\r\nTOKEN = "{GITHUB}"\r\n'.encode(),
    'UTF-8 BOM': b'\xef\xbb\xbf' + f'TOKEN = "{GITHUB}"\n'.encode(),
    'invalid UTF-8 around it': b'\xff\xfe\xfd ' + f'TOKEN = "{GITHUB}" \xff\n'.encode('latin-1'),
    'end of a 100 KB line': (f'var a="{"x" * 100_000}";var t="{GITHUB}";\n').encode(),
    'line 20,000': ('x = 1\n' * 19_999 + f'TOKEN = "{GITHUB}"\n').encode(),
    'pragma inside the string': f't = "{GITHUB} # pragma: allowlist secret"\n'.encode(),
    "pragma in another language's string": f"t = '{GITHUB} -- pragma: allowlist secret'\n".encode(),
    'CR only line ends': f'a = 1\rTOKEN = "{GITHUB}"\r'.encode(),
    'form feed and vertical tab': f'\x0c\x0bTOKEN = "{GITHUB}"\n'.encode(),
    'zero-width space before it': f'TOKEN = \u200b"{GITHUB}"\n'.encode(),
    'inside JSON': json.dumps({'auth': {'token': GITHUB}}).encode(),
    'inside a YAML block scalar': f'token: |\n  {GITHUB}\n'.encode(),
}


@pytest.mark.parametrize('shape', slow_after(1, list(SHAPES)))
def test_a_secret_in_an_odd_shape_is_still_blocked(repo: Path, capsys, shape: str) -> None:
    data = SHAPES[shape]
    name = 'conf.yaml' if 'YAML' in shape else 'conf.json' if 'JSON' in shape else 'app.py'
    stage(repo, name, data)
    blocked_by(call(capsys, check_credentials, '--', name), 'github-token')


@pytest.mark.parametrize(
    ('text', 'name'),
    slow_after(
        2,
        [
            (f't = "{GITHUB}"  # pragma: allowlist secret\n', 'app.py'),
            (f'# pragma: allowlist nextline secret\nt = "{GITHUB}"\n', 'app.py'),
            (f'const t = "{GITHUB}"; // pragma: allowlist secret\n', 'app.js'),
            ('', 'empty.py'),
            ('x = 1\n' * 1000, 'plain.py'),
            (f'{GITHUB[:20]}\n{GITHUB[20:]}\n', 'split.txt'),
            ('password: <your password here>\n', 'conf.yaml'),
            ('password = os.environ["DB_PASSWORD"]\n', 'db.py'),
        ],
        several=True,
    ),
)
def test_what_is_not_a_secret_passes(repo: Path, capsys, text: str, name: str) -> None:
    stage(repo, name, text)
    run = call(capsys, check_credentials, '--', name)
    assert (run.code, run.out) == (0, ''), run.out


def test_a_file_named_after_a_secret_is_named_masked(repo: Path, capsys) -> None:
    name = f'{GITHUB}.py'
    stage(repo, name, f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials, '--', name), 'github-token')


def test_a_file_over_the_size_limit_is_reported_never_passed_silently(repo: Path, capsys) -> None:
    policy(repo, 'credentials:\n  max_file_bytes: 1000\n')
    stage(repo, 'big.txt', ('x' * 99 + '\n') * 20)
    blocked_by(call(capsys, check_credentials, '--', 'big.txt'), 'file-skipped')


@pytest.mark.parametrize(
    'setting',
    slow_after(
        1,
        [
            ('diff.external', 'true'),
            ('diff.noprefix', 'true'),
            ('color.ui', 'always'),
            ('diff.mnemonicPrefix', 'true'),
            ('diff.relative', 'true'),
            ('core.quotePath', 'false'),
            ('diff.renames', 'copies'),
            ('diff.context', '0'),
            ('diff.orderFile', '/dev/null'),
            ('diff.suppressBlankEmpty', 'true'),
            ('diff.ignoreSubmodules', 'all'),
        ],
    ),
)
def test_repository_git_config_cannot_hide_a_change(repo: Path, capsys, setting) -> None:
    git('config', *setting, cwd=repo)
    stage(repo, 'sub/app.py', f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials, '--', 'sub/app.py'), 'github-token')


@pytest.mark.parametrize(
    'attributes',
    slow_after(1, ['* -diff', '* binary', '* diff=hide\n', '*.py -text', '* filter=lfs -diff']),
)
def test_gitattributes_cannot_hide_a_change(repo: Path, capsys, attributes: str) -> None:
    git('config', 'diff.hide.textconv', 'true', cwd=repo)
    stage(repo, '.gitattributes', attributes + '\n')
    stage(repo, 'app.py', f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials), 'github-token')


def test_a_symlink_whose_target_is_a_secret_is_blocked(repo: Path, capsys) -> None:
    (repo / 'link').symlink_to(f'/tmp/{GITHUB}')
    git('add', 'link', cwd=repo)
    blocked_by(call(capsys, check_credentials, '--', 'link'), 'github-token')


# --- repository and git states -----------------------------------------------------------


@pytest.mark.parametrize('where', slow_after(1, ['nowhere', 'bare', 'git-dir']))
@pytest.mark.parametrize('hook', ['credentials', 'signatures', 'hotfixes', 'config', 'ci', 'audit'])
def test_no_work_tree_is_an_error_saying_what_it_is(
    tmp_path: Path, monkeypatch, capsys, where: str, hook: str
) -> None:
    path = tmp_path / 'r'
    if where == 'nowhere':
        path.mkdir()
        says = 'is not inside a git repository'
    elif where == 'bare':
        git('init', '-q', '--bare', str(path), cwd=tmp_path)
        says = 'is a bare repository'
    else:
        git('init', '-q', str(path), cwd=tmp_path)
        path = path / '.git'
        says = 'is inside a .git directory'
    monkeypatch.chdir(path)
    main = {
        'credentials': check_credentials,
        'signatures': check_signatures,
        'hotfixes': check_hotfixes,
        'config': check_config,
        'ci': lambda a: ci_main(['--base', 'main']),
        'audit': audit_main,
    }[hook]
    error(call(capsys, main), says)


def test_a_file_outside_the_repository_is_named_as_such(repo: Path, tmp_path: Path, capsys) -> None:
    outside = write(tmp_path / 'elsewhere.py', 'x = 1\n')
    run = call(capsys, check_credentials, '--', str(outside))
    error(run, 'outside the repository')
    assert '--policy-ref' not in run.out


def test_unborn_branch(repo: Path, capsys) -> None:
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials), 'github-token')
    assert call(capsys, check_signatures, '--from', 'HEAD', '--to', 'HEAD').code == 2


def test_detached_head(committed: Path, capsys) -> None:
    git('checkout', '-q', '--detach', cwd=committed)
    msg = write(committed / '.git' / 'COMMIT_EDITMSG', 'hotfix: quick one\n')
    blocked_by(call(capsys, check_hotfixes, str(msg)), 'missing-ticket')


def test_a_merge_message_is_scanned(committed: Path, capsys) -> None:
    write(committed / '.git' / 'MERGE_MSG', f'Merge x\n\n{IN_TEXT["github"]}\n')
    msg = write(committed / '.git' / 'COMMIT_EDITMSG', 'merge\n')
    blocked_by(call(capsys, check_credentials, str(msg)), 'github-token')


def test_sha256_repository(tmp_path: Path, monkeypatch, capsys) -> None:
    path = tmp_path / 'r'
    git('init', '-q', '--object-format=sha256', str(path), cwd=tmp_path)
    monkeypatch.chdir(path)
    stage(path, 'a.py', f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials), 'github-token')
    git_commit(path, 'one')
    blocked_by(
        call(capsys, check_credentials, '--from', 'HEAD~0', '--to', 'HEAD')
        if False
        else call(capsys, check_credentials, '--from', '0' * 64, '--to', 'HEAD'),
        'github-token',
    )


def test_a_linked_worktree(committed: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    wt = tmp_path / 'wt'
    git('worktree', 'add', '-q', str(wt), cwd=committed)
    monkeypatch.chdir(wt)
    stage(wt, 'a.py', f'TOKEN = "{GITHUB}"\n')
    blocked_by(call(capsys, check_credentials), 'github-token')
    assert (committed / '.git' / 'commit-warden' / 'audit.jsonl').is_file()


def _range_repo(repo: Path) -> tuple[str, str]:
    base = git_commit(repo, 'base')
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    git_commit(repo, 'add')
    (repo / 'a.py').unlink()
    git('add', '-A', cwd=repo)
    return base, git_commit(repo, 'remove')


@pytest.mark.parametrize(
    'cache',
    slow_after(
        1,
        [
            b'{',
            b'[]',
            b'null',
            b'{"version": 3, "key": 1, "data": []}',
            b'\xff\xfe',
            b'{"version": 3, "key": "x", "data": {"c": [{"path": 1}]}}',
            'dir',
            'fifo-free',
        ],
    ),
)
def test_a_corrupt_range_cache_is_rebuilt(repo: Path, capsys, cache) -> None:
    base, head = _range_repo(repo)
    path = repo / '.git' / 'commit-warden' / 'credentials-cache.json'
    path.parent.mkdir(parents=True, exist_ok=True)
    if cache == 'dir':
        path.mkdir()
    elif cache == 'fifo-free':
        blocked_by(call(capsys, check_credentials, '--from', base, '--to', head), 'github-token')
        data = json.loads(path.read_text())
        for hits in data['data'].values():
            for h in hits:
                h['line'] = 'one'  # right key, wrong shape
        path.write_text(json.dumps(data))
    else:
        path.write_bytes(cache)
    blocked_by(call(capsys, check_credentials, '--from', base, '--to', head), 'github-token')


def test_the_cache_keeps_no_unsalted_hash(repo: Path, capsys) -> None:
    import hashlib

    base, head = _range_repo(repo)
    blocked_by(call(capsys, check_credentials, '--from', base, '--to', head), 'github-token')
    cache = (repo / '.git' / 'commit-warden' / 'credentials-cache.json').read_text()
    assert hashlib.sha1(GITHUB.encode()).hexdigest() not in cache  # noqa: S324
    assert '"baseline_key"' in cache
    # and the baseline still matches a cached hit: a warm re-run honours it
    write(
        repo / '.secrets.baseline',
        json.dumps(
            {
                'results': {
                    'a.py': [
                        {
                            'type': 'GitHub Token',
                            'hashed_secret': hashlib.sha1(  # noqa: S324
                                GITHUB.encode()
                            ).hexdigest(),
                        }
                    ]
                }
            }
        ),
    )
    run = call(capsys, check_credentials, '--from', base, '--to', head)
    assert run.code == 0, run.out


def test_a_replaced_commit_is_judged_as_stored(repo: Path, capsys) -> None:
    base, head = _range_repo(repo)
    added = git('rev-parse', 'HEAD~1', cwd=repo).stdout.strip()
    clean = git(
        'commit-tree', '-p', base, '-m', 'clean', f'{base}^{{tree}}', cwd=repo
    ).stdout.strip()
    git('replace', added, clean, cwd=repo)
    blocked_by(call(capsys, check_credentials, '--from', base, '--to', head), 'github-token')


@pytest.mark.parametrize(
    'ref',
    slow_after(
        1,
        [
            '--all',
            '-n1',
            '--output=/tmp/x',
            GITHUB,
            '::error::x',
            'x\n::error::y',
            'HEAD@{999}',
            'a..b..c',
            '',
        ],
    ),
)
@pytest.mark.parametrize('var', ['PRE_COMMIT_FROM_REF', 'PRE_COMMIT_TO_REF'])
def test_pre_commit_range_variables_are_refs_never_options(
    committed: Path, capsys, monkeypatch, var: str, ref: str
) -> None:
    other = 'PRE_COMMIT_TO_REF' if var == 'PRE_COMMIT_FROM_REF' else 'PRE_COMMIT_FROM_REF'
    monkeypatch.setenv(var, ref)
    monkeypatch.setenv(other, 'HEAD')
    for main in (check_credentials, check_signatures, check_hotfixes):
        run = call(capsys, main)
        if ref:
            error(run, 'does not name a commit')
        else:
            assert run.code in (0, 1)


# --- CI variables and events --------------------------------------------------------------


@pytest.fixture
def pr(committed: Path) -> Path:
    """origin/main, and a pull request branch that adds a token."""
    git('update-ref', 'refs/remotes/origin/main', 'HEAD', cwd=committed)
    git('switch', '-q', '-c', 'feature', cwd=committed)
    stage(committed, 'app.py', f'TOKEN = "{GITHUB}"\n')
    git_commit(committed, 'add app')
    return committed


@pytest.mark.parametrize(
    'value',
    slow_after(
        1,
        [
            '::error::pwned',
            'x\n::error::pwned',
            'x\r::warning::w',
            '##[group]x',
            '--all',
            '-n1',
            GITHUB,
            f'x/{PLANTED["slack"]}',
            'main\u2028::error::x',
            '%0A::error::x',
        ],
    ),
)
@pytest.mark.parametrize(
    'var', ['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_DIFF_BASE_SHA', 'CI_COMMIT_BEFORE_SHA']
)
def test_a_hostile_ci_variable_is_an_error_never_a_command(
    pr: Path, capsys, monkeypatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    if var == 'GITHUB_BASE_REF':
        monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    run = call(capsys, ci_main)
    # A ref that names nothing here: judged against the default branch, or an error.
    assert run.code in (1, 2), run.out
    if run.code == 1:
        blocked_by(run, 'github-token')


@pytest.mark.parametrize(
    'event',
    slow_after(
        1,
        [
            b'',
            b'{',
            b'[]',
            b'"x"',
            b'{"before": 5}',
            b'{"before": "--output=/tmp/x"}',
            b'{"pull_request": {"head": {"sha": ["x"]}}}',
            b'[' * 100_000 + b']' * 100_000,
            'missing',
            'fifo-free',
        ],
    ),
)
def test_a_hostile_event_file_is_ignored_or_an_error(
    pr: Path, tmp_path: Path, capsys, monkeypatch, event
) -> None:
    path = tmp_path / 'event.json'
    if event == 'fifo-free':
        path.mkdir()
    elif event != 'missing':
        path.write_bytes(event)
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('GITHUB_EVENT_PATH', str(path))
    monkeypatch.setenv('GITHUB_BASE_REF', 'main')
    blocked_by(call(capsys, ci_main), 'github-token')


@pytest.mark.parametrize(
    'summary', slow_after(1, ['directory', '/dev/full', 'missing-dir', 'symlink-loop'])
)
def test_an_unwritable_step_summary_is_a_warning_and_the_verdict_stands(
    pr: Path, tmp_path: Path, capsys, monkeypatch, summary: str
) -> None:
    path = {
        'directory': str(tmp_path),
        '/dev/full': '/dev/full',
        'missing-dir': str(tmp_path / 'no' / 'such' / 'file.md'),
        'symlink-loop': str(tmp_path / 'loop'),
    }[summary]
    if summary == 'symlink-loop':
        os.symlink(path, path)
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', path)
    run = call(capsys, ci_main, '--base', 'origin/main')
    blocked_by(run, 'github-token')
    assert 'warning: could not write the step summary' in run.out


@pytest.mark.parametrize(
    'var',
    slow_after(
        ('GITHUB_HEAD_REF', 'PRE_COMMIT_LOCAL_BRANCH'),
        [
            'GITHUB_HEAD_REF',
            'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
            'PRE_COMMIT_LOCAL_BRANCH',
            'PRE_COMMIT_REMOTE_BRANCH',
        ],
    ),
)
@pytest.mark.parametrize('kind', slow_after(1, ['github', 'slack', 'gitlab']))
def test_a_branch_variable_holding_a_secret_is_never_repeated(
    pr: Path, capsys, monkeypatch, out: Path, var: str, kind: str
) -> None:
    monkeypatch.setenv(var, f'hotfix/{PLANTED[kind]}')
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(out / 'summary.md'))
    if var.startswith('PRE_COMMIT'):
        monkeypatch.setenv('PRE_COMMIT_FROM_REF', 'origin/main')
        monkeypatch.setenv('PRE_COMMIT_TO_REF', 'HEAD')
        run = call(capsys, check_hotfixes, '--format', 'json', '--output', str(out / 'r.json'))
    else:
        run = call(
            capsys,
            ci_main,
            '--base',
            'origin/main',
            '--format',
            'sarif',
            '--output',
            str(out / 'r.sarif'),
            '--format',
            'text',
        )
    assert run.code == 1, run.out


# --- outputs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    'target',
    slow_after(
        ('symlink-to-file', 'directory', 'fifo-no-reader', 'terminal'),
        [
            'symlink-to-file',
            'dangling-symlink',
            'directory',
            'fifo-no-reader',
            'new-dir',
            'terminal',
            'fifo-reader',
        ],
    ),
)
def test_output_paths_of_every_kind(repo: Path, tmp_path: Path, capsys, target: str) -> None:
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    victim = write(tmp_path / 'victim.txt', 'keep me\n')
    path = tmp_path / 'report.json'
    if target == 'symlink-to-file':
        path.symlink_to(victim)
    elif target == 'dangling-symlink':
        path.symlink_to(tmp_path / 'nowhere' / 'x')
    elif target == 'directory':
        path.mkdir()
    elif target.startswith('fifo'):
        os.mkfifo(path)
    elif target == 'new-dir':
        path = tmp_path / 'out' / 'a' / 'b' / 'report.json'
    else:
        # A character device: a terminal's (not /dev/null, which a writer that replaces
        # what it finds would turn into a regular file for the whole machine).
        # Named through /proc/self/fd, as /dev/stdout is: a symlink to the device.
        terminal, slave = os.openpty()
        path = Path(f'/proc/self/fd/{slave}')
    reader = None
    if target == 'fifo-reader':
        # A reader that is there before the writer; the pipe holds the small report.
        reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    run = call(capsys, check_credentials, '--format', 'json', '--output', str(path))
    if target in ('new-dir', 'terminal', 'fifo-reader'):
        assert run.code == 1, run.out
        if target == 'terminal':
            got = os.read(terminal, 1 << 16)
            assert stat.S_ISCHR(path.stat().st_mode)  # still the terminal
            os.close(terminal)
            os.close(slave)
            assert b'"blocked": true' in got
        if reader is not None:
            got = os.read(reader, 1 << 20)
            os.close(reader)
            assert json.loads(got)['blocked'] is True
            assert stat.S_ISFIFO(path.lstat().st_mode)  # still a FIFO
        if target == 'new-dir':
            assert json.loads(path.read_text())['blocked'] is True
    else:
        error(run, 'cannot write the report')
    assert victim.read_text() == 'keep me\n'


@pytest.mark.parametrize('encoding', slow_after(1, ['ascii', 'latin-1', 'cp1252', 'utf-8']))
def test_a_finding_prints_on_any_stdout_encoding(repo: Path, encoding: str) -> None:
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    name = os.fsdecode(b'b\xff.py')
    (repo / name).write_text(f'TOKEN = "{GITHUB}"\n')
    git('add', '-A', cwd=repo)
    run = process(['check-credentials'], cwd=repo, env={'PYTHONIOENCODING': encoding})
    blocked_by(run, 'github-token')
    assert ('ghp_...' if encoding == 'ascii' else 'ghp_') in run.out


@pytest.mark.parametrize('encoding', slow_after(1, ['ascii', 'latin-1']))
@pytest.mark.parametrize('fmt', ['text', 'github', 'json'])
def test_a_stream_that_cannot_encode_the_mask_gets_plain_text(
    repo: Path, monkeypatch, encoding: str, fmt: str
) -> None:
    # In-process, as the console scripts run (they crashed with UnicodeEncodeError on
    # the mask's `…`, exit 3, after the verdict).
    import io

    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n')
    (repo / os.fsdecode(b'b\xff.py')).write_text(f'TOKEN = "{GITHUB}"\n')
    git('add', '-A', cwd=repo)
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, 'stdout', io.TextIOWrapper(out, encoding=encoding))
    monkeypatch.setattr(sys, 'stderr', io.TextIOWrapper(err, encoding=encoding))
    code = check_credentials(['--format', fmt])
    sys.stdout.flush()
    sys.stderr.flush()
    text = (out.getvalue() + err.getvalue()).decode(encoding)
    print(text)
    sane(Run(code, text), commands=fmt == 'github')
    assert code == 1, text
    assert ('"rule": "github-token"' if fmt == 'json' else '[github-token]') in text, text
    assert 'ghp_' in text


@pytest.mark.slow  # a console script in a shell pipeline
def test_a_closed_pipe_is_no_traceback(repo: Path) -> None:
    stage(repo, 'a.py', f'TOKEN = "{GITHUB}"\n' * 200)
    proc = subprocess.run(  # noqa: S602
        f'{BIN / "check-credentials"} | head -c 10',
        shell=True,
        cwd=repo,
        capture_output=True,
        check=False,
    )
    assert b'Traceback' not in proc.stderr, proc.stderr


AUDIT_LINES = [
    '{"hook": "x", "outcome": "blocked", "rules": "many"}',
    '{"hook": "x", "outcome": "blocked", "rules": {"a": "1"}}',
    '{"hook": "x", "outcome": "blocked", "rules": {"a": true}}',
    '{"hook": "x", "outcome": "pass", "mode": "range", "blocked_commits": {"c": 5}}',
    '{"hook": "x", "outcome": "pass", "mode": "range", "blocked_commits": [1]}',
    '{"hook": "x", "outcome": "pass", "warned_commits": {"c": [1, 2]}}',
    '{"hook": "x", "outcome": "pass", "warned": {"a": 1.5}}',
    '{"hook": 5, "outcome": "pass"}',
    '{"hook": "x", "outcome": null}',
    '{"hook": "x", "outcome": "pass", "mode": ["range"]}',
    '[1, 2]',
    '42',
    '"a string"',
    '{torn',
    '[' * 10_000 + ']' * 10_000,
    '\x00\xff garbage',
]


@pytest.mark.parametrize('line', slow_after(1, AUDIT_LINES))
@pytest.mark.parametrize('fmt', ['text', 'json'])
def test_hand_edited_audit_lines_are_skipped_and_counted(
    committed: Path, capsys, line: str, fmt: str
) -> None:
    log = committed / '.git' / 'commit-warden' / 'audit.jsonl'
    log.parent.mkdir(parents=True, exist_ok=True)
    good = '{"hook": "check-credentials", "outcome": "pass", "mode": "staged", "rules": {}}'
    log.write_text(f'{good}\n{line}\n{good}\n', encoding='utf-8', errors='surrogateescape')
    run = call(capsys, audit_main, '--format', fmt)
    assert run.code == 0, run.out
    if fmt == 'json':
        summary = json.loads(run.out)
        assert (summary['records'], summary['skipped_lines']) == (2, 1)
    else:
        assert ': 2 runs' in run.out and 'skipped 1 line that is' not in run.out
        assert 'skipped 1 line' in run.out


@pytest.mark.parametrize(
    'name',
    slow_after(
        1,
        [
            '::error::x.py',
            'a\r::warning::b.py',
            '##[group]g.py',
            '%0A::error::x.py',
            'x\u2028::error::y.py',
        ],
    ),
)
@pytest.mark.parametrize('fmt', slow_after(2, ['text', 'github', 'json', 'sarif', 'gitlab']))
def test_no_file_name_forms_a_runner_command(repo: Path, capsys, fmt: str, name: str) -> None:
    stage(repo, name, f'TOKEN = "{GITHUB}"\n')
    run = call(capsys, check_credentials, '--format', fmt, '--', name, commands=fmt == 'github')
    assert run.code == 1, run.out
    if fmt == 'github':
        for line in run.lines:
            if line:
                assert re.match(r'::(error|warning|notice) ', line), line


# --- hotfix records ----------------------------------------------------------------------


@pytest.fixture
def hotfix_branch(committed: Path) -> Path:
    git('switch', '-q', '-c', 'hotfix/pool', cwd=committed)
    stage(committed, 'app.cfg', 'pool=50\n')
    return committed


FIELDS = {
    'incident': '"INC-7"',
    'summary': 'raise the pool',
    'root_cause': 'a spike',
    'rollback': 'git revert it',
    'approved_by': 'Bob',
    'backport': 'pending',
}


def record_text(**fields: str) -> str:
    values = {**FIELDS, **fields}
    return '---\n' + ''.join(f'{k}: {v}\n' for k, v in values.items()) + '---\n'


def judge_message(repo: Path, capsys, text: str = 'hotfix: INC-7 raise the pool\n') -> Run:
    msg = write(repo / '.git' / 'COMMIT_EDITMSG', text)
    return call(capsys, check_hotfixes, str(msg))


@pytest.mark.parametrize(
    ('value', 'says'),
    slow_after(
        1,
        [
            ('{}', 'is empty'),
            ('[]', 'is empty'),
            ('["", ""]', 'lists an empty'),
            ('[" ", "TBD"]', 'lists an empty'),
            ('{who: bob}', 'is a mapping, not text'),
            ('true', 'is true, not text'),
            ('null', 'is empty'),
            ('TODO', 'is empty'),
            ('"<who approved>"', 'is empty'),
            ('[["bob"]]', 'lists something that is not text'),
            ('[{a: b}]', 'lists something that is not text'),
            ('"   "', 'is empty'),
        ],
        several=True,
    ),
)
def test_a_record_field_that_says_nothing_is_incomplete(
    hotfix_branch: Path, capsys, value: str, says: str
) -> None:
    stage(hotfix_branch, 'docs/hotfixes/INC-7.md', record_text(approved_by=value))
    run = judge_message(hotfix_branch, capsys)
    blocked_by(run, 'incomplete-record')
    assert f'`approved_by` {says}' in run.out, run.out


@pytest.mark.parametrize(
    'value', slow_after(1, ['["Bob", "Alice"]', '42', 'Bob (on-call lead)', '2026-11-28'])
)
def test_a_record_field_that_says_something_passes(hotfix_branch: Path, capsys, value: str) -> None:
    stage(hotfix_branch, 'docs/hotfixes/INC-7.md', record_text(approved_by=value))
    assert judge_message(hotfix_branch, capsys).code == 0


BROKEN_RECORDS = {
    'huge': '---\nincident: INC-7\nsummary: "' + 'x' * 45_000_000 + '"\n---\n',
    'deep': '---\nincident: INC-7\nsummary: ' + '[' * 5000 + ']' * 5000 + '\n---\n',
    'deep block': '---\nincident: INC-7\nsummary:\n'
    + ''.join(' ' * (2 * i + 2) + '-\n' for i in range(60))
    + '---\n',
    'alias bomb': '---\nincident: INC-7\na: &a ["x", "x"]\nb: [*a, *a]\n---\n',
    'python tag': '---\nincident: !!python/object/apply:os.system ["touch PWNED"]\n---\n',
    'not closed': '---\nincident: INC-7\n',
    'no front matter': '# INC-7\nsummary: x\n',
    'a list': '---\n- INC-7\n---\n',
    'tab indent': '---\nincident: INC-7\n\tsummary: x\n---\n',
}


@pytest.mark.parametrize('kind', slow_after(('alias bomb', 'python tag'), list(BROKEN_RECORDS)))
def test_a_broken_record_is_invalid_record_not_a_crash(
    hotfix_branch: Path, capsys, kind: str
) -> None:
    stage(hotfix_branch, 'docs/hotfixes/INC-7.md', BROKEN_RECORDS[kind])
    run = judge_message(hotfix_branch, capsys)
    blocked_by(run, 'invalid-record')
    assert not (hotfix_branch / 'PWNED').exists()


def test_a_record_not_utf8_or_a_symlink_is_invalid(hotfix_branch: Path, capsys) -> None:
    stage(hotfix_branch, 'docs/hotfixes/INC-7.md', b'---\nincident: INC-7\xff\n---\n')
    blocked_by(judge_message(hotfix_branch, capsys), 'invalid-record')
    (hotfix_branch / 'docs/hotfixes/INC-7.md').unlink()
    (hotfix_branch / 'docs/hotfixes/INC-7.md').symlink_to('/etc/passwd')
    git('add', '-A', cwd=hotfix_branch)
    run = judge_message(hotfix_branch, capsys)
    blocked_by(run, 'invalid-record')
    assert 'root:' not in run.out


@pytest.mark.parametrize('kind', slow_after(1, ['github', 'slack', 'bare']))
def test_a_token_in_a_ticket_url_is_never_repeated(hotfix_branch: Path, capsys, kind: str) -> None:
    url = f'https://tracker.example.org/issues/7?access_token={PLANTED[kind]}'
    run = judge_message(hotfix_branch, capsys, f'hotfix: {url} raise the pool\n')
    blocked_by(run, 'missing-record')
    git_commit(hotfix_branch, f'hotfix: {url} raise the pool')
    git('branch', 'production', 'HEAD~1', cwd=hotfix_branch)
    git('switch', '-q', '-c', 'tmp', 'production', cwd=hotfix_branch)
    git('merge', '-q', '--no-ff', '--no-edit', 'hotfix/pool', cwd=hotfix_branch)
    git('branch', '-f', 'production', 'HEAD', cwd=hotfix_branch)
    run = call(
        capsys, hotfix_main, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert run.code == 1 and 'NOT PORTED' in run.out, run.out


# --- the redaction stays cheap -----------------------------------------------------------


@pytest.mark.parametrize('hook', slow_after(1, ['signatures', 'hotfixes']))
def test_a_blocked_run_redacts_its_output_without_loading_detect_secrets(
    committed: Path, hook: str
) -> None:
    """check-signatures and check-hotfixes never import detect_secrets: what they
    print passes the engine's keyword prefilter, and their own words never reach
    its plugins."""
    git('switch', '-q', '-c', 'hotfix/pool', cwd=committed)
    msg = write(committed / '.git' / 'COMMIT_EDITMSG', 'hotfix: raise the pool size\n')
    argv = [] if hook == 'signatures' else ['--', str(msg)]
    code = (
        f'import sys\nfrom hooks.{hook} import main\ncode = main({argv!r})\n'
        'sys.stdout.flush()\nassert code == 1, code\n'
        'assert "hooks.scan" in sys.modules, "the output was not redacted"\n'
        'assert "detect_secrets" not in sys.modules, "detect_secrets was loaded"\n'
    )
    proc = subprocess.run(
        [sys.executable, '-c', code], cwd=committed, capture_output=True, text=True, check=False
    )
    print(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stderr
