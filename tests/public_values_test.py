"""Known public values pass; the same shapes with any other value still block."""

from __future__ import annotations

import json
import random
import string

import pytest

from hooks.detectors.public import DATA_FILE
from hooks.detectors.public import PublicValueError
from hooks.detectors.public import builtin
from hooks.detectors.public import explain
from hooks.detectors.public import parse_entry
from hooks.scan import Scanner
from hooks.scan import ScanOptions

AZURITE = (
    'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/'
    'K1SZFPTOtr/KBHBeksoGMGw=='
)  # pragma: allowlist secret
JWT_IO = (
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l'
    'IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
)
SUPABASE_DEMO_ANON = (
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAi'
    'OjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'
)


def _rand(n: int, alphabet: str = string.ascii_letters + string.digits, seed: int = 5) -> str:
    rng = random.Random(seed)
    return ''.join(rng.choice(alphabet) for _ in range(n))


def _other_storage_key() -> str:
    return _rand(86, string.ascii_letters + string.digits + '+/') + '=='


def _other_jwt() -> str:
    payload = 'eyJzdWIiOiI5ODc2NTQzMjEwIiwibmFtZSI6Ik1hbGxvcnkifQ'
    return '.'.join(
        (JWT_IO.split('.')[0], payload, _rand(43, string.ascii_letters + string.digits + '_-'))
    )


def _firebase_key(seed: int = 9) -> str:
    return 'AIza' + _rand(35, string.ascii_letters + string.digits + '_-', seed)


def _found(path: str, text: str, scanner: Scanner | None = None) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in (scanner or Scanner()).scan_text(path, text)]


# (public value, a value of the same shape that is not public, templates by file type)
CASES = {
    'azurite': (
        AZURITE,
        _other_storage_key(),
        {
            'local.settings.json': '{{"AzureWebJobsStorage": "DefaultEndpointsProtocol=http;'
            'AccountName=devstoreaccount1;AccountKey={v};"}}\n',
            'docker-compose.yml': 'environment:\n  AZURE_STORAGE_KEY: "{v}"\n',
            'tests/conftest.py': 'STORAGE_ACCOUNT_KEY = "{v}"\n',
            'README.md': 'Set `AccountKey={v}` for the emulator.\n',
        },
    ),
    'jwt.io': (
        JWT_IO,
        _other_jwt(),
        {
            'auth.test.js': 'const token = "{v}";\n',
            'docs/auth.md': 'curl -H "Authorization: Bearer {v}" http://localhost:8080/me\n',
            'fixtures.yaml': 'token: {v}\n',
            'test_auth.py': 'TOKEN = "{v}"\n',
        },
    ),
    'supabase-demo': (
        SUPABASE_DEMO_ANON,
        None,
        {
            '.env.local': 'SUPABASE_ANON_KEY={v}\n',
            'supabase.ts': "const supabase = createClient('http://127.0.0.1:54321', '{v}')\n",
            'config.yaml': 'anon_key: "{v}"\n',
        },
    ),
    'firebase': (
        _firebase_key(),
        None,
        {
            'src/config.js': 'const firebaseConfig = {{\n  apiKey: "{v}",\n'
            '  authDomain: "demo.firebaseapp.com",\n}};\n',
            'app/google-services.json': '{{"api_key": [{{"current_key": "{v}"}}]}}\n',
            'web/index.html': '<script>firebase.initializeApp({{ apiKey: "{v}", '
            'projectId: "demo" }})</script>\n',
            'ios/GoogleService-Info.plist': '<key>API_KEY</key>\n<string>{v}</string>\n',
        },
    ),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_known_public_value_passes_in_every_file_type(name: str) -> None:
    value, _, places = CASES[name]
    assert len(places) >= 3
    for path, template in places.items():
        scanner = Scanner()
        assert _found(path, template.format(v=value), scanner) == [], path
        # ... and a verbose run can say why.
        assert scanner.public_matches, path


@pytest.mark.parametrize('name', [n for n in sorted(CASES) if CASES[n][1]])
def test_same_shape_with_another_value_still_blocks(name: str) -> None:
    _, other, places = CASES[name]
    assert other is not None
    for path, template in places.items():
        assert _found(path, template.format(v=other)), path


def test_a_google_api_key_outside_a_firebase_config_still_blocks() -> None:
    key = _firebase_key()
    assert _found('src/maps.js', f'const MAPS_KEY = "{key}";\n') == [(1, 'gcp-api-key')]
    assert _found('server/gemini.py', f'GEMINI_API_KEY = "{key}"\n') == [(1, 'gcp-api-key')]


def test_a_real_supabase_service_role_key_still_blocks() -> None:
    import base64

    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b'=').decode()

    token = '.'.join(
        (
            part({'alg': 'HS256', 'typ': 'JWT'}),
            part(
                {
                    'iss': 'supabase',
                    'ref': 'qwertyuiopasdfghjklz',
                    'role': 'service_role',
                    'iat': 1700000000,
                    'exp': 2000000000,
                }
            ),
            _rand(43, string.ascii_letters + string.digits + '_-'),
        )
    )
    assert _found('.env', f'SUPABASE_SERVICE_ROLE_KEY={token}\n') == [
        (1, 'supabase-service-role-key')
    ]
    anon = token.replace(
        part(
            {
                'iss': 'supabase',
                'ref': 'qwertyuiopasdfghjklz',
                'role': 'service_role',
                'iat': 1700000000,
                'exp': 2000000000,
            }
        ),
        part(
            {
                'iss': 'supabase',
                'ref': 'qwertyuiopasdfghjklz',
                'role': 'anon',
                'iat': 1700000000,
                'exp': 2000000000,
            }
        ),
    )
    assert _found('.env', f'SUPABASE_ANON_KEY={anon}\n') == []


