"""Passwords in the shapes people write them: a `#` inside an unquoted value where
the format does not make it a comment, and passwords handed to commands quoted
(`mysql -p'…'`, `sshpass -p '…'`, `--password '…'`) or through the environment
(`PGPASSWORD=…`). Each format's own rule decides where a value ends:

- YAML: `#` starts a comment only after a blank (`a: x#y` is `x#y`);
- .env (python-dotenv, docker compose): only after a blank too;
- shell (and Dockerfile ENV): only at the start of a word;
- INI (Python's configparser): inline comments are off, `#` is part of the value.
"""

from __future__ import annotations

import pytest

from hooks.scan import Scanner
from tests.planted import PASSWORD

# A password with a `#` in it (tests/planted.py); half of it, to show the cut.
HEAD, TAIL = PASSWORD.split('#')


def found(path: str, text: str) -> list[tuple[str, str]]:
    return [(d.rule, d.secret) for d in Scanner().scan_text(path, text + '\n')]


@pytest.mark.parametrize(
    ('path', 'line'),
    [
        ('config.yaml', f'password: {PASSWORD}'),
        ('config.yaml', f'  db_password: {PASSWORD}  # the primary'),
        ('k8s.yml', f'- password: {PASSWORD}'),
        ('.env', f'DB_PASSWORD={PASSWORD}'),
        ('prod.env', f'DB_PASSWORD={PASSWORD} # rotated monthly'),
        ('.env.local', f'export API_SECRET={PASSWORD}'),
        ('deploy.sh', f'export DB_PASSWORD={PASSWORD}'),
        ('deploy.sh', f'DB_PASSWORD={PASSWORD} ./migrate'),
        ('Dockerfile', f'ENV DB_PASSWORD={PASSWORD}'),
        ('app.ini', f'password = {PASSWORD}'),
        ('app.cfg', f'db_password={PASSWORD}'),
        ('app.properties', f'db.password={PASSWORD}'),
    ],
)
def test_a_hash_inside_an_unquoted_value_is_part_of_it(path: str, line: str) -> None:
    assert [secret for _, secret in found(path, line)] == [PASSWORD]


@pytest.mark.parametrize(
    ('path', 'line'),
    [
        ('config.yaml', 'password: #changeme'),  # YAML: a comment, no value
        ('config.yaml', 'password:   # set in the vault'),
        ('.env', 'DB_PASSWORD= # set in CI'),
        ('deploy.sh', 'DB_PASSWORD= # set in CI'),
        ('config.yaml', 'color: red#ff0000'),  # no secret's name
    ],
)
def test_a_hash_after_a_blank_is_a_comment(path: str, line: str) -> None:
    assert found(path, line) == []


def test_the_value_before_a_comment_is_still_judged() -> None:
    value = HEAD + 'Zq81'
    assert found('config.yaml', f'password: {value} #{TAIL}') == [('generic-password', value)]


@pytest.mark.parametrize(
    'line',
    [
        f"mysql -u root -p'{PASSWORD}' app",
        f'mysql -u root -p"{PASSWORD}" app',
        f"mysqldump -uroot -p'{PASSWORD}' --all-databases",
        f"mysqladmin -h db -u admin -p'{PASSWORD}' status",
        f"sshpass -p '{PASSWORD}' ssh deploy@host",
        f'sshpass -p"{PASSWORD}" scp a host:',
    ],
)
def test_a_quoted_password_on_a_command_line(line: str) -> None:
    assert found('deploy.sh', line) == [('command-line-password', PASSWORD)]


@pytest.mark.parametrize(
    'line',
    [
        f"sshpass -p '{HEAD} {TAIL}' ssh deploy@host",  # a quoted value may hold a blank
        f"mysql -uroot -p'{HEAD} {TAIL}' app",
    ],
)
def test_a_quoted_password_may_hold_a_blank(line: str) -> None:
    assert found('deploy.sh', line) == [('command-line-password', f'{HEAD} {TAIL}')]


@pytest.mark.parametrize(
    ('path', 'line'),
    [
        ('deploy.sh', f'PGPASSWORD={PASSWORD} psql -h db -U app'),
        ('deploy.sh', f"PGPASSWORD='{PASSWORD}' pg_dump app"),
        ('ci.yml', f'  PGPASSWORD: {PASSWORD}'),
        ('deploy.sh', f"tool --password '{PASSWORD}' sync"),
        ('deploy.sh', f'tool --password "{PASSWORD}" sync'),
        ('deploy.sh', f'tool --password={PASSWORD} sync'),
    ],
)
def test_passwords_given_to_commands(path: str, line: str) -> None:
    assert [secret for _, secret in found(path, line)] == [PASSWORD]


@pytest.mark.parametrize(
    'line',
    [
        'mysql -u root -p app',  # asks for it
        'mysql -u root -p"$DB_PASSWORD" app',  # from the environment
        "mysql -u root -p'${DB_PASSWORD}' app",
        'sshpass -p "$SSHPASS" ssh host',
        'sshpass -e ssh host',
        "tool --password '<your password>' sync",
    ],
)
def test_command_lines_without_a_password_pass(line: str) -> None:
    assert found('deploy.sh', line) == []


@pytest.mark.parametrize('path', ['deploy.sh', 'README.md', '<commit message>'])
def test_mysql_quoted_in_docs_and_messages(path: str) -> None:
    assert found(path, f"run: mysql -uroot -p'{PASSWORD}' app") == [
        ('command-line-password', PASSWORD)
    ]
