"""Adopting commit-warden: one version everywhere (pre-commit `rev:`, the GitHub Action,
the GitLab component, pip, the container image), and the GitHub Action itself, run
step by step in a temporary repository with no network."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.schemas import validate_sarif

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

VERSION = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']['version']
REPO_URL = 'https://github.com/commit-warden/commit-warden'
TOKEN = 'ghp_' + 'Zx81Kq27Lm93Nb46Vc05Hd72Jf38Gs19Pt64'


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r'^```yaml\n(.*?)^```', text, re.MULTILINE | re.DOTALL)


# --- one version everywhere ------------------------------------------------------

# Every way a text names a release of commit-warden.
_RELEASE_REFERENCES = re.compile(
    r'commit-warden/commit-warden@v(?P<uses>\d[\w.+-]*)'  # uses: / component:
    r'|/commit-warden@v(?P<component>\d[\w.+-]*)'  # component: .../name@vX
    r'|commit-warden/commit-warden(?:\.git)?#v(?P<docker>\d[\w.+-]*)'  # docker build URL
    r'|commit-warden/v(?P<raw>\d[\w.+-]*)/'  # raw.githubusercontent
    r'|commit-warden:(?P<image>\d[\w.+-]*)'  # the image's tag
    r'|commit-warden==(?P<pinned>\d[\w.+-]*)'  # no index serves it
)
# (Placeholders such as vX.Y.Z in comments name no release.)


def _release_references(text: str) -> list[tuple[str, str]]:
    return [
        (kind, value)
        for m in _RELEASE_REFERENCES.finditer(text)
        for kind, value in m.groupdict().items()
        if value
    ]


def test_one_version_everywhere() -> None:
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    refs = _release_references(readme)
    assert {kind for kind, _ in refs} >= {'uses', 'docker', 'raw', 'image'}
    assert ('pinned', VERSION) not in refs  # `pip install commit-warden==X`: unreachable
    assert {value for _, value in refs} == {VERSION}, refs
    # The pre-commit snippet's rev, and the plain pip alternative.
    (snippet,) = [yaml.safe_load(b) for b in _yaml_blocks(readme) if 'repos:' in b]
    (ours,) = [r for r in snippet['repos'] if r['repo'] == REPO_URL]
    assert ours['rev'] == f'v{VERSION}'
    assert f'pip install "commit-warden @ git+{REPO_URL}@v{VERSION}"' in readme

    spec, _job = yaml.safe_load_all((ROOT / 'templates' / 'commit-warden.yml').read_text())
    install = spec['spec']['inputs']['install']['default']
    assert install == f'commit-warden @ git+{REPO_URL}@v{VERSION}'

    # The action and the image carry no version of their own: they install the
    # checkout they were built from, i.e. the tag a user names.
    action = (ROOT / 'action.yml').read_text()
    assert '"$GITHUB_ACTION_PATH"' in action
    dockerfile = (ROOT / 'Dockerfile').read_text()
    assert re.search(r'^RUN pip install .* /src', dockerfile, re.MULTILINE)
    for text in (action, dockerfile):
        assert {value for _, value in _release_references(text)} <= {VERSION}
        assert 'commit-warden==' not in text


def test_readme_names_the_action_and_the_component() -> None:
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    docs = [yaml.safe_load(b) for b in _yaml_blocks(readme)]
    workflow = next(d for d in docs if isinstance(d, dict) and 'jobs' in d)
    steps = workflow['jobs']['warden']['steps']
    assert steps[0]['uses'].startswith('actions/checkout@')
    assert steps[0]['with']['fetch-depth'] == 0
    assert steps[1]['uses'] == f'commit-warden/commit-warden@v{VERSION}'
    action = yaml.safe_load((ROOT / 'action.yml').read_text())
    assert set(steps[1].get('with', {})) <= set(action['inputs'])
    gitlab = next(d for d in docs if isinstance(d, dict) and 'include' in d)
    (include,) = gitlab['include']
    assert include['component'].endswith(f'/commit-warden/commit-warden@v{VERSION}')
    spec, _ = yaml.safe_load_all((ROOT / 'templates' / 'commit-warden.yml').read_text())
    assert set(include.get('inputs', {})) <= set(spec['spec']['inputs'])


def test_gitlab_component() -> None:
    spec, jobs = yaml.safe_load_all((ROOT / 'templates' / 'commit-warden.yml').read_text())
    inputs = spec['spec']['inputs']
    for name, definition in inputs.items():
        assert 'default' in definition, name  # `include: component:` alone must work
        assert definition.get('description'), name
    (job,) = jobs.values()
    text = json.dumps(job)
    used = set(re.findall(r'\$\[\[\s*inputs\.([\w-]+)\s*\]\]', text))
    assert used == set(inputs)
    assert job['variables']['GIT_DEPTH'] == 0
    assert job['rules'] == [{'if': '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    script = ' '.join(job['script'])
    assert 'commit-warden ci' in script
    outputs = dict(re.findall(r'--format (\w+) --output (\S+)', script))
    assert job['artifacts']['reports'] == {
        'codequality': outputs['gitlab'],
        'junit': outputs['junit'],
    }
    assert job['artifacts']['when'] == 'always'


def test_every_readme_pre_commit_config_declares_the_minimum_version() -> None:
    manifest = yaml.safe_load((ROOT / '.pre-commit-hooks.yaml').read_text())
    per_hook = {hook['minimum_pre_commit_version'] for hook in manifest}
    assert len(per_hook) == 1  # one minimum for the whole repository
    (minimum,) = per_hook
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    configs = [
        yaml.safe_load(b) for b in _yaml_blocks(readme) if re.search(r'^repos:', b, re.MULTILINE)
    ]
    configs.append(yaml.safe_load((ROOT / '.pre-commit-config.yaml').read_text()))
    assert len(configs) >= 2
    for config in configs:
        assert config['minimum_pre_commit_version'] == minimum


# --- the GitHub Action, run as GitHub's runner would ----------------------------------
#
# action.yml's `run:` steps run with bash as GitHub runs them (`bash --noprofile
# --norc -eo pipefail`), with the inputs and GITHUB_* variables set, in a temporary
# repository; `uses:` steps (upload-sarif) are recorded with their inputs, not run.
# pip resolves offline: PIP_NO_INDEX with a wheelhouse made from the distributions
# this test environment already has installed.


def _requirements(dist: metadata.Distribution) -> Iterator[str]:
    from packaging.requirements import Requirement

    for line in dist.requires or ():
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({'extra': ''}):
            yield req.name


def _closure(names: list[str]) -> list[metadata.Distribution]:
    seen: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        dist = metadata.distribution(todo.pop())
        key = re.sub(r'[-_.]+', '-', dist.metadata['Name']).lower()
        if key not in seen:
            seen[key] = dist
            todo.extend(_requirements(dist))
    return list(seen.values())


def _repack(dist: metadata.Distribution, dest: Path) -> None:
    """A wheel of an installed distribution: its files as RECORD lists them (scripts
    outside site-packages are left out; pip makes console scripts again from
    entry_points.txt)."""
    from packaging.tags import sys_tags

    name = re.sub(r'[-_.]+', '_', dist.metadata['Name'])
    dist_info = f'{name}-{dist.version}.dist-info'
    files = []
    assert dist.files, f'{name} {dist.version}: installed without a RECORD, cannot repack'
    for rel in dist.files:
        parts = rel.parts
        if '..' in parts or '__pycache__' in parts or rel.suffix == '.pyc':
            continue
        if parts[0].endswith('.dist-info') and parts[-1] in (
            'RECORD',
            'INSTALLER',
            'REQUESTED',
            'direct_url.json',
            'WHEEL',
        ):
            continue
        src = Path(str(dist.locate_file(rel)))
        if src.is_file():
            arcname = '/'.join(
                (dist_info, *parts[1:]) if parts[0].endswith('.dist-info') else parts
            )
            files.append((arcname, src.read_bytes()))
    binary = any(a.endswith(('.so', '.pyd')) for a, _ in files)
    tag = next(iter(sys_tags())) if binary else None
    tag_text = f'{tag.interpreter}-{tag.abi}-{tag.platform}' if tag else 'py3-none-any'
    files.append(
        (
            f'{dist_info}/WHEEL',
            f'Wheel-Version: 1.0\nGenerator: commit-warden-tests\n'
            f'Root-Is-Purelib: {"false" if binary else "true"}\nTag: {tag_text}\n'.encode(),
        )
    )
    record = io.StringIO()
    writer = csv.writer(record, lineterminator='\n')
    for arcname, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=')
        writer.writerow((arcname, f'sha256={digest.decode()}', len(data)))
    writer.writerow((f'{dist_info}/RECORD', '', ''))
    with zipfile.ZipFile(dest / f'{name}-{dist.version}-{tag_text}.whl', 'w') as whl:
        for arcname, data in files:
            whl.writestr(arcname, data)
        whl.writestr(f'{dist_info}/RECORD', record.getvalue())


@pytest.fixture(scope='session')
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of commit-warden's dependencies and of its build backend, made from
    what is installed here: the action's pip resolves against them, offline."""
    dest = tmp_path_factory.mktemp('wheelhouse')
    pyproject = tomllib.loads((ROOT / 'pyproject.toml').read_text())
    backend = [
        re.split(r'[<>=!~ ;\[]', r, maxsplit=1)[0] for r in pyproject['build-system']['requires']
    ]
    for dist in _closure(['commit-warden', *backend]):
        if dist.metadata['Name'] != 'commit-warden':
            _repack(dist, dest)
    return dest


