# ruff: noqa: E501 (tables of one-line shapes read best unwrapped)
"""Secrets known by their context, not a variable's name, and the kinds the
issue named, each in at least three file types; with the look-alikes that pass.

Values are generated from seeded templates; assertions name the rule and the
file, never a value.
"""

from __future__ import annotations

import base64
import json

import pytest

from hooks.scan import Scanner
from tests.provider_samples import fill


def _found(path: str, text: str) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in Scanner().scan_text(path, text)]


PW = fill('{a:7}#{a:6}', 'pw')  # a password with a symbol, as people choose them
TOKEN = fill('{a:32}', 'tok')

CONTEXT_CASES = {
    'curl -u': [
        ('deploy.sh', f'curl -fsS -u admin:{PW} https://nexus.internal.net/status\n', 1),
        ('Dockerfile', f'RUN curl -u ci:{PW} -o /tmp/a.tgz https://repo.internal.net/a.tgz\n', 1),
        (
            '.github/workflows/ci.yml',
            f'      - run: curl --user bot:{PW} https://x.internal.net\n',
            1,
        ),
        ('README.md', f'    curl -u admin:{PW} http://localhost:8081/\n', 1),
    ],
    'custom auth header': [
        ('call.sh', f'curl -H "X-Api-Key: {TOKEN}" https://api.internal.net/v1\n', 1),
        ('requests.http', f'GET https://api.internal.net/v1\nX-Api-Key: {TOKEN}\n', 2),
        ('client.py', f'headers = {{"X-Auth-Token": "{TOKEN}"}}\n', 1),
        (
            'api.md',
            f'    curl --header "Private-Token: {TOKEN}" https://gitlab.internal.net/api/v4/user\n',
            1,
        ),
    ],
    'Authorization header': [
        ('call.sh', f'curl -H "Authorization: Bearer {TOKEN}" https://api.internal.net\n', 1),
        ('client.js', f"fetch(url, {{headers: {{Authorization: 'Bearer {TOKEN}'}}}})\n", 1),
        ('notes.md', f'Authorization: Token {TOKEN}\n', 1),
    ],
    'SQL in a multi-line string': [
        (
            'migrate.py',
            f'op.execute("""\n    CREATE ROLE app WITH\n      LOGIN\n      PASSWORD \'{PW}\';\n""")\n',
            4,
        ),
        ('users.ts', f'await db.query(`\n  ALTER USER app\n    IDENTIFIED BY "{PW}"\n`);\n', 3),
        ('init.sh', f"psql <<SQL\nCREATE USER grafana WITH PASSWORD '{PW}';\nSQL\n", 2),
        ('schema.sql', f"CREATE LOGIN app WITH PASSWORD = N'{PW}';\n", 1),
    ],
    'ALTER USER ... IDENTIFIED BY': [
        ('setup.sql', f"ALTER USER 'app'@'%' IDENTIFIED BY '{PW}';\n", 1),
        ('db.py', f'cur.execute("ALTER USER app IDENTIFIED BY \'{PW}\'")\n', 1),
        ('Main.java', f'stmt.execute("CREATE USER etl IDENTIFIED BY \\"{PW}\\"");\n', 1),
    ],
    'Basic-auth URL in a Dockerfile RUN line': [
        (
            'Dockerfile',
            f'RUN pip install --extra-index-url https://ci:{PW}@pypi.internal.net/simple app\n',
            1,
        ),
        (
            'docker/Dockerfile.build',
            f'RUN git clone https://bot:{PW}@git.internal.net/acme/tools.git\n',
            1,
        ),
        (
            'build.dockerfile',
            f'RUN curl -fsSL https://u:{PW}@artifacts.internal.net/cli.tgz | tar xz\n',
            1,
        ),
    ],
    'log line': [
        ('worker.log', f'2026-02-11 09:14:02 DEBUG using API_KEY={TOKEN} for upstream\n', 1),
        ('run.txt', f'[DEBUG] token={TOKEN}\n', 1),
        ('COMMIT_NOTES.md', f'retried with key={TOKEN} after the outage\n', 1),
    ],
    'command-line login': [
        ('release.sh', f'docker login -u ci -p {PW} registry.internal.net\n', 1),
        ('ops.yml', f'  - run: helm registry login -u ci --password {PW} reg.internal.net\n', 1),
        ('cache.sh', f'redis-cli -h cache -a {PW} ping\n', 1),
    ],
}


@pytest.mark.parametrize('kind', sorted(CONTEXT_CASES))
def test_context_names_the_secret(kind: str) -> None:
    cases = CONTEXT_CASES[kind]
    assert len(cases) >= 3
    for path, text, line in cases:
        found = _found(path, text)
        assert [n for n, _ in found] == [line], (kind, path, found)


