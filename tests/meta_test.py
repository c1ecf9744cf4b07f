"""The manifest, the console scripts and the README agree on every hook id."""

from __future__ import annotations

import os
import sys

import pytest
import yaml

from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import slow_after

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Every hook id that ever shipped: pre-commit autoupdate refuses a rev that lacks
# a configured id, so none of these may disappear from the manifest.
SHIPPED_IDS = {'check-credentials', 'check-hotfixes', 'check-signatures', 'check-warden-config'}


def manifest() -> list[dict[str, object]]:
    return yaml.safe_load((ROOT / '.pre-commit-hooks.yaml').read_text())


def test_every_hook_is_a_console_script_of_the_same_name() -> None:
    scripts = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['scripts']
    for hook in manifest():
        assert hook['entry'] == hook['id']
        assert hook['id'] in scripts
        assert hook['language'] == 'python'
        assert 'minimum_pre_commit_version' in hook


def test_every_hook_is_documented_in_the_readme() -> None:
    readme = (ROOT / 'README.md').read_text()
    for hook in manifest():
        assert f'| `{hook["id"]}` |' in readme, hook['id']


def _ids_in_release_tags() -> set[str]:
    """Hook ids of every release tag this clone has (pre-commit autoupdate moves
    users between them)."""
    import subprocess

    tags = subprocess.run(
        ('git', 'tag', '--list', 'v*'), cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    ids: set[str] = set()
    for tag in tags:
        shown = subprocess.run(
            ('git', 'show', f'{tag}:.pre-commit-hooks.yaml'),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            ids |= {h['id'] for h in yaml.safe_load(shown.stdout) or []}
    return ids


def test_no_shipped_hook_id_is_missing() -> None:
    assert {h['id'] for h in manifest()} >= SHIPPED_IDS | _ids_in_release_tags()


def test_version_only_in_pyproject() -> None:
    from hooks.version import version

    declared = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['version']
    assert version() == declared
    assert f'## {declared} - ' in (ROOT / 'CHANGELOG.md').read_text()


def _readme_block(marker: str) -> str:
    readme = (ROOT / 'README.md').read_text()
    after = readme.split(f'<!-- {marker} -->', 1)[1]
    return after.split('```', 2)[1].split('\n', 1)[1]


def test_readme_presets_are_valid_policies() -> None:
    from hooks import config as cfg

    small = cfg.parse(_readme_block('preset: small-team'), 'small-team')
    regulated = cfg.parse(_readme_block('preset: regulated'), 'regulated')
    assert small.signatures.require == 'signature'
    assert regulated.signatures.require == 'both'
    assert regulated.report.policy_changes == 'block'


def test_readme_commands() -> None:
    assert _readme_block('test-command').strip().endswith('python -m pytest -n 2')
    assert _readme_block('demo-command').strip().endswith('commit-warden demo')
    ci_run = (ROOT / '.ci' / 'run').read_text()
    assert '<!-- test-command -->' in ci_run


def test_version_command(capsys) -> None:
    from hooks import cli
    from hooks.version import version

    assert cli.main(['version']) == 0
    assert capsys.readouterr().out == f'commit-warden {version()}\n'
    try:
        cli.main(['--version'])
    except SystemExit as e:
        assert e.code == 0
    assert capsys.readouterr().out == f'commit-warden {version()}\n'


def test_readme_ci_examples_parse() -> None:
    readme = (ROOT / 'README.md').read_text()
    blocks = [b.split('\n', 1)[1] for b in readme.split('```yaml')[1:]]
    workflows = [yaml.safe_load(b.split('```', 1)[0]) for b in blocks]
    github = next(w for w in workflows if isinstance(w, dict) and 'jobs' in w)
    steps = github['jobs']['warden']['steps']
    assert steps[0]['with']['fetch-depth'] == 0
    # The action and the component run `commit-warden ci` (tests/adoption_test.py).
    assert any(s.get('uses', '').startswith('commit-warden/commit-warden@') for s in steps)
    gitlab = next(w for w in workflows if isinstance(w, dict) and 'include' in w)
    assert gitlab['include'][0]['component'].split('@')[0].endswith('/commit-warden')


def test_every_runtime_dependency_is_used_by_something_a_user_runs() -> None:
    """Each dependency pyproject.toml declares is imported (or, for pre-commit, run)
    by a module of hooks/ a command reaches."""
    deps = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['dependencies']
    names = {d.split('>')[0].split('<')[0].split('=')[0].strip().lower() for d in deps}
    used_as = {
        'detect-secrets': 'detect_secrets',
        'gitpython': 'import git\n',
        'pre-commit': 'pre_commit',
        'pyyaml': 'import yaml',
        'regex': 'import regex',
    }
    assert names == set(used_as)
    source = '\n'.join(p.read_text() for p in (ROOT / 'hooks').rglob('*.py'))
    for name, marker in used_as.items():
        assert marker in source, name


@pytest.mark.parametrize(
    'hook', slow_after(2, ['credentials', 'signatures', 'hotfixes', 'check_config'])
)
def test_a_hook_and_the_runner_import_nothing_heavy(hook: str) -> None:
    """What a hook's start-up pays for: no detect-secrets, no PyYAML (until a policy
    file is read), no GitPython, and no dataclasses (inspect, and ~0.5 ms a class)."""
    import subprocess

    code = (
        f'import sys, hooks.{hook}, hooks.runner, hooks.config, hooks.git; '
        'print(sorted(m for m in sys.modules if m.split(".")[0] in '
        '("detect_secrets", "requests", "yaml", "git", "dataclasses", "inspect", '
        '"hashlib") or m in ("hooks.credentials.baseline", '
        '"hooks.credentials.detect_secrets_compat")))'
    )
    out = subprocess.run(
        (sys.executable, '-c', code), capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == '[]'


def test_the_credential_engine_and_the_output_redaction_import_nothing_heavy() -> None:
    """check-credentials' pre-commit stage, and every hook's printed output (each line
    passes the engine's masking), load hooks.scan and its detectors: no dataclasses
    there either, and no detect-secrets, hashlib or baseline writer until a finding
    needs them."""
    import subprocess

    code = (
        'import sys, hooks.credentials.check, hooks.scan\n'
        'from hooks.findings import redact_output\n'
        'assert "[" in redact_output("password = \'Xk8s92kLmqP0zz\'")\n'
        'print(sorted(m for m in sys.modules if m.split(".")[0] in '
        '("detect_secrets", "requests", "yaml", "git", "dataclasses", "inspect", '
        '"hashlib") or m in ("hooks.credentials.baseline", '
        '"hooks.credentials.detect_secrets_compat")))'
    )
    out = subprocess.run(
        (sys.executable, '-c', code), capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == '[]'


@pytest.mark.parametrize(
    ('package', 'hook_id'),
    [
        ('credentials', 'check-credentials'),
        ('signatures', 'check-signatures'),
        ('hotfixes', 'check-hotfixes'),
        ('check_config', 'check-warden-config'),
    ],
)
def test_python_dash_m_runs_the_hook(
    package: str, hook_id: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m hooks.<package>` (what `commit-warden demo` installs) is the hook."""
    import runpy

    monkeypatch.setattr(sys, 'argv', [f'hooks.{package}', '--help'])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module(f'hooks.{package}', run_name='__main__', alter_sys=True)
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f'usage: {hook_id} ')


def test_every_module_is_small_and_says_what_it_holds() -> None:
    """One concern a module, at most ~400 lines, named in its docstring; the two
    data modules (the provider catalogue and the keyword tables generated from it)
    are longer on purpose."""
    import ast

    data = {'hooks/detectors/providers.py', 'hooks/detectors/prefilter.py'}
    for path in sorted((ROOT / 'hooks').rglob('*.py')):
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        if name == 'hooks/__init__.py':
            continue
        assert ast.get_docstring(ast.parse(text)), f'{name}: no module docstring'
        if name not in data:
            assert len(text.splitlines()) <= 400, f'{name}: over 400 lines'


def test_a_range_run_without_a_policy_file_loads_no_yaml(repo) -> None:  # type: ignore[no-untyped-def]
    """The range cache's key is the policy's digest: reading it must not build the
    option table or import PyYAML (~30 ms of a warm re-run) when there is no policy
    file; the digest is the same in every process and changes with the policy."""
    import subprocess

    from hooks import config as cfg
    from tests.conftest import git_commit
    from tests.conftest import write

    first = git_commit(repo, 'first')
    write(repo / 'a.py', 'x = 1\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'second')
    code = (
        'import sys\nfrom hooks.credentials import main\n'
        f'code = main(["--from", "{first}", "--to", "HEAD"])\n'
        'print(code, sorted(m for m in sys.modules if m == "yaml" or m == "hooks.options"))\n'
        'from hooks import config\nprint(config.Config().digest)'
    )
    runs = [
        subprocess.run(
            (sys.executable, '-c', code),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, 'PYTHONHASHSEED': seed},
        ).stdout.splitlines()
        for seed in ('1', '2')
    ]
    assert runs[0][0] == '0 []'
    assert runs[0][1] == runs[1][1] == cfg.Config().digest
    changed = cfg.Config()._replace(credentials=cfg.CredentialsConfig(exclude=('docs/**',)))
    assert changed.digest != cfg.Config().digest