def _release_checkout(dest: Path, version: str) -> Path:
    """What `uses: commit-warden/commit-warden@v<version>` checks out: this checkout's
    files (committed or not), as the release `version`."""
    names = subprocess.run(
        ('git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'),
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b'\0')
    for raw in names:
        src = ROOT / os.fsdecode(raw)
        if raw and src.is_file():
            target = dest / os.fsdecode(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    pyproject = dest / 'pyproject.toml'
    text, n = re.subn(r'(?m)^version = "[^"]*"$', f'version = "{version}"', pyproject.read_text())
    assert n == 1
    pyproject.write_text(text)
    return dest


_EXPRESSION_TOKENS = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r'|(?P<call>[A-Za-z_][\w-]*)\(\)|(?P<name>[A-Za-z_][\w.-]*))'
)


class Expression:
    """The part of GitHub's expression language action.yml may use: strings, context
    names, ==, !=, !, &&, ||, parentheses and the status functions. Anything else fails
    the test rather than being guessed at."""

    def __init__(self, text: str, context: Mapping[str, str], failed: bool) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _EXPRESSION_TOKENS.match(text, pos)
            assert m and m.end() > pos, f'expression not understood: {text!r}'
            kind = m.lastgroup
            assert kind is not None
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.context, self.failed, self.pos = context, failed, 0

    def value(self) -> Any:
        result = self._or()
        assert self.pos == len(self.tokens), self.tokens
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == '||':
            self.pos += 1
            right = self._and()
            left = left or right
        return left

    def _and(self) -> Any:
        left = self._not()
        while self._peek() == '&&':
            self.pos += 1
            right = self._not()
            left = left and right
        return left

    def _not(self) -> Any:
        if self._peek() == '!':
            self.pos += 1
            return not self._not()
        left = self._primary()
        if self._peek() in ('==', '!='):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self._primary()
            equal = str(left).lower() == str(right).lower()  # GitHub: case-insensitive
            return equal if op == '==' else not equal
        return left

    def _primary(self) -> Any:
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if text == '(':
            inner = self._or()
            assert self._peek() == ')'
            self.pos += 1
            return inner
        if kind == 'string':
            return text[1:-1].replace("''", "'")
        if kind == 'call':
            calls = {
                'always': True,
                'success': not self.failed,
                'failure': self.failed,
                'cancelled': False,
            }
            assert text in calls, text
            return calls[text]
        if kind == 'name':
            if text in ('true', 'false'):
                return text == 'true'
            if text.startswith('steps.'):
                return self.context.get(text, '')  # an output never set is ''
            assert text in self.context, f'unknown context {text!r}'
            return self.context[text]
        raise AssertionError(f'expression not understood at {text!r}')


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def _interpolate(text: str, context: Mapping[str, str], failed: bool) -> str:
    return re.sub(
        r'\$\{\{(.*?)\}\}',
        lambda m: _as_text(Expression(m.group(1), context, failed).value()),
        str(text),
    )


