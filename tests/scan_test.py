"""Unit tests for the engine contract of hooks.scan.

Secrets are generated at run time, and assertions compare fingerprints, never
raw values, so a failing test prints no secret.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.scan import Detection
from hooks.scan import Line
from hooks.scan import Scanner
from hooks.scan import ScanOptions
from hooks.userregex import UserRegex

ROOT = Path(__file__).resolve().parent.parent
ALNUM = string.ascii_letters + string.digits


def fp(secret: str) -> str:
    """A fingerprint to compare secrets by without printing them."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def gh_token(seed: int = 1) -> str:
    rng = random.Random(seed)
    return 'ghp_' + ''.join(rng.choice(ALNUM) for _ in range(36))


def password(seed: int = 2) -> str:
    rng = random.Random(seed)
    return ''.join(rng.choice(ALNUM) for _ in range(10)) + '#7aQ'


def random_string(seed: int, length: int, alphabet: str = ALNUM) -> str:
    rng = random.Random(seed)
    return ''.join(rng.choice(alphabet) for _ in range(length))


def found(detections: list[Detection]) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in detections]


def test_scan_text_reports_line_rule_provider_kind_and_type() -> None:
    token = gh_token()
    detections = Scanner().scan_text('app/settings.py', f'import os\nTOKEN = "{token}"\n')
    assert found(detections) == [(2, 'github-token')]
    (detection,) = detections
    assert (detection.provider, detection.kind, detection.secret_type) == (
        'GitHub',
        'personal access token (classic)',
        'GitHub Token',
    )
    assert fp(detection.secret) == fp(token)


def test_repr_and_str_never_show_the_secret() -> None:
    token = gh_token()
    (detection,) = Scanner().scan_text('a.py', f'TOKEN = "{token}"')
    assert token[4:] not in repr(detection)
    assert token[4:] not in str(detection)
    assert 'secret=' not in repr(detection)


def test_only_added_lines_are_reported() -> None:
    lines = [
        Line(10, f'OLD = "{gh_token(1)}"', added=False),
        Line(11, f'NEW = "{gh_token(2)}"', added=True),
    ]
    assert found(Scanner().scan('a.py', lines)) == [(11, 'github-token')]


def test_private_key_header_on_a_context_line_counts_when_the_body_is_added() -> None:
    # Committing a header first and the body later must not sneak a key in.
    body = 'MIIEpAIBAAKCAQEA' + 'q' * 48
    lines = [
        Line(1, '-----BEGIN RSA PRIVATE KEY-----', added=False),  # pragma: allowlist secret
        Line(2, body, added=True),
        Line(3, '-----END RSA PRIVATE KEY-----', added=True),
    ]
    assert found(Scanner().scan('id_rsa', lines)) == [(1, 'private-key')]
    # Context alone (nothing added right under the header) is not a finding.
    context_only = [lines[0], Line(2, body, added=False), Line(7, 'x = 1', added=True)]
    assert Scanner().scan('id_rsa', context_only) == []


