"""Credentials inside URLs, DSNs and connection strings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from hooks.detectors.base import PRIORITY_URL
from hooks.detectors.base import Hit
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import is_placeholder
from hooks.lazyre import rx

_URL_RE = rx(
    r'(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{1,30})://'
    # '#' is not allowed unescaped in a password, but people write it (RUN curl
    # https://u:p#ss@host): followed by '@host', it is still the password.
    r'(?P<user>[^\s:/?#@\'"<>()\[\]{}`]{0,128}):(?P<password>[^\s/?@\'"<>`]{1,256})@'
    r'(?P<host>[^\s/?#:\'"<>`@]{1,253})',
)
_PARAM_RE = rx(
    r'(?i)[?&;](?:password|passwd|pwd|pass)=(?P<password>[^&;\s\'"<>]{1,256})',
)
_CONNSTR_RE = rx(
    r'(?i)(?:^|[;"\'\s])(?:password|pwd)\s*=\s*(?P<password>[^;\'"\s]{1,256})\s*(?:;|[\'"]|$)',
)

_PROVIDERS = (
    (('postgres', 'postgresql', 'pgsql'), 'PostgreSQL'),
    (('mysql', 'mariadb', 'mysql+pymysql', 'mysql+mysqldb'), 'MySQL'),
    (('mongodb', 'mongodb+srv'), 'MongoDB'),
    (('redis', 'rediss'), 'Redis'),
    (('amqp', 'amqps'), 'RabbitMQ/AMQP'),
    (('ftp', 'ftps', 'sftp'), 'FTP'),
    (('ldap', 'ldaps'), 'LDAP'),
    (('smtp', 'smtps'), 'SMTP'),
)


def _provider(scheme: str) -> str:
    scheme = scheme.lower()
    for names, provider in _PROVIDERS:
        if scheme in names or scheme.split('+')[0] in names:
            return provider
    return 'Generic'


def _real_password(password: str, user: str = '') -> bool:
    value = unquote(password)
    if is_placeholder(value) or value.startswith(('$', '%', '{', '<', '[')):
        return False
    if user and value.lower() == unquote(user).lower():
        return False
    # A port number ("host:5432@") or a bare env-var-ish name is not a password.
    return not value.isdigit() and not re.fullmatch(r'[A-Z][A-Z0-9_]{2,}', value)


def _is_documentation_host(host: str) -> bool:
    # RFC 2606 reserves these for documentation: no real credential works there.
    host = host.lower()
    reserved = ('example.com', 'example.org', 'example.net')
    return any(host == d or host.endswith('.' + d) for d in reserved)


class URLCredentialsDetector(WardenPlugin):
    secret_type = 'Basic Auth Credentials'  # noqa: S105 (detect-secrets' type name)
    """user:password@ in URLs; Sentry DSNs that carry their secret key.

    The secret reported is the password, as detect-secrets' BasicAuthDetector
    reports it.
    """

    keyword_group = 'url'
    rotate = 'the service in the URL (change the password)'
    priority = PRIORITY_URL
    rules = (
        Rule('url-credentials', 'Generic', 'password in URL', _URL_RE, group='password'),
        Rule('sentry-dsn-secret', 'Sentry', 'DSN with secret key', _URL_RE, group='password'),
    )

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        for match in _URL_RE.finditer(text):
            password, user, host = match.group('password', 'user', 'host')
            scheme = match.group('scheme')
            if host.lower().endswith(('sentry.io', 'sentry.dev')) or 'sentry' in scheme.lower():
                # A modern DSN has only the public key (no ":secret"), which is
                # not a secret at all; the legacy secret key is 32 hex.
                if re.fullmatch(r'[0-9a-f]{32}', password):
                    yield self.hit(self.rules[1], password, match.start('password'))
                continue
            if not _real_password(password, user) or _is_documentation_host(host):
                continue
            provider = _provider(scheme)
            kind = 'password in URL' if provider == 'Generic' else 'password in connection URL'
            yield self.hit(
                self.rules[0],
                password,
                match.start('password'),
                provider=provider,
                kind=kind,
            )


_CODE_VALUE_RE = re.compile(r'^(?:[A-Za-z_][\w.]*|None|null|nil|true|false)$|[(),\[\]{}]')
_PAIRS_RE = re.compile(r'(?i)(?:server|data source|host|uid|user id|username)\s*=[^;]*;')


def _connection_string_value(value: str, text: str) -> bool:
    """A password in an ADO.NET/ODBC connection string, not a keyword argument.

    `password=None):` or `password=self.password,` in a signature or a call is code;
    a connection string is `;`-separated pairs that name the server."""
    if _CODE_VALUE_RE.search(value) and not any(c.isdigit() for c in value):
        return False
    return bool(_PAIRS_RE.search(text))


class ConnectionStringDetector(WardenPlugin):
    """Passwords in JDBC URL parameters and ADO.NET/ODBC connection strings."""

    secret_type = 'Basic Auth Credentials'  # noqa: S105 (a type name)
    keyword_group = 'connection-string'
    rotate = 'the database or service of the connection string (change the password)'
    priority = PRIORITY_URL
    rules = (
        Rule(
            'connection-string-password',
            'Generic',
            'password in URL parameter',
            _PARAM_RE,
            group='password',
        ),
        Rule(
            'connection-string-password',
            'Generic',
            'password in connection string',
            _CONNSTR_RE,
            group='password',
        ),
    )

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        seen: set[int] = set()
        for rule in self.rules:
            for match in rule.pattern.finditer(text):
                start = match.start('password')
                value = match.group('password')
                if start in seen or not _real_password(value):
                    continue
                if rule is self.rules[1] and not _connection_string_value(value, text):
                    continue
                seen.add(start)
                yield self.hit(rule, match.group('password'), start)
