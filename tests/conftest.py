"""Shared fixtures: real git repositories in temp dirs, isolated from the machine's
git config, $HOME and keyring."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Container
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet

ROOT = Path(__file__).resolve().parent.parent


def slow_after(
    keep: int | Container[object], cases: Iterable[Any], *, several: bool = False
) -> list[Any]:
    """A parametrize list with every case but the first `keep` (or but those whose
    value is in `keep`) marked slow: the quick loop (`-m 'not slow'`) runs a
    representative of the family, `.ci/run` runs them all. Ids do not change.
    `several`: the parametrize names several arguments; each case is their tuple,
    and `keep` holds first values."""
    out: list[Any] = []
    for i, case in enumerate(cases):
        values = (
            case.values if isinstance(case, ParameterSet) else tuple(case) if several else (case,)
        )
        if i < keep if isinstance(keep, int) else values[0] in keep:
            out.append(case)
        elif isinstance(case, ParameterSet):
            out.append(pytest.param(*values, marks=(*case.marks, pytest.mark.slow), id=case.id))
        else:
            out.append(pytest.param(*values, marks=pytest.mark.slow))
    return out


def git(
    *args: str, cwd: str | os.PathLike[str], check: bool = True, input: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git in `cwd`; output as text (failures show stderr)."""
    # Never the test process's stdin: under xdist it is the worker's channel, and a
    # git command that reads revisions from stdin (gc's repack) would eat it.
    proc = subprocess.run(
        ('git', *args),
        cwd=cwd,
        capture_output=True,
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        check=False,
    )
    out = subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode('utf-8', 'replace'),
        proc.stderr.decode('utf-8', 'replace'),
    )
    if check and proc.returncode != 0:
        raise AssertionError(f'git {" ".join(args)} failed: {out.stderr}')
    return out


def git_commit(
    cwd: str | os.PathLike[str], msg: str = 'commit', *args: str, sign: bool = False
) -> str:
    """Commit what is staged (allowing empty) and return the new commit id."""
    extra = () if sign else ('--no-gpg-sign',)
    git('commit', '--no-verify', '--allow-empty', '-q', '-m', msg, *extra, *args, cwd=cwd)
    return git('rev-parse', 'HEAD', cwd=cwd).stdout.strip()


def write(path: str | os.PathLike[str], text: str | bytes) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding='utf-8')
    return p


