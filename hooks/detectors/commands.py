"""Passwords a command or a SQL statement carries: curl -u, sshpass -p, mysql -p, IDENTIFIED BY.

No variable name says "password" there: the command or the statement does, so
these rules match the command's own syntax, not a secret-ish name.
"""

from __future__ import annotations

import re

from hooks.detectors.base import PRIORITY_GENERIC
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import is_placeholder
from hooks.lazyre import rx


def _cli_value(first: str = r'[^\s"\'`]') -> str:
    """A password given as a command-line argument: quoted (anything but the quote,
    blanks and `#` too, as the shell passes it) or bare (up to a blank or a quote)."""
    return (
        r'(?P<q>["\'])?(?P<secret>(?(q)[^"\'\n]{4,128}|' + first + r'[^\s"\'`]{3,127}))(?(q)(?P=q))'
    )


def _real_cli_password(match: re.Match[str], context: Context) -> bool:
    value = match.group('secret').rstrip('.,;:)')  # the end of a sentence, not the value
    return bool(value) and not (is_placeholder(value) or value[0] in '$%{<[(`\\' or value.isdigit())


_CLI_RULES = (
    Rule(
        'command-line-password',
        'Generic',
        'password on a curl/wget command line',
        rx(
            r'\b(?:curl|wget)\b[^\n]{0,300}?\s(?:-u|--user)(?:\s+|=)["\']?'
            r'[^:\s"\'@`]{1,64}:(?P<secret>[^\s"\'@`]{4,128})'
        ),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
    Rule(
        'command-line-password',
        'Generic',
        'password given to sshpass',
        rx(r'\bsshpass\s+-p\s*' + _cli_value()),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
    Rule(
        'command-line-password',
        'Generic',
        'password on an httpie command line',
        rx(
            r'\bhttps?\b[^\n]{0,200}?\s(?:-a|--auth)(?:\s+|=)["\']?'
            r'[^:\s"\'@`]{1,64}:(?P<secret>[^\s"\'@`]{4,128})'
        ),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
    Rule(
        'command-line-password',
        'Generic',
        'password given to docker/helm/podman login',
        rx(
            r'\b(?:docker|podman|helm(?:\s+registry)?|nerdctl|buildah|skopeo|oras)\s+login\b'
            r'[^\n]{0,200}?\s(?:-p|--password)(?:\s+|=)["\']?(?P<secret>[^\s"\'`]{4,128})'
        ),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
    Rule(
        'command-line-password',
        'Generic',
        'password on a database or directory command line',
        rx(
            r'\b(?:redis-cli\b[^\n]{0,200}?\s-a|ldap(?:search|add|modify|delete|passwd)\b'
            r'[^\n]{0,200}?\s-w|mongo(?:sh|dump|restore|import|export)?\b[^\n]{0,200}?\s(?:-p|--password)'
            r'|sqlcmd\b[^\n]{0,200}?\s-P|htpasswd\s+-b\w*\s+\S+\s+\S+'
            r'|smbclient\b[^\n]{0,200}?\s-U\s*[^%\s]+%)'
            r'(?:\s+|=)?["\']?(?P<secret>[^\s"\'`-][^\s"\'`]{3,127})'
        ),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
    Rule(
        'command-line-password',
        'Generic',
        'password on a mysql command line',
        rx(
            r'\b(?:mysql|mysqldump|mysqladmin|mysqlimport)\b[^\n]{0,300}?\s-p'
            + _cli_value(r'[^\s"\'`-]')
        ),
        group='secret',
        check=_real_cli_password,
        min_entropy=1.5,
    ),
)


class CommandLineDetector(WardenPlugin):
    """Passwords written into a command: `curl -u user:pass`, `sshpass -p`, `mysql -p…`.

    Common in CI scripts and runbooks, and invisible to name-based rules because
    the command, not a variable, says what the value is."""

    secret_type = 'Secret Keyword'  # noqa: S105 (a type name)
    keyword_group = 'command-line'
    rotate = 'the service the command logs in to (change the password)'
    priority = PRIORITY_GENERIC
    rules = _CLI_RULES


_SQL_STATEMENT_RE = re.compile(
    r'(?i)\b(?:CREATE|ALTER)\s+(?:ROLE|USER|LOGIN)\b|\bGRANT\b.*\bTO\b|\bSET\s+PASSWORD\b'
)
_SQL_HASHED_RE = re.compile(r'^(?:\*[0-9A-Fa-f]{40}|md5[0-9a-f]{32}|SCRAM-SHA-256\$.*)$')


def _real_sql_password(match: re.Match[str], context: Context) -> bool:
    value = match.group('secret')
    if _SQL_HASHED_RE.match(value) or value[0] in ':$%?@{<&\\' or is_placeholder(value):
        return False  # a stored hash, a bind parameter or a template
    # `PASSWORD '…'` or `IDENTIFIED BY …` set a password only in a user or role
    # statement ("identified by its name" is prose), which may have started on
    # one of the lines before (a multi-line string).
    window = ' '.join((*context.preceding, context.line or match.string))
    return _SQL_STATEMENT_RE.search(window) is not None


_SQL_IDENTIFIED_RE = rx(
    r'(?i)\bIDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?!PASSWORD\b|VALUES\b)'
    # \" inside a string literal of the host language (Java, C#) quotes too
    r'\\?(?P<q>[\'"`]?)(?P<secret>[^\'"`\s;\\]{4,128})\\?(?P=q)',
)
_SQL_PASSWORD_RE = rx(
    r'(?i)(?<![\w.-])(?:ENCRYPTED\s+|UNENCRYPTED\s+)?PASSWORD\s*=?\s*(?:N?)'
    r'(?P<q>[\'"])(?P<secret>[^\'"\s]{4,128})(?P=q)',
)


class SQLPasswordDetector(WardenPlugin):
    """Passwords a SQL statement sets: `ALTER USER … IDENTIFIED BY '…'`,
    `CREATE ROLE … PASSWORD '…'`, `CREATE LOGIN … WITH PASSWORD = '…'`, in .sql
    files, migrations, heredocs and SQL held in a program's strings, where no
    variable name says "password"."""

    secret_type = 'Secret Keyword'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'sql'
    rotate = 'the database: ALTER USER / ALTER ROLE with a new password'
    priority = PRIORITY_GENERIC + 1
    rules = (
        Rule(
            'sql-password',
            'Generic',
            'password set by a SQL statement',
            _SQL_IDENTIFIED_RE,
            group='secret',
            check=_real_sql_password,
            min_entropy=1.5,
        ),
        Rule(
            'sql-password',
            'Generic',
            'password set by a SQL statement',
            _SQL_PASSWORD_RE,
            group='secret',
            check=_real_sql_password,
            min_entropy=1.5,
        ),
    )
