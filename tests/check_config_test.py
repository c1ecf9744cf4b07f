from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hooks.check_config import main
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write

BROKEN = 'version: 1\ncredentails:\n  exclude: []\n'
GOOD = 'version: 1\ncredentials:\n  exclude: ["vendor/**"]\n'


def test_valid_policy_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.commit-warden.yaml', GOOD)
    git('add', '.', cwd=repo)
    assert main(['.commit-warden.yaml']) == 0
    assert capsys.readouterr().out == ''


def test_invalid_policy_blocks_with_the_config_message(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.commit-warden.yaml', BROKEN)
    git('add', '.', cwd=repo)
    assert main(['.commit-warden.yaml']) == 1
    assert capsys.readouterr().out == (
        ".commit-warden.yaml:2: credentails: unknown key; did you mean 'credentials'? "
        '[invalid-config]\n'
    )


def test_checks_the_staged_file_not_the_work_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.commit-warden.yaml', BROKEN)
    git('add', '.', cwd=repo)
    write(repo / '.commit-warden.yaml', GOOD)  # fixed on disk, but not staged
    assert main(['.commit-warden.yaml']) == 1
    git('add', '.', cwd=repo)
    assert main(['.commit-warden.yaml']) == 0


def test_every_problem_becomes_a_finding(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.commit-warden.yml', 'version: 1\nreport:\n  audit: maybe\n  zzz: 1\n')
    git('add', '.', cwd=repo)
    assert main(['--format', 'json', '.commit-warden.yml']) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f['path'], f['line'], f['rule']) for f in data['findings']] == [
        ('.commit-warden.yml', 3, 'invalid-config'),
        ('.commit-warden.yml', 4, 'invalid-config'),
    ]


def test_no_arguments_checks_the_discovered_file(repo: Path) -> None:
    assert main([]) == 0  # no policy at all: defaults are valid
    write(repo / '.commit-warden.yaml', BROKEN)
    assert main([]) == 1


def test_run_is_audited(repo: Path) -> None:
    write(repo / '.commit-warden.yaml', BROKEN)
    git('add', '.', cwd=repo)
    main(['.commit-warden.yaml'])
    (line,) = (repo / '.git' / 'commit-warden' / 'audit.jsonl').read_text().splitlines()
    record = json.loads(line)
    assert (record['hook'], record['outcome'], record['rules']) == (
        'check-warden-config',
        'blocked',
        {'invalid-config': 1},
    )


@pytest.mark.slow  # through the real pre-commit framework
def test_end_to_end_through_pre_commit(repo: Path, pre_commit: Callable[..., None]) -> None:
    pre_commit('  - id: check-warden-config\n')
    git('add', '.pre-commit-config.yaml', cwd=repo)
    git_commit(repo, 'add pre-commit config')
    write(repo / '.commit-warden.yaml', BROKEN)
    git('add', '.commit-warden.yaml', cwd=repo)
    proc = subprocess.run(
        ('git', 'commit', '-q', '-m', 'broken policy', '--no-gpg-sign'),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "did you mean 'credentials'?" in proc.stdout + proc.stderr
    assert git('rev-list', '--count', 'HEAD', cwd=repo).stdout.strip() == '1'

    write(repo / '.commit-warden.yaml', GOOD)
    git('add', '.commit-warden.yaml', cwd=repo)
    proc = subprocess.run(
        ('git', 'commit', '-q', '-m', 'good policy', '--no-gpg-sign'),
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert git('rev-list', '--count', 'HEAD', cwd=repo).stdout.strip() == '2'
