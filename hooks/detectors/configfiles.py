"""Credentials in the dotfiles and config files tools read them from.

.npmrc, .pypirc, .netrc, .git-credentials, docker config.json, kubeconfig.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from hooks.detectors.base import PRIORITY_CONFIG_FILE
from hooks.detectors.base import Hit
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import is_placeholder
from hooks.detectors.values import looks_like_identifier
from hooks.lazyre import Regex
from hooks.lazyre import rx

_NPM_RE = rx(
    r'(?:^|[\s\'"])(?://[^\s=]*:)?(?P<key>_authToken|_auth|_password)\s*=\s*[\'"]?(?P<secret>[^\s\'"]+)'
)
_PYPIRC_RE = rx(r'^\s*password\s*[:=]\s*(?P<secret>\S+)')
_NETRC_RE = rx(r'(?:^|\s)password\s+(?P<secret>\S+)')
_NETRC_LINE_RE = rx(r'\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?P<secret>\S+)')
_GIT_CREDENTIALS_RE = rx(r'^\s*[a-z][a-z0-9+.-]*://[^\s:@/]*:(?P<secret>[^\s@/]+)@\S+')
_DOCKER_AUTH_RE = rx(
    r'"(?:auth|identitytoken|registrytoken)"\s*:\s*"(?P<secret>[A-Za-z0-9+/=._-]{12,})"',
)
_KUBE_TOKEN_RE = rx(
    r'^\s*(?:-\s*)?(?:token|id-token|refresh-token|password)\s*:\s*[\'"]?(?P<secret>[^\s\'"#]{8,})',
)
_KUBE_CLIENT_KEY_RE = rx(r'client-key-data\s*:\s*[\'"]?(?P<secret>[A-Za-z0-9+/=]{40,})')


def _real(value: str) -> bool:
    return not (
        is_placeholder(value)
        or value.startswith(('$', '%', '{', '<'))
        or looks_like_identifier(value)
    )


def _real_netrc(value: str) -> bool:
    # netrc parser tests spell "pass" every way they can (\\"pass, pa#ss, #pass);
    # a value that is the word itself, escaped or split, is a fixture.
    core = value.strip('\'"\\#')
    return len(core) >= 6 and 'pas' not in core.lower() and '\\x' not in value


def _decodes_to(value: str, needle: bytes) -> bool:
    try:
        return needle in base64.b64decode(value + '=' * (-len(value) % 4), validate=False)
    except (binascii.Error, ValueError):
        return False


class ConfigFileDetector(WardenPlugin):
    """Passwords and tokens in the credential files of common tools."""

    # detect-secrets' KeywordDetector type: its baselines keep matching.
    secret_type = 'Secret Keyword'  # noqa: S105 (a type name)

    keyword_group = 'config-file'
    rotate = 'the registry or host the file logs in to (change the password / revoke the token)'
    priority = PRIORITY_CONFIG_FILE
    rules = (
        Rule('npmrc-auth-token', 'npm', '.npmrc auth token', _NPM_RE, group='secret'),
        Rule('pypirc-password', 'PyPI', '.pypirc password', _PYPIRC_RE, group='secret'),
        Rule('netrc-password', 'netrc', '.netrc password', _NETRC_RE, group='secret'),
        Rule(
            'git-credentials',
            'Git',
            '.git-credentials password',
            _GIT_CREDENTIALS_RE,
            group='secret',
        ),
        Rule(
            'docker-config-auth',
            'Docker',
            'registry auth in config.json',
            _DOCKER_AUTH_RE,
            group='secret',
        ),
        Rule(
            'kubeconfig-token',
            'Kubernetes',
            'kubeconfig user token',
            _KUBE_TOKEN_RE,
            group='secret',
        ),
        Rule(
            'kubeconfig-client-key',
            'Kubernetes',
            'kubeconfig client key',
            _KUBE_CLIENT_KEY_RE,
            group='secret',
        ),
    )

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        npm, pypirc, netrc, gitcred, docker, kube_token, kube_key = self.rules
        kind = context.kind
        for match in _NPM_RE.finditer(text):
            # _authToken=... is npm's own syntax; it is a secret in any file
            # that writes an .npmrc (CI scripts, Dockerfiles) too.
            secret = match.group('secret')
            if _real(secret):
                kind_name = f'.npmrc {match.group("key")}'
                yield self.hit(npm, secret, match.start('secret'), kind=kind_name)
        if kind == 'pypirc':
            yield from self._simple(pypirc, _PYPIRC_RE, text)
        if kind == 'netrc':
            yield from self._simple(netrc, _NETRC_RE, text)
        else:
            yield from self._simple(netrc, _NETRC_LINE_RE, text)
        if kind == 'git-credentials':
            yield from self._simple(gitcred, _GIT_CREDENTIALS_RE, text)
        for match in _DOCKER_AUTH_RE.finditer(text):
            secret = match.group('secret')
            # "auth" is base64 of user:password; require that shape so any
            # other JSON "auth" field is left alone.
            if (kind == 'docker-config' or _decodes_to(secret, b':')) and _real(secret):
                yield self.hit(docker, secret, match.start('secret'))
        if kind == 'kubeconfig':
            for match in _KUBE_TOKEN_RE.finditer(text):
                # Bootstrap tokens (abcdef.0123456789abcdef) look like a dotted
                # name; in a kubeconfig user entry they are what they seem.
                secret = match.group('secret')
                if not is_placeholder(secret) and not secret.startswith(('$', '{', '<')):
                    yield self.hit(kube_token, secret, match.start('secret'))
        for match in _KUBE_CLIENT_KEY_RE.finditer(text):
            if _decodes_to(match.group('secret')[:200], b'PRIVATE KEY'):
                yield self.hit(kube_key, match.group('secret'), match.start('secret'))

    def _simple(self, rule: Rule, pattern: Regex, text: str) -> Iterator[Hit]:
        for match in pattern.finditer(text):
            secret = match.group('secret')
            if _real(secret) and (rule.id != 'netrc-password' or _real_netrc(secret)):
                yield self.hit(rule, secret, match.start('secret'))


_SECRET_ENTRY_RE = rx(
    r'^\s+(?P<key>[\w.-]{1,253})\s*:\s*(?P<q>["\']?)'
    r'(?P<secret>[^\s"\'#|>][^\s"\']*)(?P=q)\s*(?:#.*)?$',
)
# Keys of a Secret that name where to connect, not how to authenticate.
_NOT_SECRET_KEYS = frozenset(
    (
        'user',
        'username',
        'login',
        'host',
        'hostname',
        'port',
        'database',
        'db',
        'dbname',
        'url',
        'uri',
        'endpoint',
        'region',
        'email',
        'name',
        'namespace',
        'ca.crt',
        'tls.crt',
        'server',
        'cluster',
        'bucket',
        'schema',
        'sslmode',
    )
)


class KubernetesSecretDetector(WardenPlugin):
    """Values of a Kubernetes Secret manifest (`kind: Secret`, under `data:`
    base64-encoded or under `stringData:` in clear): secrets by declaration."""

    secret_type = 'Kubernetes Secret'  # noqa: S105 (a type name)
    keyword_group = 'kubernetes-secret'
    priority = PRIORITY_CONFIG_FILE
    rotate = (
        'change the credential at its source, then the Secret '
        '(kubectl create secret … --dry-run=client -o yaml | kubectl apply -f -)'
    )
    rules = (
        Rule(
            'kubernetes-secret',
            'Kubernetes',
            'value in a Secret manifest',
            _SECRET_ENTRY_RE,
            group='secret',
        ),
        Rule(
            'kubernetes-secret',
            'Kubernetes',
            'value in a Secret manifest (stringData)',
            _SECRET_ENTRY_RE,
            group='secret',
            keyword='kubernetes-secret-string',
        ),
    )

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        groups = context.groups or frozenset()
        match = _SECRET_ENTRY_RE.match(text)
        if match is None:
            return
        key, value = match.group('key'), match.group('secret')
        if key.lower().rsplit('_', 1)[-1] in _NOT_SECRET_KEYS or key.lower() in _NOT_SECRET_KEYS:
            return
        if 'kubernetes-secret' in groups:
            try:
                decoded = base64.b64decode(value, validate=True).decode('utf-8')
            except (binascii.Error, ValueError, UnicodeDecodeError):
                return  # not base64 text: kubectl would refuse it
            if len(decoded.strip()) < 6 or not _real(decoded.strip()) or 'CERTIFICATE' in decoded:
                return
            yield self.hit(self.rules[0], value, match.start('secret'))
        elif (
            'kubernetes-secret-string' in groups
            and len(value) >= 6
            and _real(value)
            and not value.startswith('{{')
        ):
            yield self.hit(self.rules[1], value, match.start('secret'))