def test_private_key_body_may_be_on_a_context_line() -> None:
    lines = [
        Line(1, '-----BEGIN OPENSSH PRIVATE KEY-----', added=True),  # pragma: allowlist secret
        Line(2, 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMw', added=False),
    ]
    assert found(Scanner().scan('id_ed25519', lines)) == [(1, 'private-key')]


def test_nextline_pragma_on_a_context_line_allowlists_the_added_line() -> None:
    lines = [
        Line(4, '# pragma: allowlist nextline secret', added=False),
        Line(5, f'TOKEN = "{gh_token()}"', added=True),
        Line(6, f'OTHER = "{gh_token(3)}"', added=True),
    ]
    assert found(Scanner().scan('a.py', lines)) == [(6, 'github-token')]


def test_nextline_pragma_needs_the_line_right_above() -> None:
    lines = [
        Line(4, '# pragma: allowlist nextline secret', added=False),
        Line(9, f'TOKEN = "{gh_token()}"', added=True),
    ]
    assert found(Scanner().scan('a.py', lines)) == [(9, 'github-token')]


def test_nextline_pragma_after_code_does_not_count() -> None:
    text = f'x = 1  # pragma: allowlist nextline secret\nTOKEN = "{gh_token()}"\n'
    assert found(Scanner().scan_text('a.py', text)) == [(2, 'github-token')]


@pytest.mark.parametrize(
    'template',
    (
        'TOKEN = "{t}"  # pragma: allowlist secret',
        'const t = "{t}"; // pragma: allowlist secret',
        'const t = "{t}"; /* pragma: allowlist secret */',
        "SELECT '{t}' -- pragma: allowlist secret",
        '<token>{t}</token> <!-- pragma: allowlist secret -->',
        'token={t} ; pragma: allowlist secret',
        'token: {t} # pragma: whitelist secret',
    ),
)
def test_same_line_pragma_in_every_comment_style(template: str) -> None:
    assert Scanner().scan_text('f.txt', template.format(t=gh_token())) == []


def test_allowed_patterns_match_the_line_or_the_secret() -> None:
    token = gh_token()
    text = f'A = "{token}"\nB = "{gh_token(5)}"  # fixture\n'
    by_secret = ScanOptions(allowed_patterns=(UserRegex.compile(re.escape(token[:12])),))
    assert found(Scanner(by_secret).scan_text('a.py', text)) == [(2, 'github-token')]
    by_line = ScanOptions(allowed_patterns=(UserRegex.compile(r'# fixture$'),))
    assert found(Scanner(by_line).scan_text('a.py', text)) == [(1, 'github-token')]


def test_extra_patterns_are_reported_with_their_name() -> None:
    options = ScanOptions(
        extra_patterns=(
            ('internal-host', UserRegex.compile(r'\b[a-z0-9-]+\.corp\.internal\b')),
            ('ticket-secret', UserRegex.compile(r'TKT-SECRET-(\d{6})')),
        ),
    )
    text = 'url = "https://build7.corp.internal/x"\nnote: TKT-SECRET-123456\nplain line\n'
    detections = Scanner(options).scan_text('a.cfg', text)
    assert found(detections) == [(1, 'extra:internal-host'), (2, 'extra:ticket-secret')]
    assert detections[1].secret == '123456'  # the group, when the pattern has one
    assert {d.provider for d in detections} == {'Custom'}


def test_extra_patterns_respect_context_lines_and_pragmas() -> None:
    options = ScanOptions(extra_patterns=(('word', UserRegex.compile(r'forbidden')),))
    lines = [
        Line(1, 'forbidden', added=False),
        Line(2, 'forbidden  # pragma: allowlist secret', added=True),
        Line(3, 'forbidden', added=True),
    ]
    assert found(Scanner(options).scan('a.py', lines)) == [(3, 'extra:word')]


@pytest.mark.slow  # a 1 MB line
def test_a_megabyte_single_line_finishes_and_still_finds_the_secret() -> None:
    token = gh_token()
    filler = 'function a(b){return b.key+"token"+b.password};' * 11000  # ~0.5 MB each side
    line = filler + f'var t="{token}";' + filler
    detections = Scanner().scan_text('dist/app.min.js', line + '\n')
    assert found(detections) == [(1, 'github-token')]
    assert fp(detections[0].secret) == fp(token)


@pytest.mark.slow  # 36 scans of lines 3 windows long
def test_a_secret_across_a_window_boundary_is_found_once() -> None:
    from hooks import scan

    token = gh_token()
    for cut in range(scan.WINDOW - 60, scan.WINDOW + 20, 7):
        line = 'x' * cut + '=' + token + ';' + 'y' * (3 * scan.WINDOW)
        detections = Scanner().scan_text('a.js', line)
        assert found(detections) == [(1, 'github-token')], cut
        # Cut mid-word by a window, a longer word must not turn into a token.
        line = 'x' * cut + 'Z' + token + ';' + 'y' * (3 * scan.WINDOW)
        assert Scanner().scan_text('a.js', line) == [], cut
        # Cut mid-word by a window, a longer word must not turn into a token.
        line = 'x' * cut + 'Z' + token + ';' + 'y' * (3 * scan.WINDOW)
        assert Scanner().scan_text('a.js', line) == [], cut


@pytest.mark.slow  # a 300 KB line
def test_data_uri_on_a_long_line_is_not_a_secret() -> None:
    blob = random_string(7, 300_000, ALNUM + '+/')
    assert Scanner().scan_text('index.html', f'<img src="data:image/png;base64,{blob}">') == []


def test_non_ascii_text_keeps_line_numbers_and_offsets() -> None:
    token = gh_token()
    text = (
        '# Überprüfung — 设置 🚀\n'
        f'İİİİ = "ßß"; token = "{token}"  # İ lowercases to two characters\n'
        'пароль = "значение"\n'
    )
    assert found(Scanner().scan_text('a.py', text)) == [(2, 'github-token')]


def test_scan_text_handles_crlf_and_no_final_newline() -> None:
    text = f'a = 1\r\nTOKEN = "{gh_token()}"\r\nb = 2'
    assert found(Scanner().scan_text('a.py', text)) == [(2, 'github-token')]


def test_a_token_inside_a_url_is_reported_once_by_its_provider_rule() -> None:
    text = f'https://x-access-token:{gh_token()}@github.com/org/repo.git\n'
    assert found(Scanner().scan_text('a.sh', text)) == [(1, 'github-token')]


def test_generic_password_needs_a_real_looking_value() -> None:
    text = (
        f'password = "{password()}"\n'
        'password = "changeme"\n'
        'password = os.environ["DB_PASSWORD"]\n'
        'password = "${DB_PASSWORD}"\n'
        f'x = "{password(3)}"\n'
    )
    assert found(Scanner().scan_text('a.py', text)) == [(1, 'generic-password')]


def test_entropy_limits_are_options() -> None:
    text = f'api_key = "{random_string(3, 32)}"\n'
    assert found(Scanner().scan_text('a.py', text)) == [(1, 'generic-api-key')]
    strict = ScanOptions(entropy_base64_limit=6.0)
    assert Scanner(strict).scan_text('a.py', text) == []


def test_unquoted_values_count_only_in_config_files() -> None:
    value = password()
    assert found(Scanner().scan_text('.env', f'DB_PASSWORD={value}\n')) == [(1, 'generic-password')]
    assert Scanner().scan_text('a.py', f'DB_PASSWORD={value}\n') == []


def test_lockfiles_get_no_generic_findings() -> None:
    text = f'"token-stream": {{"token": "{random_string(4, 40)}"}}\n'
    assert found(Scanner().scan_text('src/config.json', text)) == [(1, 'generic-token')]
    assert Scanner().scan_text('package-lock.json', text) == []


def test_text_is_scanned_whatever_the_file_is_called() -> None:
    # Binary files are told by content (hooks.credentials); a name says nothing.
    assert found(Scanner().scan_text('logo.png', f'TOKEN = "{gh_token()}"')) == [
        (1, 'github-token')
    ]


def test_commit_message_pseudo_path() -> None:
    text = f'Fix deploy\n\ntemporary token {gh_token()}\n'
    assert found(Scanner().scan_text('<commit message>', text)) == [(3, 'github-token')]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    return subprocess.run(
        [sys.executable, '-c', code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_clean_text_never_imports_detect_secrets() -> None:
    result = _python(
        'import sys\n'
        'from hooks.scan import Scanner, Line\n'
        's = Scanner()\n'
        'assert s.scan_text("a.py", "import os\\nprint(1)\\n" * 1000) == []\n'
        'assert s.scan("b.py", [Line(1, "x = 1", True)]) == []\n'
        'print("detect_secrets" in sys.modules, "requests" in sys.modules)\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['False', 'False']


def test_ordinary_code_with_common_keywords_never_imports_detect_secrets() -> None:
    # `pass`, `token`, `signed`, `key` and `://` in code that assigns no secret must
    # not cost a commit the detect-secrets import.
    code = (
        'class Check: pass\n'
        'def f(token):\n'
        '    if token is None:\n'
        '        pass  # nothing to do\n'
        '    key = lookup(token)\n'
        '    signed = key.startswith("x")\n'
        '    url = "https://example.com/docs"\n'
        '    return both(signed, password_policy)\n'
    )
    result = _python(
        'import sys\n'
        'from hooks.scan import Scanner\n'
        f'assert Scanner().scan_text("a.py", {code!r} * 200) == []\n'
        'print("detect_secrets" in sys.modules)\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['False']


def test_reaching_a_detector_imports_neither_detect_secrets_nor_requests() -> None:
    # A line every module's detectors judge, and a finding: still no detect_secrets
    # (its plugin base class imports requests) on the hot path.
    result = _python(
        'import sys\n'
        'from hooks.scan import Scanner\n'
        's = Scanner()\n'
        's.plugins()\n'
        'found = s.scan_text("a.py", "password = \\"Xk2#qPz9!mW4\\"\\n")\n'
        'print(len(found), "detect_secrets" in sys.modules, "requests" in sys.modules)\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['1', 'False', 'False']


def test_no_detector_can_reach_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import requests
    from detect_secrets.constants import VerifiedResult

    from hooks.detectors import plugin_classes
    from hooks.detectors.base import WardenPlugin

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError('network access from a detector')

    monkeypatch.setattr(requests.Session, 'request', refuse)
    for cls in plugin_classes():
        assert cls.verify is WardenPlugin.verify, cls.__name__
        assert cls().verify('anything') == VerifiedResult.UNVERIFIED
    # detect-secrets' own entry point (analyze_line) verifies when its global
    # settings ask it to; ours answers without the network either way.
    from detect_secrets.settings import default_settings

    with default_settings():
        from hooks.detectors.vcs import GitHubDetector

        secrets = GitHubDetector().analyze_line('a.py', f't = "{gh_token()}"', 1)
    assert len(secrets) == 1


def test_plugins_work_through_the_detect_secrets_api() -> None:
    from detect_secrets.core.potential_secret import PotentialSecret

    from hooks.detectors.vcs import GitHubDetector

    token = gh_token()
    (secret,) = GitHubDetector().analyze_line('a.py', f't = "{token}"', 1)
    assert secret.type == 'GitHub Token'
    # Baselines key on sha1(secret): ours hashes the same value.
    assert secret.secret_hash == PotentialSecret.hash_secret(token)
    assert [fp(s) for s in GitHubDetector().analyze_string(f'x {token} y')] == [fp(token)]


def test_every_plugin_has_a_known_keyword_group_and_stable_rule_ids() -> None:
    from hooks.detectors import keywords
    from hooks.detectors import plugin_classes

    for cls in plugin_classes():
        assert cls.keyword_group in keywords.keyword_table(), cls.__name__
        assert cls.all_rules(), cls.__name__
        for rule in cls.all_rules():
            assert re.fullmatch(r'[a-z0-9]+(?:-[a-z0-9]+)*', rule.id), rule.id
    for group in keywords.keyword_table().values():
        assert all(k == k.lower() for k in group)


def test_keyword_tables_do_not_import_detect_secrets() -> None:
    result = _python(
        'import sys\n'
        'from hooks.detectors import keywords, values\n'
        'keywords.prefilter_regex(); keywords.groups_in("ghp_x", "ghp_x")\n'
        'print("detect_secrets" in sys.modules)\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['False']


def test_group_module_table_matches_the_plugins() -> None:
    from hooks.detectors import GROUP_MODULES
    from hooks.detectors import MODULES
    from hooks.detectors import module_plugin_classes
    from hooks.detectors.keywords import keyword_table

    assert set(GROUP_MODULES) == set(keyword_table())
    for name in MODULES:
        for cls in module_plugin_classes(name):
            assert GROUP_MODULES[cls.keyword_group] == name, cls.__name__


def test_private_key_body_after_blank_lines() -> None:
    body = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz'
    header = '-----BEGIN OPENSSH PRIVATE KEY-----'  # pragma: allowlist secret
    text = f'{header}\n' + '\n' * 8 + body + '\n-----END OPENSSH PRIVATE KEY-----\n'
    assert found(Scanner().scan_text('id_ed25519', text)) == [(1, 'private-key')]


def test_private_key_body_added_under_an_existing_header() -> None:
    body = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz'
    lines = [
        Line(1, '-----BEGIN OPENSSH PRIVATE KEY-----', added=False),  # pragma: allowlist secret
        Line(2, body, added=True),
        Line(3, body, added=True),
    ]
    assert found(Scanner().scan('id_ed25519', lines)) == [(1, 'private-key')]


# --- shapes found missing or noisy on real code (review of 860 MB) ------------------


def _password() -> str:
    import random
    import string

    rng = random.Random(11)
    return ''.join(rng.choice(string.ascii_letters + string.digits + '#%+') for _ in range(20))


@pytest.mark.parametrize(
    ('path', 'template', 'line'),
    [
        ('deploy.yaml', 'env:\n  - name: DB_PASSWORD\n    value: "{v}"\n', 3),
        ('deploy.yaml', 'env:\n- name: "API_TOKEN"\n  value: {v}\n', 3),
        ('values.yml', 'db_password: >-\n  {v}\nother: 1\n', 2),
        ('values.yml', 'client_secret: |\n  {v}\n', 2),
        ('Dockerfile', 'FROM x\nENV DB_PASSWORD {v}\n', 2),
        ('Dockerfile', 'FROM x\nARG DB_PASSWORD={v}\n', 2),
        ('main.rs', 'const DB_PASSWORD: &str = "{v}";\n', 1),
        ('main.rs', 'static API_TOKEN: &\'static str = "{v}";\n', 1),
        ('.env', '\ufeffDB_PASSWORD={v}\n', 1),
    ],
)
def test_names_on_the_line_above_and_other_real_shapes(path: str, template: str, line: int) -> None:
    detections = Scanner().scan_text(path, template.format(v=_password()))
    assert [d.line for d in detections] == [line], template


def test_a_kubernetes_value_whose_name_is_not_secret_is_not_reported() -> None:
    text = f'env:\n  - name: LOG_FORMAT\n    value: "{_password()}"\n'
    assert Scanner().scan_text('deploy.yaml', text) == []


def test_base64_encoded_private_key_in_a_kubernetes_secret(tmp_path: Path) -> None:
    import base64

    subprocess.run(
        ('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(tmp_path / 'k')), check=True
    )
    encoded = base64.b64encode((tmp_path / 'k').read_bytes()).decode()
    cert = base64.b64encode(b'-----BEGIN CERTIFICATE-----\n' + b'A' * 300).decode()
    text = f'kind: Secret\ndata:\n  tls.key: {encoded}\n  tls.crt: {cert}\n'
    assert found(Scanner().scan_text('secret.yaml', text)) == [(3, 'private-key')]


@pytest.mark.parametrize(
    ('path', 'text'),
    [
        # keyword arguments, not connection strings
        ('client.py', 'def connect(host=None, password=None):\n'),
        ('redis.py', '    self.client = Redis(host=host, password=self.password)\n'),
        # a command-line flag in prose
        ('ChangeLog', '  * New option --password hunter2word for scripts.\n'),
        ('gpg.1', 'Use \\-\\-passphrase\\-repeat options to set it.\n'),
        # code that tests for a key header has no key
        ('test_keys.py', 'assert s1.startswith(b"-----BEGIN EC PRIVATE KEY-----")\n'),
        # a module named ...::Pass mapped to its version
        ('CoreList.pm', "    'Test2::Event::Pass'             => '1.302190',\n"),
        # a setting about passwords, not one
        ('setup.cfg', 'password_encryption = scram-sha-256x\n'),
        # templates
        ('utils.py', "    auth = f'{user}:{password}'\n"),
        # a tuple of test vectors, not a mapping
        ('selftest.py', '    ("password", "78578E5A5D63CB06", 16, 1000),\n'),
        # textbook credentials
        ('kombu.md', 'amqp://scott:tiger@localhost//\n'),
        # the shell's working directory
        ('init.sh', 'export PWD="\\$_PWD_DIR_x9q"\n'),
        # a type name's last part, mapped to a hash (cfn-lint schemas)
        ('schemas.py', '    "AWS::ApiGateway::ApiKey": "48205d4ffd7feba3",\n'),
        # an AWS resource name under a role's name
        (
            'policies.json',
            ' "RDSCloudHsmAuthorizationRole": "arn:aws:iam::aws:policy/service-role/X",\n',
        ),
        # pagination tokens
        (
            'examples.rst',
            '        "NextToken": "eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9h"\n',
        ),
    ],
)
def test_real_code_that_is_not_a_secret(path: str, text: str) -> None:
    assert Scanner().scan_text(path, text) == []


@pytest.mark.parametrize(
    ('value', 'placeholder'),
    [
        ('Hammock#91xQ', False),
        ('Stubborn#7Lk2', False),
        ('mock_token_value', True),
        ('invalid-password', True),
        ('testing123', True),
    ],
)
def test_placeholder_words_mark_a_placeholder_only_as_words(value: str, placeholder: bool) -> None:
    from hooks.detectors.values import is_placeholder

    assert is_placeholder(value) is placeholder


@pytest.mark.parametrize(
    ('path', 'template', 'reported'),
    [
        ('Db.java', 'ds.setPassword("{v}");\n', True),
        ('client.kt', 'builder.withApiToken("{v}")\n', True),
        ('auth.py', 'assert user.check_password("{v}")\n', False),  # a test, not a setter
        ('auth.py', 'value = get_secret("{v}")\n', False),  # a lookup by name
    ],
)
def test_setters_given_a_literal(path: str, template: str, reported: bool) -> None:
    assert bool(Scanner().scan_text(path, template.format(v=_password()))) is reported


@pytest.mark.parametrize(
    ('path', 'template', 'lines'),
    [
        ('main.tf', 'variable "db_password" {{\n  type = string\n  default = "{v}"\n}}\n', [3]),
        ('vars.tf', 'variable "api_token" {{ default = "{v}" }}\n', [1]),
        ('vars.tf', 'variable "region" {{\n  default = "{v}"\n}}\n', []),
        ('hosts', '[db]\ndb1 ansible_host=10.0.0.5 ansible_ssh_pass={v}\n', [2]),
        ('inventory.ini', 'web1 ansible_become_password={v}\n', [1]),
    ],
)
def test_terraform_defaults_and_ansible_inventories(
    path: str, template: str, lines: list[int]
) -> None:
    found_lines = [d.line for d in Scanner().scan_text(path, template.format(v=_password()))]
    assert found_lines == lines


@pytest.mark.slow  # runs the real detect-secrets CLI
def test_detectors_load_as_plugins_of_the_real_detect_secrets_cli(tmp_path: Path) -> None:
    import json

    from hooks.detectors import detect_secrets_plugins

    (tmp_path / 'app.py').write_text(f'token = "{gh_token(7)}"\nname = "release"\n')
    cli = Path(sys.executable).parent / 'detect-secrets'
    proc = subprocess.run(
        [str(cli), 'scan', '--plugin', detect_secrets_plugins.__file__, 'app.py'],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    names = {p['name'] for p in doc['plugins_used']}
    assert {'WardenGitHubDetector', 'WardenGenericSecretDetector'} <= names
    # The built-in plugins still load beside ours (no type is claimed twice).
    assert 'GitHubTokenDetector' in names
    ours = [r for r in doc['results']['app.py'] if 'GitHubDetector' in r['type']]
    assert [(r['type'], r['line_number'], r['hashed_secret']) for r in ours] == [
        (
            'GitHub Token (commit-warden GitHubDetector)',
            1,
            hashlib.sha1(gh_token(7).encode(), usedforsecurity=False).hexdigest(),
        ),
    ]


def test_generated_prefilter_is_up_to_date() -> None:
    from hooks.detectors import keywords

    generated = ROOT / 'hooks' / 'detectors' / 'prefilter.py'
    assert generated.read_text(encoding='utf-8') == keywords.generated_module(), (
        'run `python -m hooks.detectors.keywords` to regenerate hooks/detectors/prefilter.py'
    )


def test_a_clean_line_never_reads_the_catalogue() -> None:
    result = _python(
        'import sys\n'
        'from hooks.scan import Scanner\n'
        'assert Scanner().scan_text("a.py", "timeout = settings.get(\\"t\\", 30)\\n") == []\n'
        'print("hooks.detectors.providers" in sys.modules)\n',
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['False']
