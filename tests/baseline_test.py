"""`commit-warden baseline` and detect-secrets, both ways, through detect-secrets'
own command lines (`detect-secrets scan`, `detect-secrets-hook`, `detect-secrets
audit`): what one writes the other accepts, keeps and honours."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hooks import cli
from hooks.credentials import main as check
from hooks.credentials.baseline import save_baseline
from hooks.credentials.baseline_merge import merge_results
from hooks.credentials.detect_secrets_compat import PLUGIN_FILE
from hooks.credentials.detect_secrets_compat import PLUGIN_NAME
from hooks.credentials.detect_secrets_compat import plugin_path
from hooks.credentials.engine import Hit
from tests.conftest import ROOT
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write
from tests.provider_samples import fill

BIN = Path(sys.executable).parent
GH = fill('ghp_{a:36}', 'baseline-gh')
GH_OTHER = fill('ghp_{a:36}', 'baseline-gh-other')
AWS = fill('AKIA{u:16}', 'baseline-aws')
SENTRY = fill('sntryu_{h:64}', 'baseline-sentry')
SENTRY_OTHER = fill('sntryu_{h:64}', 'baseline-sentry-other')
PASSWORD = fill('{a:18}', 'baseline-password')
HEROKU = fill('{uuid}', 'baseline-heroku')  # a UUID: detect-secrets' own filters drop those
HEX = fill('{h:40}', 'baseline-hex')
SECRETS = (GH, GH_OTHER, AWS, SENTRY, SENTRY_OTHER, PASSWORD, HEX, HEROKU)


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def tool(
    *argv: str,
    cwd: Path,
    shows_secrets: bool = False,
) -> subprocess.CompletedProcess[str]:
    """One of detect-secrets' own commands, installed beside this Python."""
    proc = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not shows_secrets:
        assert not any(s in proc.stdout + proc.stderr for s in SECRETS), 'a secret was printed'
    return proc


