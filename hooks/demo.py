"""commit-warden demo: each hook blocks a bad commit and passes the fixed one.

It makes a throw-away repository, installs the hooks of this installed package
through the real pre-commit framework (`repo: local`, so nothing is downloaded),
and walks through a leaked credential, an unsigned change, an undocumented
hotfix, and `commit-warden ci` catching a `--no-verify` commit. It exits 0 only
if every step behaved as expected.
"""

from __future__ import annotations

import argparse
import random
import shlex
import shutil
import string
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from hooks.gitproc import no_git_env

PROG = 'commit-warden demo'
HOOK_MODULES = {
    'check-credentials': 'hooks.credentials',
    'check-signatures': 'hooks.signatures',
    'check-hotfixes': 'hooks.hotfixes',
    'check-warden-config': 'hooks.check_config',
}


@dataclass
class Demo:
    root: Path
    verbose: bool
    env: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    steps: int = 0

    @property
    def repo(self) -> Path:
        return self.root / 'repo'

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            cmd,
            cwd=self.repo,
            env=self.env,
            capture_output=True,
            text=True,
            errors='replace',
            check=False,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f'demo setup failed: {shlex.join(cmd)}\n{proc.stdout}{proc.stderr}')
        return proc

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run('git', *args, check=check)

    def write(self, rel: str, text: str) -> None:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def expect(
        self,
        title: str,
        proc: subprocess.CompletedProcess[str],
        *,
        blocked: bool,
        says: Sequence[str] = (),
    ) -> None:
        """Show one step and check it went as it should."""
        self.steps += 1
        out = proc.stdout + proc.stderr
        ok = (proc.returncode != 0) == blocked and all(s in out for s in says)
        verdict = ('BLOCKED' if proc.returncode else 'passed') + ('' if ok else '  <-- UNEXPECTED')
        print(f'  {"✔" if ok else "✘"} {title}: {verdict}')
        shown = _interesting(out) if (blocked or not ok or self.verbose) else []
        for line in shown:
            print(f'      {line}')
        if not ok:
            missing = [s for s in says if s not in out]
            self.failures.append(
                f'{title}: expected {"a block" if blocked else "a pass"}'
                + (f' saying {missing}' if missing else '')
            )


def _interesting(out: str) -> list[str]:
    """The lines of pre-commit's output a person reads: the hook's own findings."""
    keep = []
    for line in out.splitlines():
        s = line.rstrip()
        if not s or s.startswith(('- hook id:', '- exit code:', '- files were modified')):
            continue
        if s.endswith(('Passed', 'Skipped', 'Failed')) and '....' in s:
            continue
        keep.append(s)
    return keep[:8]


def _fake_token(prefix: str, n: int) -> str:
    # Made up at run time: the demo never ships a string that looks like a credential.
    alphabet = string.ascii_letters + string.digits
    return prefix + ''.join(random.SystemRandom().choice(alphabet) for _ in range(n))


def _config_yaml(python: str) -> str:
    hooks = []
    for hook_id, module in HOOK_MODULES.items():
        entry = f'{shlex.quote(python)} -m {module}'
        extra = {
            'check-credentials': '        stages: [pre-commit, commit-msg, pre-push, manual]\n'
            '        always_run: true\n        require_serial: true\n',
            'check-signatures': '        stages: [pre-commit, commit-msg, pre-push, manual]\n'
            '        always_run: true\n        require_serial: true\n',
            'check-hotfixes': '        stages: [commit-msg, pre-push, manual]\n'
            '        always_run: true\n        require_serial: true\n',
            'check-warden-config': '        files: ^\\.commit-warden\\.ya?ml$\n',
        }[hook_id]
        hooks.append(
            f'      - id: {hook_id}\n        name: {hook_id}\n'
            f'        entry: {entry}\n        language: system\n{extra}'
        )
    return (
        'default_install_hook_types: [pre-commit, commit-msg, pre-push]\n'
        'repos:\n  - repo: local\n    hooks:\n' + ''.join(hooks)
    )