def _step_should_run(condition: str | None, context: Mapping[str, str], failed: bool) -> bool:
    if condition is None:
        return not failed
    expression = re.sub(r'^\s*\$\{\{(.*)\}\}\s*$', r'\1', str(condition))
    if not re.search(r'\b(always|success|failure|cancelled)\(\)', expression):
        expression = f'success() && ({expression})'  # GitHub's implied status check
    return bool(Expression(expression, context, failed).value())


def _read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT: `name=value` lines, or `name<<DELIMITER` ... `DELIMITER`."""
    out: dict[str, str] = {}
    lines = path.read_text().split('\n') if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if '<<' in line and ('=' not in line or line.index('<<') < line.index('=')):
            name, delimiter = line.split('<<', 1)
            end = lines.index(delimiter, i)
            out[name] = '\n'.join(lines[i:end])
            i = end + 1
        elif '=' in line:
            name, value = line.split('=', 1)
            out[name] = value
    return out


@dataclass
class ActionRun:
    log: str = ''
    exit_code: int = 0  # the first failing step's, as the job's
    outputs: dict[str, str] = field(default_factory=dict)
    uses: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def run_action(
    action_dir: Path,
    workspace: Path,
    runner_temp: Path,
    *,
    inputs: Mapping[str, str],
    env: Mapping[str, str],
) -> ActionRun:
    action = yaml.safe_load((action_dir / 'action.yml').read_text())
    assert action['runs']['using'] == 'composite'
    unknown = set(inputs) - set(action['inputs'])
    assert not unknown, unknown
    context = {
        f'inputs.{name}': str(spec.get('default', '')) for name, spec in action['inputs'].items()
    }
    context.update({f'inputs.{name}': value for name, value in inputs.items()})
    context.update({'github.action_path': str(action_dir), 'runner.temp': str(runner_temp)})
    result = ActionRun()
    for index, step in enumerate(action['runs']['steps']):
        if not _step_should_run(step.get('if'), context, result.exit_code != 0):
            continue
        if 'uses' in step:
            result.uses.append(
                (
                    step['uses'],
                    {
                        k: _interpolate(v, context, result.exit_code != 0)
                        for k, v in step.get('with', {}).items()
                    },
                )
            )
            continue
        assert step['shell'] == 'bash'
        # Inputs reach scripts through env only: nothing is pasted into shell code.
        assert '${{' not in step['run']
        script = runner_temp / f'step-{index}.sh'
        script.write_text(step['run'])
        outputs = runner_temp / f'output-{index}'
        step_env = {**env, 'GITHUB_OUTPUT': str(outputs)}
        step_env.update(
            {
                k: _interpolate(v, context, result.exit_code != 0)
                for k, v in step.get('env', {}).items()
            }
        )
        proc = subprocess.run(
            ('bash', '--noprofile', '--norc', '-eo', 'pipefail', str(script)),
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        result.log += proc.stdout + proc.stderr
        if 'id' in step:
            for name, value in _read_outputs(outputs).items():
                context[f'steps.{step["id"]}.outputs.{name}'] = value
        if proc.returncode != 0 and result.exit_code == 0:
            result.exit_code = proc.returncode
    for name, spec in action.get('outputs', {}).items():
        result.outputs[name] = _interpolate(spec['value'], context, False)
    return result


def _runner_env(
    tmp_path: Path,
    workspace: Path,
    action_dir: Path,
    runner_temp: Path,
    wheelhouse: Path,
    event: Mapping[str, Any],
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(('PIP_', 'GITHUB_', 'RUNNER_'))
        and k not in ('VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME')
    }
    # The test environment's commit-warden must not be the one that runs.
    venv_bin = str(Path(sys.executable).parent)
    env['PATH'] = os.pathsep.join(p for p in env['PATH'].split(os.pathsep) if p != venv_bin)
    event_path = write(tmp_path / 'event.json', json.dumps(event))
    env.update(
        {
            'CI': 'true',
            'GITHUB_ACTIONS': 'true',
            'GITHUB_EVENT_NAME': 'pull_request',
            'GITHUB_EVENT_PATH': str(event_path),
            'GITHUB_BASE_REF': 'main',
            'GITHUB_HEAD_REF': 'feature',
            'GITHUB_WORKSPACE': str(workspace),
            'GITHUB_ACTION_PATH': str(action_dir),
            'RUNNER_TEMP': str(runner_temp),
            'GITHUB_STEP_SUMMARY': str(tmp_path / 'step-summary.md'),
            # No network: pip finds everything in the wheelhouse, and no pip config file
            # on this machine can point it elsewhere.
            'PIP_NO_INDEX': '1',
            'PIP_FIND_LINKS': str(wheelhouse),
            'PIP_CONFIG_FILE': os.devnull,
            'PIP_DISABLE_PIP_VERSION_CHECK': '1',
        }
    )
    return env


@pytest.mark.slow  # installs a release into a fresh venv and runs the action's steps
def test_action_runs_the_release_of_its_own_checkout(
    repo: Path, remote: Path, tmp_path: Path, wheelhouse: Path
) -> None:
    major, minor, patch = (int(p) for p in VERSION.split('.'))
    release = f'{major}.{minor}.{patch + 1}'  # not the version installed here
    action_dir = _release_checkout(tmp_path / 'action', release)
    runner_temp = tmp_path / 'runner-temp'
    runner_temp.mkdir()

    write(repo / 'app.py', 'POOL = 20\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'initial')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('fetch', '-q', 'origin', cwd=repo)
    git('switch', '-q', '-c', 'feature', cwd=repo)
    write(repo / 'notify.py', f'TOKEN = "{TOKEN}"\n')
    git('add', '.', cwd=repo)
    head = git_commit(repo, 'add notifier')
    event = {'pull_request': {'head': {'sha': head}, 'base': {'ref': 'main'}}}
    env = _runner_env(tmp_path, repo, action_dir, runner_temp, wheelhouse, event)

    run = run_action(
        action_dir,
        repo,
        runner_temp,
        env=env,
        inputs={'upload-sarif': 'true', 'python': sys.executable},
    )

    assert f'commit-warden {release} (from {action_dir})' in run.log, run.log
    assert run.outputs['version'] == release
    assert run.outputs['exit-code'] == '1'
    assert run.exit_code == 1  # the job fails: the pull request is blocked
    # The default formats: text in the log, and annotations on the pull request.
    assert re.search(r'^notify\.py:1: \(commit [0-9a-f]{12}\) GitHub', run.log, re.MULTILINE)
    assert re.search(
        r'^::error file=notify\.py,line=1,title=check-credentials%3A .*'
        r'\[github-token\]::commit [0-9a-f]{12}: GitHub',
        run.log,
        re.MULTILINE,
    )
    # SARIF for code scanning, from the release that ran, handed to upload-sarif.
    assert run.outputs['sarif-file'] == 'commit-warden.sarif'
    sarif = json.loads((repo / 'commit-warden.sarif').read_text())
    validate_sarif(sarif)
    assert sarif['runs'][0]['tool']['driver']['version'] == release
    assert run.uses == [
        (
            'github/codeql-action/upload-sarif@v3',
            {'sarif_file': 'commit-warden.sarif', 'category': 'commit-warden'},
        )
    ]
    assert TOKEN not in run.log


@pytest.mark.slow  # installs a release into a fresh venv and runs the action's steps
def test_action_passes_a_clean_pull_request_and_writes_reports_where_asked(
    repo: Path, remote: Path, tmp_path: Path, wheelhouse: Path
) -> None:
    action_dir = _release_checkout(tmp_path / 'action', VERSION)
    runner_temp = tmp_path / 'runner-temp'
    runner_temp.mkdir()
    # A policy this pull request meets without signing keys: a DCO sign-off.
    write(repo / '.commit-warden.yaml', 'version: 1\nsignatures:\n  require: signoff\n')
    write(repo / 'app.py', 'POOL = 20\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'initial')
    git('push', '-q', 'origin', 'main', cwd=repo)
    git('fetch', '-q', 'origin', cwd=repo)
    git('switch', '-q', '-c', 'feature', cwd=repo)
    write(repo / 'app.py', 'POOL = 30\n')
    git('add', '.', cwd=repo)
    head = git_commit(repo, 'raise the pool size', '--signoff')
    event = {'pull_request': {'head': {'sha': head}, 'base': {'ref': 'main'}}}
    env = _runner_env(tmp_path, repo, action_dir, runner_temp, wheelhouse, event)

    run = run_action(
        action_dir,
        repo,
        runner_temp,
        env=env,
        inputs={
            'base': 'origin/main',
            'formats': 'junit, json text',
            'outputs': '  reports/warden.xml\nreports/warden.json \n',
            'python': sys.executable,
        },
    )

    assert run.exit_code == 0, run.log
    assert run.outputs['exit-code'] == '0'
    assert run.outputs['version'] == VERSION
    assert run.outputs['sarif-file'] == ''
    assert run.uses == []  # upload-sarif is off by default
    assert json.loads((repo / 'reports' / 'warden.json').read_text())['blocked'] is False
    assert (repo / 'reports' / 'warden.xml').read_text().startswith('<?xml')
    assert 'commit-warden ci: passed: 1 commits' in run.log
