from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from hooks import cli
from hooks import config as cfg
from hooks import options
from hooks.errors import ConfigError
from hooks.git import Repo
from hooks.userregex import check_regex
from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write


def problems(text: str, source: str = '.commit-warden.yaml') -> list[str]:
    with pytest.raises(ConfigError) as e:
        cfg.parse(text, source)
    return [str(p) for p in e.value.problems]


def test_no_file_means_defaults(repo: Path) -> None:
    config = cfg.load(Repo.discover())
    assert config == cfg.Config()
    assert config.source == '<defaults>'
    assert config.hotfixes.mainline == 'main'
    assert config.report.audit is True


def test_minimal_file_fills_defaults() -> None:
    config = cfg.parse('version: 1\n', 'x.yaml')
    assert config == cfg.Config()
    assert config.source == 'x.yaml'


def test_sections_with_values() -> None:
    config = cfg.parse(
        'version: 1\n'
        'credentials:\n'
        '  exclude: ["tests/fixtures/**"]\n'
        '  extra_patterns: {internal-token: "itk_[a-z0-9]{32}"}\n'
        '  entropy_hex_limit: 3\n'
        'signatures:\n'
        '  require: both\n'
        '  exempt_authors:\n'
        '  - {email: "bot@example.com", reason: release bot}\n'
        'report:\n'
        '  policy_changes: warn\n',
        'x',
    )
    assert config.credentials.exclude == ('tests/fixtures/**',)
    assert config.credentials.extra_patterns == (('internal-token', 'itk_[a-z0-9]{32}'),)
    assert config.credentials.entropy_hex_limit == 3.0
    assert config.signatures.require == 'both'
    assert config.signatures.exempt_authors[0].reason == 'release bot'
    assert config.report.policy_changes == 'warn'


def test_empty_section_means_defaults() -> None:
    assert cfg.parse('version: 1\ncredentials:\n', 'x').credentials == cfg.CredentialsConfig()


def test_misspelt_section_suggests_nearest() -> None:
    assert problems('version: 1\ncredentails:\n  exclude: []\n') == [
        ".commit-warden.yaml:2: credentails: unknown key; did you mean 'credentials'?",
    ]


def test_misspelt_option_suggests_nearest() -> None:
    assert problems('version: 1\nhotfixes:\n  mainlne: trunk\n') == [
        ".commit-warden.yaml:3: hotfixes.mainlne: unknown key; did you mean 'mainline'?",
    ]