def hook(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return tool('detect-secrets-hook', '--baseline', '.secrets.baseline', *files, cwd=repo)


def warden(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert not any(s in out + err for s in SECRETS)
    return code, out + err


def checked(capsys: pytest.CaptureFixture[str], *files: str) -> tuple[int, str]:
    code = check(list(files))
    out, err = capsys.readouterr()
    assert not any(s in out + err for s in SECRETS)
    return code, out + err


def entries(repo: Path) -> dict[tuple[str, str, str], dict[str, object]]:
    doc = json.loads((repo / '.secrets.baseline').read_text())
    return {
        (path, e['hashed_secret'], e['type']): e for path, es in doc['results'].items() for e in es
    }


CONF = f'TOKEN = "{GH}"\nAWS_KEY = "{AWS}"\npassword = "{PASSWORD}"\n'
# The same secrets on lines that are all new to git, one line lower.
EDITED = (
    f'# settings\nTOKEN = "{GH}"  # ci\nAWS_KEY = "{AWS}"  # ci\npassword = "{PASSWORD}"  # ci\n'
)


def flagged(out: str) -> list[str]:
    """The `path:line:` of each finding in a hook's text output."""
    return [
        line.split(' ')[0]
        for line in out.splitlines()
        if line[:1] not in (' ', '') and line.split(' ')[0].count(':') == 2
    ]


@pytest.fixture
def detect_secrets_state() -> Iterator[None]:
    """detect-secrets keeps its settings and its map of plugins in module globals, and
    the plugin its policy: each test that runs them in this process starts afresh."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import cache_bust

    from hooks.credentials import detect_secrets_plugin

    def reset() -> None:
        cache_bust()
        get_mapping_from_secret_type_to_class.cache_clear()
        detect_secrets_plugin._policy.cache_clear()
        detect_secrets_plugin._scan.cache_clear()

    reset()
    yield
    reset()


def test_the_plugin_is_commit_warden_inside_detect_secrets(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, detect_secrets_state: None
) -> None:
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import transient_settings

    from hooks.credentials.detect_secrets_plugin import CommitWardenDetector

    write(repo / 'conf.py', CONF + f'HEROKU_API_KEY = "{HEROKU}"\n')
    write(repo / 'vendor' / 'conf.py', CONF)
    write(repo / 'big.py', f'TOKEN = "{GH}"\n' + '#' * 300)
    write(repo / 'blob.bin', b'\0\x01\x02\x03' * 50 + GH.encode())
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n  exclude: ["vendor/**"]\n  max_file_bytes: 200\n',
    )
    # Loaded by path as detect-secrets loads it, with its default filters (which drop
    # UUID-shaped values): every finding of the file, each on its own line.
    ours = {'name': PLUGIN_NAME, 'path': f'file://{PLUGIN_FILE}'}
    with transient_settings({'plugins_used': [ours]}):
        found = SecretsCollection()
        for name in ('conf.py', 'vendor/conf.py', 'big.py', 'blob.bin'):
            found.scan_file(name)
    assert sorted((f, s.type, s.secret_hash, s.line_number) for f, s in found) == sorted(
        [
            ('conf.py', 'GitHub Token', sha1(GH), 1),
            ('conf.py', 'AWS Access Key', sha1(AWS), 2),
            ('conf.py', 'Secret Keyword', sha1(PASSWORD), 3),
            ('conf.py', 'Heroku API Key', sha1(HEROKU), 4),
        ]
    )
    # detect-secrets' filters see a preview, never the value...
    assert all(s.secret_value.endswith(' chars') for _, s in found)
    # ...and its audit (which passes enable_eager_search) the value, to show it.
    plugin = CommitWardenDetector()
    audited = plugin.analyze_line('conf.py', 'x = 1', 7, enable_eager_search=True)
    assert sorted(sha1(s.secret_value) for s in audited) == sorted(
        sha1(v) for v in (GH, AWS, PASSWORD, HEROKU)
    )
    assert plugin.analyze_line('conf.py', 'x = 1', 8) == set()  # the rest of the file
    assert plugin.analyze_line('gone.py', 'x = 1', 1) == set()
    # Outside a repository: the defaults.
    write(tmp_path / 'else' / 'conf.py', CONF)
    monkeypatch.chdir(tmp_path / 'else')
    from hooks.credentials import detect_secrets_plugin

    detect_secrets_plugin._policy.cache_clear()
    assert len(CommitWardenDetector().analyze_line('conf.py', '', 1)) == 3


@pytest.mark.slow  # runs the real detect-secrets CLI
def test_commit_warden_writes_what_detect_secrets_hook_accepts_and_keeps(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'conf.py', CONF)
    write(
        repo / 'sentry.py',
        f'import os\n\nDSN = os.environ["DSN"]\nauth = "{SENTRY}"\nHEROKU_API_KEY = "{HEROKU}"\n',
    )
    git('add', '.', cwd=repo)
    code, out = warden(capsys, 'baseline')
    assert code == 0
    assert out.startswith('.secrets.baseline: 7 known findings recorded (7 new, 0 found again)')
    doc = json.loads((repo / '.secrets.baseline').read_text())
    assert list(doc)[:4] == ['version', 'plugins_used', 'filters_used', 'results']
    names = [p['name'] for p in doc['plugins_used']]
    assert {
        'AWSKeyDetector',
        'GitHubTokenDetector',
        'KeywordDetector',
        'Base64HighEntropyString',
        PLUGIN_NAME,
    } <= set(names)
    (ours,) = [p for p in doc['plugins_used'] if 'path' in p]
    assert ours == {'name': PLUGIN_NAME, 'path': f'file://{PLUGIN_FILE.resolve()}'}
    assert 'detect_secrets.filters.heuristic.is_potential_uuid' in {
        f['path'] for f in doc['filters_used']
    }
    known = entries(repo)
    assert ('sentry.py', sha1(SENTRY), 'Sentry Token') in known  # commit-warden's alone
    assert ('sentry.py', sha1(HEROKU), 'Heroku API Key') in known
    assert ('conf.py', sha1(GH), 'GitHub Token') in known  # commit-warden's hash
    assert ('conf.py', sha1('ghp'), 'GitHub Token') in known  # detect-secrets' hash
    assert ('conf.py', sha1(AWS), 'AWS Access Key') in known  # both, one entry
    assert not any('line_number' in e for e in known.values())
    # Its settings are what `detect-secrets scan --no-verify` writes, and everything that
    # finds is an entry.
    scan = json.loads(tool('detect-secrets', 'scan', '--no-verify', cwd=repo).stdout)
    assert doc['version'] == scan['version']
    assert doc['filters_used'] == scan['filters_used']
    assert [p for p in doc['plugins_used'] if 'path' not in p] == scan['plugins_used']
    assert {
        (path, e['hashed_secret'], e['type']) for path, es in scan['results'].items() for e in es
    } <= set(known)
    git('add', '.', cwd=repo)
    written = (repo / '.secrets.baseline').read_bytes()

    # detect-secrets' hook passes and leaves every entry, commit-warden's too...
    proc = hook(repo, 'conf.py', 'sentry.py')
    assert (proc.returncode, proc.stdout) == (0, '')
    assert (repo / '.secrets.baseline').read_bytes() == written
    # ...when the code moves...
    write(repo / 'conf.py', '"""Settings."""\n\n\n' + CONF)
    git('add', '.', cwd=repo)
    proc = hook(repo, 'conf.py', 'sentry.py')
    assert (proc.returncode, proc.stdout) == (0, '')
    assert (repo / '.secrets.baseline').read_bytes() == written
    assert checked(capsys, 'conf.py', 'sentry.py') == (0, '')
    # ...and it runs commit-warden: a new token of a kind only commit-warden knows blocks.
    write(
        repo / 'sentry.py',
        f'auth = "{SENTRY}"\nbackup = "{SENTRY_OTHER}"\nHEROKU_API_KEY = "{HEROKU}"\n',
    )
    git('add', '.', cwd=repo)
    proc = hook(repo, 'sentry.py')
    assert proc.returncode == 1
    assert 'Secret Type: Sentry Token\nLocation:    sentry.py:2\n' in proc.stdout
    assert (repo / '.secrets.baseline').read_bytes() == written
    code, out = checked(capsys, 'sentry.py')
    assert code == 1
    assert out.startswith('sentry.py:2: Sentry')


@pytest.mark.slow  # runs the real detect-secrets CLI
def test_detect_secrets_without_commit_warden_installed_loads_it_from_the_path(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit runs detect-secrets in an environment of its own: the plugin file,
    # named by its path, finds commit-warden's package beside itself.
    import os

    import detect_secrets

    write(repo / 'sentry.py', f'auth = "{SENTRY}"\n')
    git('add', '.', cwd=repo)
    assert warden(capsys, 'baseline')[0] == 0
    write(repo / 'sentry.py', f'auth = "{SENTRY}"\nbackup = "{SENTRY_OTHER}"\n')
    git('add', '.', cwd=repo)
    alone = {**os.environ, 'PYTHONPATH': str(Path(detect_secrets.__file__).parent.parent)}
    probe = [sys.executable, '-S', '-c', 'import hooks']  # -S: no .pth, no commit-warden
    assert subprocess.run(probe, env=alone, capture_output=True, check=False).returncode == 1
    proc = subprocess.run(
        [
            sys.executable,
            '-S',
            '-m',
            'detect_secrets.pre_commit_hook',
            '--baseline',
            '.secrets.baseline',
            'sentry.py',
        ],
        cwd=repo,
        env=alone,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr[-300:]
    assert 'Secret Type: Sentry Token\nLocation:    sentry.py:2\n' in proc.stdout


@pytest.mark.slow  # runs the real detect-secrets CLI
def test_detect_secrets_audit_reads_it(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    detect_secrets_state: None,
) -> None:
    write(repo / 'conf.py', CONF)
    git('add', '.', cwd=repo)
    assert warden(capsys, 'baseline')[0] == 0
    stats = tool('detect-secrets', 'audit', '--stats', '--json', '.secrets.baseline', cwd=repo)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)['GitHubTokenDetector']['stats']['raw']['unknown'] == 2
    # Its report shows each secret's value (that is what it is for): not printed here.
    report = tool(
        'detect-secrets', 'audit', '--report', '.secrets.baseline', cwd=repo, shows_secrets=True
    )
    assert report.returncode == 0, 'detect-secrets audit --report failed'
    # (Alone, it cannot find commit-warden's GitHub entry again: its own GitHub plugin
    # hashes the prefix. `commit-warden baseline --audit` can, below.)
    assert sorted(t for r in json.loads(report.stdout)['results'] for t in r['types']) == [
        'AWS Access Key',
        'Base64 High Entropy String',
        'GitHub Token',
        'Secret Keyword',
    ]

    # A type only commit-warden reports stops detect-secrets' audit (Yelp/detect-secrets#611:
    # it maps types to plugins before reading the baseline that names its plugins);
    # `commit-warden baseline --audit` runs the same audit with that map rebuilt.
    write(repo / 'sentry.py', f'auth = "{SENTRY}"\n')
    git('add', '.', cwd=repo)
    assert warden(capsys, 'baseline', '--line-numbers')[0] == 0
    stats = tool('detect-secrets', 'audit', '--stats', '--json', '.secrets.baseline', cwd=repo)
    assert stats.returncode != 0
    assert "KeyError: 'Sentry Token'" in stats.stderr
    code, out = warden(capsys, 'baseline', '--audit', '--stats', '--json')
    assert code == 0
    assert json.loads(out)[PLUGIN_NAME]['stats']['raw']['unknown'] == 1

    # Labelling every entry, commit-warden's GitHub and Sentry ones included: "should
    # this string be committed?" yes = a false positive, no = a real secret.
    known = entries(repo)
    order = sorted(known, key=lambda k: (k[0], known[k]['line_number'], k[1], k[2]))
    answers = ['y' if t in ('Sentry Token', 'GitHub Token') else 'n' for _, _, t in order]
    # An entry of a file that is gone (as a sweep of the history records) is left out
    # of the session and kept; detect-secrets' own audit would drop it.
    doc = json.loads((repo / '.secrets.baseline').read_text())
    gone = {
        'type': 'Secret Keyword',
        'filename': 'gone.py',
        'hashed_secret': sha1('gone'),
        'is_verified': False,
        'line_number': 3,
    }
    doc['results']['gone.py'] = [gone]
    write(repo / '.secrets.baseline', json.dumps(doc, indent=2) + '\n')
    # (It shows each secret in its line, to the person auditing: not printed here.)
    monkeypatch.setattr('sys.stdin', io.StringIO('\n'.join(answers) + '\n'))
    monkeypatch.setattr('detect_secrets.audit.io.clear_screen', lambda: None)
    monkeypatch.setenv('CLICOLOR', '0')  # its colour test holds the stdout of its import
    assert cli.main(['baseline', '--audit']) == 0
    out = capsys.readouterr().out
    assert 'Saving progress...' in out
    assert '1 entry of files not in the work tree left as they were' in out
    labels = {k: e.get('is_secret') for k, e in entries(repo).items()}
    assert entries(repo)[('gone.py', sha1('gone'), 'Secret Keyword')] == gone
    del labels[('gone.py', sha1('gone'), 'Secret Keyword')]
    assert None not in labels.values()
    assert labels[('sentry.py', sha1(SENTRY), 'Sentry Token')] is False
    assert labels[('conf.py', sha1(GH), 'GitHub Token')] is False
    assert labels[('conf.py', sha1(AWS), 'AWS Access Key')] is True
    # commit-warden honours them: a false positive passes, a real secret blocks.
    git('add', '.', cwd=repo)
    code, out = checked(capsys, 'conf.py', 'sentry.py')
    assert code == 1
    assert flagged(out) == ['conf.py:2:', 'conf.py:3:']  # the AWS key and the password


@pytest.mark.slow  # runs the real detect-secrets CLI
def test_detect_secrets_baseline_is_merged_never_replaced(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'conf.py', CONF)
    write(repo / 'data.py', f'CHECKSUM = "{HEX}"\n')
    write(repo / 'old.py', f'password = "{PASSWORD}x"\n')
    write(repo / 'vendor.py', 'import os\n')
    git('add', '.', cwd=repo)
    scan = tool('detect-secrets', 'scan', '--no-verify', cwd=repo)
    assert scan.returncode == 0, scan.stderr
    doc = json.loads(scan.stdout)
    # Labels as `detect-secrets audit` writes them, and an entry of a type only some
    # plugin of someone else's reports.
    for es in doc['results'].values():
        for e in es:
            if e['type'] == 'Hex High Entropy String':  # a type commit-warden lacks
                e['is_secret'] = False
            if e['type'] == 'AWS Access Key':
                e['is_secret'] = True
                e['is_verified'] = True
    doc['results']['vendor.py'] = [
        {
            'type': 'Internal Service Token',
            'filename': 'vendor.py',
            'hashed_secret': sha1('internal'),
            'is_verified': False,
            'line_number': 4,
            'is_secret': False,
        }
    ]
    write(repo / '.secrets.baseline', json.dumps(doc, indent=2) + '\n')
    before = entries(repo)
    assert ('conf.py', sha1('ghp'), 'GitHub Token') in before  # detect-secrets' GitHub hash
    assert len(before) == 7
    write(repo / 'old.py', 'import os\npassword = os.environ["PASSWORD"]\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'detect-secrets baseline')

    # A detect-secrets entry for a GitHub token covers any token of the kind in the file:
    # commit-warden does not take it, and says why.
    write(repo / 'conf.py', EDITED)
    git('add', 'conf.py', cwd=repo)
    code, out = checked(capsys, 'conf.py')
    assert code == 1
    assert flagged(out) == ['conf.py:2:', 'conf.py:3:']  # and the AWS key, audited as real
    assert out.startswith('conf.py:2: GitHub')
    assert 'detect-secrets hashes only the prefix (`ghp`)' in out

    code, out = warden(capsys, 'baseline')
    assert code == 0
    assert out.splitlines()[:4] == [
        '.secrets.baseline: 8 known findings recorded (1 new, 5 found again); review them, '
        'then `git add .secrets.baseline`',
        '.secrets.baseline: 1 entry of types neither commit-warden nor detect-secrets looked '
        'for, kept as they are',
        '.secrets.baseline: 1 entry not found again in the index (the secret was removed, or a '
        'plugin or filter changed): kept; `--prune` removes them',
        '  old.py: Secret Keyword',
    ]
    after = entries(repo)
    for key, e in before.items():  # every entry kept, labels and all
        assert {k: v for k, v in after[key].items() if k != 'line_number'} == {
            k: v for k, v in e.items() if k != 'line_number'
        }
    assert set(after) - set(before) == {('conf.py', sha1(GH), 'GitHub Token')}
    assert after[('conf.py', sha1(AWS), 'AWS Access Key')]['line_number'] == 3  # moved: updated
    new_doc = json.loads((repo / '.secrets.baseline').read_text())
    assert new_doc['filters_used'] == doc['filters_used']
    assert new_doc['version'] == doc['version']
    assert new_doc['generated_at'] == doc['generated_at']
    assert [p for p in new_doc['plugins_used'] if p['name'] != PLUGIN_NAME] == doc['plugins_used']

    # The hooks honour it: known secrets pass, a new one blocks, in both.
    git('add', '.', cwd=repo)
    merged = (repo / '.secrets.baseline').read_bytes()
    proc = hook(repo, 'conf.py', 'data.py')
    assert (proc.returncode, proc.stdout) == (0, '')
    assert (repo / '.secrets.baseline').read_bytes() == merged
    code, out = checked(capsys, 'conf.py')
    assert flagged(out) == ['conf.py:3:']  # the AWS key, audited as real, only
    write(repo / 'conf.py', EDITED + f'OTHER = "{GH_OTHER}"\n')
    git('add', 'conf.py', cwd=repo)
    code, out = checked(capsys, 'conf.py')
    assert code == 1
    assert flagged(out) == ['conf.py:3:', 'conf.py:5:']
    proc = hook(repo, 'conf.py')
    assert proc.returncode == 1
    assert 'Secret Type: GitHub Token\nLocation:    conf.py:5\n' in proc.stdout

    code, out = warden(capsys, 'baseline', '--prune')
    assert code == 0
    assert 'removed (--prune)' in out
    assert ('old.py', sha1(f'{PASSWORD}x'), 'Secret Keyword') not in entries(repo)


def test_prune_and_the_merge_rules() -> None:
    old = {
        'a.py': [
            {
                'type': 'T',
                'filename': 'a.py',
                'hashed_secret': '1',
                'is_verified': True,
                'line_number': 9,
                'is_secret': False,
            },
            {'type': 'T', 'filename': 'a.py', 'hashed_secret': '2', 'is_verified': False},
            {'type': 'Other', 'filename': 'a.py', 'hashed_secret': '3', 'is_verified': False},
        ]
    }
    found = [
        {
            'type': 'T',
            'filename': 'a.py',
            'hashed_secret': '1',
            'is_verified': False,
            'line_number': 2,
        },
        {
            'type': 'T',
            'filename': 'b.py',
            'hashed_secret': '4',
            'is_verified': False,
            'line_number': 5,
        },
    ]
    merged = merge_results(old, found, looked_for=lambda path, t: t == 'T', line_numbers=True)
    assert merged.results == {
        'a.py': [
            {'type': 'T', 'filename': 'a.py', 'hashed_secret': '2', 'is_verified': False},
            {'type': 'Other', 'filename': 'a.py', 'hashed_secret': '3', 'is_verified': False},
            {
                'type': 'T',
                'filename': 'a.py',
                'hashed_secret': '1',
                'is_verified': True,
                'line_number': 2,
                'is_secret': False,
            },
        ],
        'b.py': [
            {
                'type': 'T',
                'filename': 'b.py',
                'hashed_secret': '4',
                'is_verified': False,
                'line_number': 5,
            }
        ],
    }
    assert (merged.added, merged.found_again, merged.stale, merged.foreign) == (
        1,
        1,
        ('a.py: T',),
        1,
    )
    pruned = merge_results(
        old, found, looked_for=lambda path, t: t == 'T', line_numbers=False, prune=True
    )
    assert [e['hashed_secret'] for e in pruned.results['a.py']] == ['1', '3']
    assert pruned.stale == ('a.py: T',)
    assert not any('line_number' in e for es in pruned.results.values() for e in es)


def test_a_broken_baseline_is_not_overwritten(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / '.secrets.baseline', '{"results": {"a.py": [{"type": "T"}]}}\n')
    write(repo / 'conf.py', CONF)
    git('add', '.', cwd=repo)
    code, out = warden(capsys, 'baseline')
    assert code == 2
    assert 'not a secrets baseline' in out
    assert 'nothing was written' in out
    assert (repo / '.secrets.baseline').read_text() == ('{"results": {"a.py": [{"type": "T"}]}}\n')


def test_without_detect_secrets_only_commit_warden_entries(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'conf.py', CONF)
    git('add', '.', cwd=repo)
    code, out = warden(capsys, 'baseline', '--no-detect-secrets')
    assert code == 0
    assert 'detect-secrets was not run (--no-detect-secrets)' in out
    assert set(entries(repo)) == {
        ('conf.py', sha1(GH), 'GitHub Token'),
        ('conf.py', sha1(AWS), 'AWS Access Key'),
        ('conf.py', sha1(PASSWORD), 'Secret Keyword'),
    }
    assert checked(capsys, 'conf.py') == (0, '')


def test_save_baseline_adds_and_keeps(tmp_path: Path) -> None:
    target = tmp_path / '.secrets.baseline'
    target.write_text(
        json.dumps(
            {
                'version': '1.4.0',
                'results': {
                    'x.py': [
                        {
                            'type': 'T',
                            'filename': 'x.py',
                            'hashed_secret': '1',
                            'is_secret': False,
                            'is_verified': False,
                        }
                    ]
                },
            }
        )
    )
    hit = Hit(
        path='y.py',
        line=3,
        commit='c' * 40,
        rule='github-token',
        provider='GitHub',
        kind='token',
        secret_type='GitHub Token',
        hashed_secret=sha1(GH),
        fingerprint='f',
        preview='ghp_…',
    )
    assert save_baseline(target, [hit, hit._replace(line=1)], keep=True) == 2
    doc = json.loads(target.read_text())
    assert doc['version'] == '1.4.0'
    assert doc['results'] == {
        'x.py': [
            {
                'type': 'T',
                'filename': 'x.py',
                'hashed_secret': '1',
                'is_secret': False,
                'is_verified': False,
            }
        ],
        'y.py': [
            {
                'type': 'GitHub Token',
                'filename': 'y.py',
                'hashed_secret': sha1(GH),
                'is_verified': False,
            }
        ],
    }
    assert PLUGIN_NAME in [p['name'] for p in doc['plugins_used']]
    assert doc['filters_used']


def test_where_detect_secrets_loads_commit_warden_from(tmp_path: Path) -> None:
    # Inside the repository (a vendored copy, a virtual environment in it): relative,
    # the same on every machine that runs detect-secrets at the top level.
    assert plugin_path(ROOT, []) == ('file://hooks/credentials/detect_secrets_plugin.py', None)
    path, note = plugin_path(tmp_path, [])
    assert path == f'file://{PLUGIN_FILE.resolve()}'
    assert note is not None and '--plugin-path' in note
    # A path someone chose is kept while its file is there, and replaced when it is not.
    write(tmp_path / 'tools' / 'warden.py', '')
    chosen = [{'name': PLUGIN_NAME, 'path': 'file://tools/warden.py'}]
    assert plugin_path(tmp_path, chosen) == ('file://tools/warden.py', None)
    gone = [{'name': PLUGIN_NAME, 'path': 'file:///nowhere/warden.py'}]
    assert plugin_path(tmp_path, gone)[0] == f'file://{PLUGIN_FILE.resolve()}'
    assert plugin_path(tmp_path, gone, 'shared/warden.py') == ('file://shared/warden.py', None)


def test_audit_says_what_it_cannot_do(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    detect_secrets_state: None,
) -> None:
    write(repo / 'conf.py', CONF)
    git('add', '.', cwd=repo)
    assert warden(capsys, 'baseline', '--no-detect-secrets')[0] == 0
    code, out = warden(capsys, 'baseline', '--audit')
    assert code == 2
    assert (
        'interactive audit needs line numbers: write them with `commit-warden baseline '
        '--line-numbers` first' in out
    )
    assert warden(capsys, 'baseline', '--no-detect-secrets', '--line-numbers')[0] == 0
    monkeypatch.setattr('sys.stdin', io.StringIO('y\n'))  # then the input ends
    monkeypatch.setattr('detect_secrets.audit.io.clear_screen', lambda: None)
    monkeypatch.setenv('CLICOLOR', '0')  # its colour test holds the stdout of its import
    before = (repo / '.secrets.baseline').read_text()
    assert cli.main(['baseline', '--audit']) == 2
    assert 'the input ended before the audit did: no label was saved' in capsys.readouterr().err
    assert (repo / '.secrets.baseline').read_text() == before
    doc = json.loads(before)
    doc['results']['conf.py'].append(
        {
            'type': 'Internal Service Token',
            'filename': 'conf.py',
            'hashed_secret': sha1('x'),
            'is_verified': False,
            'line_number': 1,
        }
    )
    write(repo / '.secrets.baseline', json.dumps(doc))
    code, out = warden(capsys, 'baseline', '--audit', '--stats')
    assert code == 0  # statistics need no plugin...
    assert 'Plugin: CommitWardenDetector' in out
    doc['plugins_used'] = [p for p in doc['plugins_used'] if p['name'] != PLUGIN_NAME]
    write(repo / '.secrets.baseline', json.dumps(doc))
    code, out = warden(capsys, 'baseline', '--audit', '--stats')
    assert code == 2  # ...but a type no plugin it names reports has no name to show
    assert 'no plugin it names reports Internal Service Token' in out
    with pytest.raises(SystemExit):
        cli.main(['baseline', '--stats'])
    assert '--stats and --json go with --audit' in capsys.readouterr().err