def setup(d: Demo) -> None:
    home = d.root / 'home'
    home.mkdir()
    d.env = no_git_env()
    for var in ('PRE_COMMIT_HOME', 'COMMIT_WARDEN_CONFIG', 'SKIP'):
        d.env.pop(var, None)
    d.env.update(
        {
            'HOME': str(home),
            'GIT_CONFIG_NOSYSTEM': '1',
            'GIT_CONFIG_GLOBAL': str(home / '.gitconfig'),
            'PRE_COMMIT_HOME': str(d.root / 'pre-commit-cache'),
            'GIT_AUTHOR_NAME': 'Dana Demo',
            'GIT_AUTHOR_EMAIL': 'dana@example.com',
            'GIT_COMMITTER_NAME': 'Dana Demo',
            'GIT_COMMITTER_EMAIL': 'dana@example.com',
            'NO_COLOR': '1',
        }
    )
    d.repo.mkdir()
    d.git('-c', 'init.defaultBranch=main', 'init', '-q')
    key = home / 'id_demo'
    subprocess.run(
        ('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'dana@example.com', '-f', str(key)),
        env=d.env,
        check=True,
        capture_output=True,
    )
    pub = (home / 'id_demo.pub').read_text().split()
    d.write('.github/allowed_signers', f'dana@example.com {pub[0]} {pub[1]}\n')
    d.write(
        '.commit-warden.yaml',
        textwrap.dedent("""\
        version: 1
        signatures:
          require: signature
          allowed_signers: .github/allowed_signers
        hotfixes:
          mainline: main
        """),
    )
    d.write('.pre-commit-config.yaml', _config_yaml(sys.executable))
    d.write('README.md', '# demo service\n')
    _first_commit(d, key)
    d.run(sys.executable, '-m', 'pre_commit', 'install')


def _first_commit(d: Demo, key: Path) -> None:
    """The repository's settings and first commit, written with GitPython (config
    file, index, objects) rather than a dozen git calls: the demo is the one place
    that builds a repository from scratch, and it is never on a hook's path
    (GitPython takes ~70 ms to import; the hooks call git directly)."""
    import git

    repo = git.Repo(d.repo)
    with repo.config_writer() as config:
        for section, option, value in (
            ('user', 'name', 'Dana Demo'),
            ('user', 'email', 'dana@example.com'),
            ('gpg', 'format', 'ssh'),
            ('user', 'signingkey', str(key)),
            ('commit', 'gpgsign', 'true'),
            ('gpg "ssh"', 'allowedSignersFile', str(d.repo / '.github/allowed_signers')),
        ):
            config.set_value(section, option, value)
    repo.index.add(
        ['.github/allowed_signers', '.commit-warden.yaml', '.pre-commit-config.yaml', 'README.md']
    )
    dana = git.Actor('Dana Demo', 'dana@example.com')
    repo.index.commit('Start the demo service', author=dana, committer=dana)
    repo.close()


def step_credentials(d: Demo) -> None:
    print('\n1. A credential in a commit')
    token = _fake_token('ghp_', 36)
    d.write('src/client.py', f'import os\n\nGITHUB_TOKEN = "{token}"\n')
    d.git('add', '-A')
    d.expect(
        'commit a GitHub token',
        d.git('commit', '-m', 'Add API client', check=False),
        blocked=True,
        says=['src/client.py:3: GitHub', 'ghp_…, 40 chars'],
    )
    d.write('src/client.py', 'import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n')
    d.git('add', '-A')
    d.expect(
        'commit it read from the environment instead',
        d.git('commit', '-m', 'Add API client', check=False),
        blocked=False,
    )
    aws = 'AKIA' + ''.join(
        random.SystemRandom().choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16)
    )
    d.expect(
        'a key pasted into the commit message',
        d.git('commit', '--allow-empty', '-m', f'Rotate {aws}', check=False),
        blocked=True,
        says=['<commit message>:1: AWS access key id'],
    )
    d.expect(
        'the message without it',
        d.git('commit', '--allow-empty', '-m', 'Rotate the AWS key', check=False),
        blocked=False,
    )