@pytest.mark.parametrize(
    ('path', 'text'),
    [
        ('_aix_support.py', '    AIX filesets are identified by four decimal values: V.R.M.F.\n'),
        ('imap.py', '"""Execute "command arg ..." with messages identified by UID,\n'),
        ('queries.py', "cur.execute('ALTER USER %s WITH PASSWORD %s', (user, pw))\n"),
        ('queries.py', 'cur.execute("ALTER ROLE app PASSWORD :password", {"password": pw})\n'),
        (
            'hashes.sql',
            "CREATE USER r IDENTIFIED BY PASSWORD '*0123456789ABCDEF0123456789ABCDEF01234567';\n",
        ),
        ('md5.sql', "CREATE ROLE r WITH LOGIN PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d';\n"),
        ('env.sql', "CREATE ROLE r WITH LOGIN PASSWORD '${AUDITOR_PASSWORD}';\n"),
        ('call.sh', 'curl -H "X-Api-Key: $REPORTS_API_KEY" https://api.internal.net\n'),
        ('call.sh', 'curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.internal.net\n'),
        (
            'login.sh',
            'docker login -u ci --password-stdin registry.internal.net < /run/secrets/reg\n',
        ),
        (
            'Dockerfile',
            'RUN curl -fsSL https://${USER}:${PASSWORD}@artifacts.internal.net/cli.tgz\n',
        ),
        ('test_netrc.py', '    machine host.domain.com login log password pa#ss account acct\n'),
        (
            'age.txt',
            '# public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n',
        ),
        ('ids.py', 'token = "61f6b6bd-a597-4e61-a9c1-d7a89f02bd27"\n'),
        ('app.log', '2026-02-11 09:14:02 INFO request key=orders/2026/02/11/summary.json\n'),
    ],
)
def test_look_alikes_pass(path: str, text: str) -> None:
    assert _found(path, text) == []


def _jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b'=').decode()

    return '.'.join((part({'alg': 'RS256', 'kid': 'k'}), part(claims), fill('{w:86}', 'sig')))


# Kinds the issue named that live outside the provider catalogue (the catalogue's
# own are tested in providers_test.py): rule, value, three file types.
SA_TOKEN = _jwt(
    {'iss': 'kubernetes/serviceaccount', 'kubernetes.io/serviceaccount/namespace': 'ci'}
)
NAMED_KINDS = {
    'slack-bot-token': fill('xoxb-{d:11}-{a:24}', 'slack2'),  # the two-part form
    'newrelic-browser-key': fill('NRJS-{h:19}', 'nrjs'),
    'newrelic-mobile-token': fill('AA{h:40}-NRMA', 'nrma'),
    'aws-appsync-api-key': fill('da2-{l:26}', 'appsync'),
    'azure-ad-client-secret': fill('{a:3}8Q~{w:34}', 'entra'),
    'kubernetes-service-account-token': SA_TOKEN,
}


@pytest.mark.parametrize('rule', sorted(NAMED_KINDS))
def test_named_kind_found_in_three_file_types(rule: str) -> None:
    value = NAMED_KINDS[rule]
    for path, text in (
        ('settings.py', f'CONFIG = {{"credential": "{value}"}}\n'),
        ('values.yaml', f'integration:\n  credential: {value}\n'),
        ('deploy.sh', f'mytool sync --credential {value}\n'),
        ('NOTES.md', f'Paste `{value}` into the form.\n'),
    ):
        found = _found(path, text)
        assert [r for _, r in found] == [rule], (rule, path, found)


@pytest.mark.parametrize('path', ['jwks.json', 'keys.py', 'signing.yaml.json'])
def test_jwk_private_member(path: str) -> None:
    d = fill('{w:43}', 'jwk-d')
    text = (
        '{\n  "kty": "EC",\n  "crv": "P-256",\n  "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8",\n'
        f'  "d": "{d}"\n}}\n'
    )
    assert _found(path, text) == [(5, 'jwk-private-key')]
    public = text.replace(f'  "d": "{d}"\n', '  "use": "sig"\n')
    assert _found(path, public) == []


@pytest.mark.parametrize('path', ['k8s/secret.yaml', 'deploy/app-secret.yml', 'chart/out.yaml'])
def test_kubernetes_secret_manifest(path: str) -> None:
    value = base64.b64encode(fill('{a:20}', 'k8s').encode()).decode()
    text = (
        f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n'
        f'  username: YXBwdXNlcg==\n  connection: {value}\n'
    )
    assert _found(path, text) == [(7, 'kubernetes-secret')]
    configmap = text.replace('kind: Secret', 'kind: ConfigMap')
    assert _found(path, configmap) == []