def test_unknown_key_without_near_match_lists_valid_keys() -> None:
    (msg,) = problems('version: 1\nreport:\n  zzz: 1\n')
    assert msg == (
        '.commit-warden.yaml:3: report.zzz: unknown key; valid keys: '
        'audit_log, audit, policy_changes'
    )


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        (
            'version: 1\nreport:\n  audit: yes please\n',
            ".commit-warden.yaml:3: report.audit: expected true or false, got str 'yes please'",
        ),
        (
            'version: 1\ncredentials:\n  max_file_bytes: -5\n',
            '.commit-warden.yaml:3: credentials.max_file_bytes: '
            'expected an integer >= 1, got int -5',
        ),
        (
            'version: 1\ncredentials:\n  exclude: "*.lock"\n',
            '.commit-warden.yaml:3: credentials.exclude: expected a list of glob patterns, '
            "got str '*.lock'",
        ),
        (
            'version: 1\ncredentials:\n  exclude: [1]\n',
            '.commit-warden.yaml:3: credentials.exclude[0]: expected a glob pattern, got int 1',
        ),
        (
            'version: 1\nsignatures:\n  require: signatures\n',
            ".commit-warden.yaml:3: signatures.require: expected one of 'signature', 'signoff', "
            "'both', got str 'signatures'; did you mean 'signature'?",
        ),
        (
            'version: 1\nsignatures:\n  openpgp_fingerprints: [abc]\n',
            '.commit-warden.yaml:3: signatures.openpgp_fingerprints[0]: expected a 40-hex-digit '
            "key fingerprint, got str 'abc'",
        ),
        (
            'version: 1\nhotfixes: [a]\n',
            '.commit-warden.yaml:2: hotfixes: expected a mapping, got a list',
        ),
        (
            'version: 1\nsignatures:\n  exempt_authors:\n  - {email: x@example.com}\n',
            '.commit-warden.yaml:4: signatures.exempt_authors[0].reason: required key is missing',
        ),
    ],
)
def test_wrong_types_name_line_path_expected_and_got(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_regex_that_does_not_compile() -> None:
    assert problems('version: 1\ncredentials:\n  allowed_patterns: ["ok", "[x"]\n') == [
        '.commit-warden.yaml:3: credentials.allowed_patterns[1]: regex does not compile: '
        'unterminated character set at position 0',
    ]


@pytest.mark.parametrize('pattern', ['(a+)+$', '(x*)*y', '(?:ab|a+)+c', '(\\w+\\s?)*$'])
def test_regex_that_can_backtrack_forever_is_rejected(pattern: str) -> None:
    (msg,) = problems(f'version: 1\ncredentials:\n  allowed_patterns: [{json.dumps(pattern)}]\n')
    assert 'nests unbounded repeats' in msg


@pytest.mark.parametrize('pattern', ['a+b+', '(ab){2,4}', '[A-Z]{3}-\\d+', '(?:x+y)?z'])
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert check_regex(pattern) is None


def test_every_problem_is_reported_at_once() -> None:
    got = problems(
        'version: 1\n'
        'credentails: {}\n'
        'report:\n'
        '  policy_changes: warm\n'
        'hotfixes:\n'
        '  ticket_patterns: ["(unclosed"]\n'
    )
    assert [p.split(':')[1] for p in got] == ['2', '4', '6']
    assert "did you mean 'warn'" in got[1]


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        ('credentials: {}\n', '.commit-warden.yaml:1: version: required key is missing'),
        ('version: 0\n', '.commit-warden.yaml:1: version: expected one of 1, got int 0'),
        ('version: "1"\n', ".commit-warden.yaml:1: version: expected one of 1, got str '1'"),
        ('', '.commit-warden.yaml:1: the file is empty; start it with `version: 1`'),
        (
            '- a\n',
            '.commit-warden.yaml:1: expected a mapping of sections at the top level, got a list',
        ),
        (
            'version: 1\nversion: 1\n',
            '.commit-warden.yaml:2: version: duplicate key (first set on line 1)',
        ),
    ],
)
def test_version_and_shape(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_newer_version_says_to_upgrade() -> None:
    (msg,) = problems('version: 2\nfuture_section: {}\n')
    assert msg.startswith(
        '.commit-warden.yaml:1: version: this policy needs commit-warden for schema version 2'
    )
    assert 'upgrade commit-warden' in msg


@pytest.mark.parametrize(
    'text',
    [
        'version: 1\ncredentials: {exclude: &a [*a]}\n',
        'version: 1\ncredentials:\n  exclude: &x ["a"]\n  allowed_patterns: *x\n',
        'version: 1\nx0: &a [b, b, b, b, b, b, b, b, b]\nx1: &b [*a, *a, *a, *a, *a, *a, *a]\n'
        'x2: &c [*b, *b, *b, *b, *b, *b, *b]\nx3: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
    ],
)
def test_anchors_and_aliases_are_refused(text: str) -> None:
    (msg,) = problems(text)
    assert 'YAML anchors and aliases (&name, *name) are not allowed' in msg


def test_version_must_be_the_integer_one() -> None:
    assert problems('version: 1.0\n') == [
        '.commit-warden.yaml:1: version: expected one of 1, got float 1.0'
    ]


@pytest.mark.parametrize('glob', ['[z-a]', '[[:alpha:]]'])
def test_globs_are_checked_at_load(glob: str) -> None:
    (msg,) = problems(f'version: 1\ncredentials:\n  exclude: ["{glob}"]\n')
    assert msg.startswith('.commit-warden.yaml:3: credentials.exclude[0]: glob does not compile:')


def test_repository_paths_are_normalised() -> None:
    config = cfg.parse(
        'version: 1\nsignatures:\n  allowed_signers: ./.github//signers\n'
        'credentials:\n  baseline: ./.secrets.baseline\n',
        'x',
    )
    assert config.signatures.allowed_signers == '.github/signers'
    assert config.credentials.baseline == '.secrets.baseline'
    (msg,) = problems('version: 1\nsignatures:\n  allowed_signers: ../outside\n')
    assert "expected a path inside the repository, got '../outside'" in msg


def test_yaml_syntax_error_names_line() -> None:
    (msg,) = problems('version: 1\nreport:\n  audit: [\n')
    assert msg.startswith('.commit-warden.yaml:4: not valid YAML:')


def test_not_utf8() -> None:
    with pytest.raises(ConfigError) as e:
        cfg.parse(b'version: 1\n# \xff\n', 'p.yaml')
    assert str(e.value.problems[0]).startswith('p.yaml:1: the file is not UTF-8 text')


def test_unsafe_yaml_tags_are_refused() -> None:
    assert problems(
        'version: 1\nreport:\n  audit: !!python/object/apply:os.system ["true"]\n'
        '  audit_log: !!binary aGk=\n'
    ) == [
        '.commit-warden.yaml:3: YAML tag tag:yaml.org,2002:python/object/apply:os.system '
        'is not allowed; plain values only',
        '.commit-warden.yaml:4: YAML tag tag:yaml.org,2002:binary is not allowed; '
        'plain values only',
    ]


# --- discovery -----------------------------------------------------------------


def test_discovery_root_file_from_a_subdirectory(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: trunk\n')
    (repo / 'a' / 'b').mkdir(parents=True)
    monkeypatch.chdir(repo / 'a' / 'b')
    config = cfg.load(Repo.discover())
    assert config.hotfixes.mainline == 'trunk'
    assert config.source == '.commit-warden.yaml'


def test_discovery_yml_spelling(repo: Path) -> None:
    write(repo / '.commit-warden.yml', 'version: 1\nhotfixes:\n  mainline: yml\n')
    assert cfg.load(Repo.discover()).hotfixes.mainline == 'yml'


def test_discovery_order(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: root\n')
    env_file = write(tmp_path / 'env.yaml', 'version: 1\nhotfixes:\n  mainline: env\n')
    arg_file = write(tmp_path / 'arg.yaml', 'version: 1\nhotfixes:\n  mainline: arg\n')
    r = Repo.discover()
    assert cfg.load(r).hotfixes.mainline == 'root'
    monkeypatch.setenv('COMMIT_WARDEN_CONFIG', str(env_file))
    assert cfg.load(r).hotfixes.mainline == 'env'
    assert cfg.load(r, path=str(arg_file)).hotfixes.mainline == 'arg'


def test_named_file_that_does_not_exist_is_an_error(repo: Path) -> None:
    with pytest.raises(ConfigError) as e:
        cfg.load(Repo.discover(), path='missing.yaml')
    assert str(e.value) == 'missing.yaml: no such policy file (named by --config)'


def test_linked_worktree_reads_its_own_root(repo: Path, tmp_path: Path) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: main-tree\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'policy')
    wt = tmp_path / 'wt'
    git('worktree', 'add', '-q', '-b', 'feature', str(wt), cwd=repo)
    write(wt / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: worktree\n')
    r = Repo.discover(wt)
    assert r.root == wt
    assert cfg.load(r).hotfixes.mainline == 'worktree'
    assert r.state_dir == repo / '.git' / 'commit-warden'


# --- trusted-ref loading ---------------------------------------------------------


def test_policy_ref_reads_the_committed_file_not_the_disk(repo: Path) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nreport:\n  policy_changes: block\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'policy')
    git('checkout', '-q', '-b', 'feature', cwd=repo)
    write(repo / '.commit-warden.yaml', 'version: 1\nreport:\n  policy_changes: warn\n')
    git('commit', '-qam', 'relax', '--no-verify', '--no-gpg-sign', cwd=repo)
    write(repo / '.commit-warden.yaml', 'version: 1\nreport:\n  policy_changes: warn\nx: 1\n')
    r = Repo.discover()
    trusted = cfg.load(r, policy_ref='main')
    assert trusted.report.policy_changes == 'block'
    assert trusted.source == 'main:.commit-warden.yaml'
    assert cfg.load(r, policy_ref='feature').report.policy_changes == 'warn'


def test_policy_ref_without_file_means_defaults(repo: Path) -> None:
    git_commit(repo, 'empty')
    write(repo / '.commit-warden.yaml', 'version: 1\nreport:\n  policy_changes: warn\n')
    config = cfg.load(Repo.discover(), policy_ref='HEAD')
    assert config.report.policy_changes == 'block'
    assert config.source == 'HEAD: no policy file, defaults'


def test_policy_ref_errors_name_the_ref(repo: Path) -> None:
    git_commit(repo, 'empty')
    with pytest.raises(Exception, match="'nope' does not name a commit"):
        cfg.load(Repo.discover(), policy_ref='nope')


def test_policy_ref_invalid_file_names_ref_and_line(repo: Path) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentails: {}\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'bad policy')
    with pytest.raises(ConfigError) as e:
        cfg.load(Repo.discover(), policy_ref='main')
    assert str(e.value.problems[0]) == (
        "main:.commit-warden.yaml:2: credentails: unknown key; did you mean 'credentials'?"
    )


# --- commit-warden config ---------------------------------------------------------


def test_cli_config_reports_misspelling_and_exits_2(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentails:\n')
    assert cli.main(['config']) == 2
    out, err = capsys.readouterr()
    assert out == ''
    assert err.splitlines() == [
        ".commit-warden.yaml:2: credentails: unknown key; did you mean 'credentials'?",
        'commit-warden: the policy is invalid (1 problem); nothing was checked',
    ]


def test_cli_config_prints_effective_policy(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: trunk\n')
    assert cli.main(['config']) == 0
    out = capsys.readouterr().out
    assert out.startswith('# effective commit-warden policy, from .commit-warden.yaml\n')
    loaded = yaml.safe_load(out)
    assert loaded['hotfixes']['mainline'] == 'trunk'
    assert loaded['credentials']['max_file_bytes'] == 104_857_600
    # The printed policy is itself a valid policy with the same meaning.
    assert cfg.parse(out, 'printed') == cfg.parse('version: 1\nhotfixes:\n  mainline: trunk\n', 'x')


def test_cli_config_policy_ref(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: from-main\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'policy')
    git('checkout', '-q', '-b', 'topic', cwd=repo)
    write(repo / '.commit-warden.yaml', 'version: 1\nhotfixes:\n  mainline: from-disk\n')
    assert cli.main(['config', '--policy-ref', 'main']) == 0
    out = capsys.readouterr().out
    assert 'from main:.commit-warden.yaml' in out
    assert yaml.safe_load(out)['hotfixes']['mainline'] == 'from-main'


def test_cli_config_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(['config']) == 2
    err = capsys.readouterr().err
    assert 'is not inside a git repository' in err
    assert 'Traceback' not in err


def test_schema_is_valid_and_matches_the_loader(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(['config', '--schema']) == 0
    schema = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft202012Validator
    validator.check_schema(schema)
    defaults = yaml.safe_load(options.to_yaml(cfg.Config()))
    validator(schema).validate(defaults)
    assert list(validator(schema).iter_errors({**defaults, 'credentails': {}}))
    assert list(validator(schema).iter_errors({**defaults, 'report': {'policy_changes': 'warm'}}))
    for section in ('credentials', 'signatures', 'hotfixes', 'report'):
        assert schema['properties'][section]['additionalProperties'] is False


def test_published_schema_is_current() -> None:
    published = json.loads((ROOT / 'hooks' / 'commit-warden.schema.json').read_text())
    assert published == options.json_schema(), (
        'regenerate: commit-warden config --schema > hooks/commit-warden.schema.json'
    )


def test_readme_config_reference_matches_the_schema() -> None:
    readme = (ROOT / 'README.md').read_text()
    assert options.reference_markdown() in readme, (
        'README config reference is stale: paste `commit-warden config --reference`'
    )


def test_importing_config_stays_light() -> None:
    code = (
        'import sys, hooks.config, hooks.git, hooks.report, hooks.runner; '
        'bad = [m for m in sys.modules if m.split(".")[0] in '
        '("detect_secrets", "requests", "git")]; print(bad)'
    )
    out = subprocess.run(
        (sys.executable, '-c', code), capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == '[]'


def test_importtime_shows_no_heavy_imports() -> None:
    proc = subprocess.run(
        (sys.executable, '-X', 'importtime', '-c', 'import hooks.config'),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert 'detect_secrets' not in proc.stderr
    assert 'requests' not in proc.stderr