@pytest.fixture(scope='session')
def _homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Fresh, empty directories under one parent: `mktemp` per test lists every
    directory made so far to number the next one, which grows with the session."""
    root = tmp_path_factory.mktemp('home')

    def fresh() -> Iterator[Path]:
        for n in itertools.count():
            path = root / str(n)
            path.mkdir()
            yield path

    return fresh()


@pytest.fixture(autouse=True)
def isolated_env(_homes: Iterator[Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the machine's git config, $HOME, keyring or a hook's GIT_* vars."""
    home = next(_homes)
    for var in list(os.environ):
        if var.startswith(('GIT_', 'PRE_COMMIT_')) or var in (
            'COMMIT_WARDEN_CONFIG',
            'NO_COLOR',
            'SKIP',
            'GITHUB_BASE_REF',
            'GITHUB_STEP_SUMMARY',
            'CI_MERGE_REQUEST_DIFF_BASE_SHA',
        ):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv('HOME', str(home))
    monkeypatch.setenv('XDG_CONFIG_HOME', str(home / '.config'))
    monkeypatch.setenv('GIT_CONFIG_NOSYSTEM', '1')
    monkeypatch.setenv('GIT_CONFIG_GLOBAL', str(home / '.gitconfig'))
    monkeypatch.setenv('GIT_TEMPLATE_DIR', '')
    monkeypatch.setenv('GNUPGHOME', str(home / '.gnupg'))
    monkeypatch.setenv('GIT_AUTHOR_NAME', 'Alice Example')
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'alice@example.com')
    monkeypatch.setenv('GIT_COMMITTER_NAME', 'Alice Example')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'alice@example.com')
    (home / '.gitconfig').write_text(
        '[user]\n\tname = Alice Example\n\temail = alice@example.com\n'
        '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n'
    )
    yield


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh repository (branch main, no commits) that is also the cwd."""
    path = tmp_path / 'repo'
    path.mkdir()
    git('-c', 'init.defaultBranch=main', 'init', '-q', cwd=path)
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def remote(tmp_path: Path, repo: Path) -> Path:
    """A local bare repository added to `repo` as origin."""
    path = tmp_path / 'origin.git'
    git('-c', 'init.defaultBranch=main', 'init', '-q', '--bare', str(path), cwd=tmp_path)
    git('remote', 'add', 'origin', str(path), cwd=repo)
    return path


# --- end-to-end through the real pre-commit framework ----------------------


def _snapshot_checkout(dest: Path) -> str:
    """This checkout as it is now (committed or not), as a repo pre-commit can clone."""
    files = subprocess.run(
        ('git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'),
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b'\0')
    for name in files:
        if not name:
            continue
        src = ROOT / os.fsdecode(name)
        if not src.is_file():
            continue
        target = dest / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    git('-c', 'init.defaultBranch=main', 'init', '-q', cwd=dest)
    git('add', '-A', cwd=dest)
    return commit_as_tester(dest, 'snapshot')


def commit_as_tester(cwd: Path, msg: str) -> str:
    """Commit what is staged under a fixed identity given on the command line (for
    repositories made with the caller's GIT_* variables set aside); the new id."""
    git(
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        'commit',
        '-q',
        '--no-verify',
        '--no-gpg-sign',
        '-m',
        msg,
        cwd=cwd,
    )
    return git('rev-parse', 'HEAD', cwd=cwd).stdout.strip()


@pytest.fixture(scope='session')
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(path, rev) of a snapshot of this checkout, for `repo:` in a pre-commit config."""
    dest = tmp_path_factory.mktemp('hook-repo')
    env_backup = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith('GIT_')}
    try:
        rev = _snapshot_checkout(dest)
    finally:
        os.environ.update(env_backup)
    return dest, rev


@pytest.fixture(scope='session')
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME per session: the hook environment is built once."""
    return tmp_path_factory.mktemp('pre-commit-home')


@pytest.fixture
def pre_commit(
    pre_commit_home: Path, hook_repo: tuple[Path, str], repo: Path, monkeypatch: pytest.MonkeyPatch
):  # type: ignore[no-untyped-def]
    """Install hooks from this checkout into `repo`: call with a hooks YAML list."""
    monkeypatch.setenv('PRE_COMMIT_HOME', str(pre_commit_home))
    exe = Path(sys.executable).parent / 'pre-commit'
    path, rev = hook_repo

    def install(hooks_yaml: str, hook_types: tuple[str, ...] = ('pre-commit',)) -> None:
        write(
            repo / '.pre-commit-config.yaml',
            f'repos:\n- repo: {path}\n  rev: {rev}\n  hooks:\n{hooks_yaml}',
        )
        types: list[str] = []
        for t in hook_types:
            types += ['--hook-type', t]
        proc = subprocess.run(
            (str(exe), 'install', *types), cwd=repo, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        # pre-commit's hook script runs `python -mpre_commit`: make sure it finds ours.
        monkeypatch.setenv('PATH', f'{exe.parent}{os.pathsep}{os.environ["PATH"]}')

    return install


# --- no planted secret leaves the process ------------------------------------------
#
# After every test: nothing it printed (read back with capsys/capfd or not), and no
# file under its tmp_path that commit-warden writes for itself (.git/commit-warden/:
# caches, audit log) or that a test names as an output (anything under `out/`),
# holds a planted secret in full. Planted: tests/planted.py's list, and the test
# module's own secret constants (TOKEN, SECRET, AWS_ID, ...).

_SECRET_NAME = re.compile(r'(?:^|_)(?:TOKEN|SECRETS?|PASSWORD|AWS_ID|AWS_SECRET|SLACK|STRIPE)$')
_read_back: list[str] = []
_readouterr = pytest.CaptureFixture.readouterr


def _recording_readouterr(self: pytest.CaptureFixture[Any]) -> Any:
    result = _readouterr(self)
    _read_back.extend(
        x if isinstance(x, str) else x.decode('utf-8', 'replace') for x in (result.out, result.err)
    )
    return result


pytest.CaptureFixture.readouterr = _recording_readouterr  # type: ignore[method-assign]


def _planted_for(item: pytest.Item) -> dict[str, str]:
    from tests.planted import PLANTED

    found = dict(PLANTED)
    module = getattr(item, 'module', None)
    for name, value in vars(module).items() if module else ():
        if not _SECRET_NAME.search(name):
            continue
        for i, v in enumerate(value if isinstance(value, tuple) else (value,)):
            if isinstance(v, str) and len(v) >= 16:
                found[f'{module.__name__}.{name}[{i}]'] = v
    return found


def written_files(tmp: Path) -> list[Path]:
    """What commit-warden wrote under a test's tmp_path: every state dir's files
    (caches, audit log) and whatever the test named as an output (under `out/`)."""
    out = [p for p in tmp.glob('out/**/*') if p.is_file() and not p.is_symlink()]
    for state in tmp.glob('**/commit-warden'):
        if state.is_dir() and (
            state.parent.name.endswith('.git') or (state.parent / 'HEAD').exists()
        ):
            out += [p for p in state.rglob('*') if p.is_file() and not p.is_symlink()]
    return out


def find_leaks(places: list[tuple[str, str]], planted: dict[str, str]) -> list[str]:
    """'<secret's name> in <place>' for every planted secret a place holds in full."""
    return sorted(
        {
            f'{name} in {where}'
            for where, text in places
            for name, secret in planted.items()
            if secret in text
        }
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when != 'call':
        if report.when == 'setup':
            _read_back.clear()
        return
    planted = _planted_for(item)
    places = [('output read by the test', t) for t in _read_back]
    places += [(title, text) for title, text in report.sections if title.startswith('Captured')]
    tmp = getattr(item, 'funcargs', {}).get('tmp_path')
    if isinstance(tmp, Path):
        for path in written_files(tmp):
            try:
                places.append(
                    (str(path.relative_to(tmp)), path.read_bytes().decode('utf-8', 'replace'))
                )
            except OSError:
                continue
    _read_back.clear()
    leaks = find_leaks(places, planted)
    if leaks and report.passed:
        report.outcome = 'failed'
        report.longrepr = 'a planted secret left the process in full: ' + '; '.join(leaks)