def test_explain_names_the_entry_and_its_source() -> None:
    entry = explain(AZURITE)
    assert entry is not None and entry.id == 'azurite-account-key'
    assert entry.source.startswith('https://learn.microsoft.com/')
    assert explain(_other_storage_key()) is None


def test_every_entry_has_a_source_and_parses() -> None:
    entries = builtin()
    assert len(entries) >= 10
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert e.source.startswith('https://'), e.id
        assert e.what and e.provider, e.id
    raw = json.loads(DATA_FILE.read_text(encoding='utf-8'))
    assert len(raw['values']) == len(entries)


def test_a_policy_adds_its_own_public_values() -> None:
    token = 'ghp_' + _rand(36, seed=11)
    text = f'GITHUB_TOKEN = "{token}"\n'
    assert _found('ci.py', text) == [(1, 'github-token')]
    entry = parse_entry(
        {
            'id': 'demo-bot',
            'what': 'the read-only token of our public demo',
            'source': 'https://wiki.example.org/demo',
            'value': token,
        },
        'policy',
    )
    scanner = Scanner(ScanOptions(public_values=(entry,)))
    assert _found('ci.py', text, scanner) == []
    assert [m.entry.id for m in scanner.public_matches] == ['demo-bot']


@pytest.mark.parametrize(
    ('raw', 'message'),
    [
        ({'id': 'x', 'what': 'w', 'source': 's', 'value': 'short'}, '8 characters'),
        ({'id': 'x', 'what': 'w', 'source': 's', 'match': 'glob', 'value': 'abcdefghij'}, 'match'),
        ({'id': 'x', 'what': 'w', 'value': 'abcdefghij'}, "'source'"),
        (
            {
                'id': 'x',
                'what': 'w',
                'source': 's',
                'match': 'context',
                'rules': ['r'],
                'line': '(',
            },
            'not a regex',
        ),
    ],
)
def test_a_bad_entry_is_refused_with_the_reason(raw: dict[str, object], message: str) -> None:
    with pytest.raises(PublicValueError, match=message):
        parse_entry(raw, 'credentials.public_values[0]')


# --- the policy's own public values, and what a run says of them ------------------


def _stage(repo, name: str, text: str) -> None:
    from tests.conftest import git
    from tests.conftest import write

    write(repo / name, text)
    git('add', name, cwd=repo)


def test_a_public_value_passes_and_the_run_says_why(repo, capsys) -> None:
    from hooks.credentials import main

    _stage(
        repo,
        'local.settings.json',
        f'{{"AccountName": "devstoreaccount1", "AccountKey": "{AZURITE}"}}\n',
    )
    assert main(['local.settings.json']) == 0
    out = capsys.readouterr().out
    assert 'local.settings.json:1: not reported:' in out
    assert '[azurite-account-key; source: https://learn.microsoft.com/' in out
    assert AZURITE not in out


def test_the_policy_adds_public_values(repo, capsys) -> None:
    from hooks.credentials import main
    from tests.conftest import write

    key = _other_storage_key()
    _stage(repo, 'settings.py', f'STORAGE_ACCOUNT_KEY = "{key}"\n')
    assert main(['settings.py']) == 1  # without the policy entry: blocked
    capsys.readouterr()
    write(
        repo / '.commit-warden.yaml',
        (
            'version: 1\ncredentials:\n  public_values:\n'
            '    - id: staging-emulator\n      what: the staging emulator key\n'
            '      source: https://wiki.example.com/emulator\n'
            f'      values: ["{key}"]\n'
        ),
    )
    assert main(['settings.py']) == 0
    out = capsys.readouterr().out
    assert 'settings.py:1: not reported: the staging emulator key is public by design' in out
    assert key not in out


@pytest.mark.parametrize(
    ('entry', 'message'),
    [
        ('    - id: x\n      what: w\n      source: s\n', 'public_values[0].values: required key'),
        (
            '    - id: x\n      what: w\n      source: s\n      values: ["short"]\n',
            'public_values[0].values[0]: expected a value of 8 characters or more',
        ),
        (
            '    - id: x\n      what: w\n      source: s\n      values: ["abcdefghij"]\n'
            '      match: regex\n',
            'public_values[0].match: expected one of',
        ),
        (
            '    - id: x\n      wat: w\n      source: s\n      values: ["abcdefghij"]\n',
            "unknown key; did you mean 'what'?",
        ),
    ],
)
def test_a_bad_public_value_entry_is_a_policy_error(repo, capsys, entry, message) -> None:
    from hooks.credentials import main
    from tests.conftest import write

    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  public_values:\n' + entry)
    _stage(repo, 'a.txt', 'hello\n')
    assert main(['a.txt']) == 2
    err = capsys.readouterr().err
    assert '.commit-warden.yaml:' in err and message in err


def test_config_lists_rules_and_public_values(capsys) -> None:
    from hooks.cli import main

    assert main(['config', '--rules']) == 0
    rows = [line.split('\t') for line in capsys.readouterr().out.splitlines()]
    assert all(len(r) == 4 for r in rows)
    assert len({r[1] for r in rows}) >= 150  # providers
    assert rows[[r[0] for r in rows].index('age-secret-key')][:2] == ['age-secret-key', 'age']
    assert main(['config', '--public-values']) == 0
    listed = capsys.readouterr().out
    assert listed.count('\n') == len(builtin())
    assert 'azurite-account-key\tAzure\t' in listed