def step_signatures(d: Demo) -> None:
    print('\n2. An unsigned change')
    d.git('config', 'commit.gpgsign', 'false')
    d.write('src/app.py', 'print("hello")\n')
    d.git('add', '-A')
    d.expect(
        'commit with signing switched off',
        d.git('commit', '-m', 'Add app', check=False),
        blocked=True,
        says=['git config commit.gpgsign true'],
    )
    d.git('config', 'commit.gpgsign', 'true')
    d.expect('commit with signing on', d.git('commit', '-m', 'Add app', check=False), blocked=False)


def step_hotfixes(d: Demo) -> None:
    print('\n3. An undocumented production hotfix')
    d.git('switch', '-q', '-c', 'hotfix/INC-42')
    d.write('src/app.py', 'print("hello")\nPOOL_SIZE = 50\n')
    d.git('add', '-A')
    d.expect(
        'hotfix with no ticket and no record',
        d.git('commit', '-m', 'hotfix: raise the pool size', check=False),
        blocked=True,
        says=['commit-warden hotfix new'],
    )
    d.run(
        sys.executable,
        '-m',
        'hooks.cli',
        'hotfix',
        'new',
        'INC-42',
        '--summary',
        'Raised the DB pool size from 20 to 50',
    )
    record = d.repo / 'docs/hotfixes/INC-42.md'
    text = record.read_text()
    fill = {
        'root_cause': 'traffic peak exhausted the pool',
        'rollback': 'git revert the hotfix commit',
        'approved_by': 'oncall-lead',
    }
    lines = []
    for line in text.splitlines():
        key = line.split(':', 1)[0]
        lines.append(f'{key}: {fill[key]}' if key in fill else line)
    record.write_text('\n'.join(lines) + '\n')
    d.git('add', '-A')
    d.expect(
        'hotfix with INC-42 and a complete record',
        d.git('commit', '-m', 'hotfix: INC-42 raise the pool size', check=False),
        blocked=False,
    )
    d.git('switch', '-q', 'main')


def step_ci(d: Demo) -> None:
    print('\n4. CI catches what --no-verify let through')
    d.git('switch', '-q', '-c', 'feature/report')
    token = _fake_token('ghp_', 36)
    d.write('report.py', f'TOKEN = "{token}"\n')
    d.git('add', '-A')
    d.git('commit', '-q', '--no-verify', '-m', 'Add report')
    d.write('report.py', 'TOKEN = None\n')
    d.git('commit', '-q', '-a', '--no-verify', '-m', 'Remove token')
    d.expect(
        'commit-warden ci --base main',
        d.run(sys.executable, '-m', 'hooks.cli', 'ci', '--base', 'main', check=False),
        blocked=True,
        says=['report.py:1:', 'GitHub'],
    )
    d.git('switch', '-q', 'main')
    d.expect(
        'commit-warden ci on a clean branch',
        d.run(sys.executable, '-m', 'hooks.cli', 'ci', '--base', 'main~2', check=False),
        blocked=False,
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n', 1)[0])
    parser.add_argument(
        '--keep', action='store_true', help='keep the throw-away repository and print where it is'
    )
    parser.add_argument('--verbose', action='store_true', help='show every hook output')
    args = parser.parse_args(argv)
    for tool in ('git', 'ssh-keygen'):
        if shutil.which(tool) is None:
            print(f'{PROG}: needs {tool} on PATH', file=sys.stderr)
            return 2
    root = Path(tempfile.mkdtemp(prefix='commit-warden-demo-'))
    d = Demo(root, args.verbose)
    try:
        print(f'{PROG}: a throw-away repository in {d.repo}, hooks installed with pre-commit')
        setup(d)
        for step in (step_credentials, step_signatures, step_hotfixes, step_ci):
            step(d)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        print(f'{PROG}: {e}', file=sys.stderr)
        d.failures.append(str(e).split('\n', 1)[0])
    finally:
        if args.keep:
            print(f'\nkept: {d.repo}')
        else:
            shutil.rmtree(root, ignore_errors=True)
    if d.failures:
        print(f'\n{PROG}: {len(d.failures)} step(s) did not behave as expected:')
        for f in d.failures:
            print(f'  - {f}')
        return 1
    print(f'\n{PROG}: all {d.steps} steps behaved as expected')
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
