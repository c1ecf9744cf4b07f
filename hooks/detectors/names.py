"""Which names call for a secret: shared by the generic detector and the prefilter.

Kept free of detect_secrets, so the engine can tell a line that merely says
`pass` or `signed` from one that assigns a password without importing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Where a key name may be: found by its keyword, then widened to the whole
# name, so the cost is linear in the line (no leading [\w]* to backtrack over).
KEYWORD_RE = re.compile(r'(?i)pass|pwd|secret|token|key|cred|auth|bearer')
NAME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-')
_SEGMENT_RE = re.compile(r'[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])')

_PASSWORD_SEGMENTS = frozenset(('password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode'))
_SECRET_SEGMENTS = frozenset(('secret', 'credential', 'credentials', 'creds'))
_TOKEN_SEGMENTS = frozenset(('token', 'bearer', 'auth', 'authorization'))
_KEY_QUALIFIERS = frozenset(
    (
        'api',
        'access',
        'private',
        'priv',
        'secret',
        'client',
        'auth',
        'master',
        'encryption',
        'encrypt',
        'signing',
        'sign',
        'app',
        'application',
        'service',
        'account',
        'license',
        'admin',
        'session',
        'hmac',
        'jwt',
        'webhook',
        'consumer',
        'subscription',
        'storage',
        'shared',
        'root',
        'integration',
        'write',
        'read',
        'deploy',
        'ingest',
        'crypt',
        'cipher',
    )
)
# Names that hold something about a secret, not the secret.
_EXCLUDED_ANYWHERE = frozenset(
    (
        # tokens that are not credentials: pagination, anti-forgery, idempotency
        'next',
        'page',
        'pagination',
        'continuation',
        'cursor',
        'csrf',
        'xsrf',
        'idempotency',
        'verification',
        'output',
        'hash',
        'hashed',
        'digest',
        'checksum',
        'sha',
        'sha1',
        'sha256',
        'sha512',
        'md5',
        'fingerprint',
        'integrity',
        'public',
        'publishable',
        'pubkey',
        'pub',
        'placeholder',
        'regex',
        'pattern',
        'policy',
        'validator',
        'validation',
        'strength',
        'hint',
        'reset',
        'forgot',
        'expiry',
        'expires',
        'expiration',
        'rotation',
        'mask',
        'masked',
        'encrypted',
    )
)
_EXCLUDED_LAST = frozenset(
    (
        'role',
        'roles',
        'arn',
        'locker',
        'encryption',
        'hashing',
        'hasher',
        'complexity',
        'digits',
        'id',
        'ids',
        'name',
        'names',
        'url',
        'uri',
        'urls',
        'endpoint',
        'host',
        'path',
        'file',
        'filename',
        'dir',
        'env',
        'var',
        'type',
        'types',
        'format',
        'field',
        'fields',
        'header',
        'param',
        'prefix',
        'suffix',
        'label',
        'length',
        'len',
        'size',
        'min',
        'max',
        'count',
        'timeout',
        'ttl',
        'lifetime',
        'at',
        'date',
        'time',
        'version',
        'ref',
        'arn',
        'index',
        'idx',
        'mode',
        'method',
        'provider',
        'manager',
        'store',
        'service',
        'source',
        'location',
        'text',
        'message',
        'msg',
        'error',
        'title',
        'description',
        'help',
        'prompt',
        'input',
        'column',
        'key_name',
        'keys',
        'tokens',
        'secrets',
        'passwords',
        'enabled',
        'required',
        'used',
        'set',
        'exists',
        'valid',
        'len',
        'bits',
        'algorithm',
        'alg',
        'scheme',
        'user',
        'username',
        'login',
        'email',
        'kind',
        'class',
        'cls',
        'config',
        'option',
        'options',
        'generator',
        'factory',
        'handler',
        'callback',
        'fn',
        'func',
        'cache',
        'tokenizer',
        'pair',
        'hdr',
        'mgr',
        'attempts',
        'retries',
        'rules',
        'template',
        'example',
        'sample',
        'schema',
    )
)


# Keys that index, sort or look up rather than authenticate.
_KEY_NOT_SECRET = frozenset(
    (
        'cache',
        'sort',
        'primary',
        'foreign',
        'partition',
        'row',
        'lookup',
        'dict',
        'map',
        'group',
        'order',
        'index',
        'hash',
        'idempotency',
        'dedup',
        'routing',
        'storage',
        'object',
        'bucket',
        'config',
        'setting',
        'settings',
        'state',
        'context',
        'cursor',
        'page',
        'event',
        'message',
        'metric',
        'label',
        'field',
        'column',
        'table',
        'record',
        'item',
        'entry',
        'node',
        'tree',
        'file',
        'path',
        'url',
        'route',
        'lock',
        'mutex',
        'registry',
        'env',
        'attr',
        'prop',
        'meta',
        'data',
        'user',
        'session_id',
        'request',
        'response',
        'type',
        'kind',
        'name',
        'id',
        'unique',
        'composite',
        'natural',
        'surrogate',
        'shard',
        'range',
        'sequence',
        'version',
        'feature',
        'flag',
        'translation',
        'i18n',
        'locale',
        'lang',
        'css',
        'style',
        'theme',
        'hot',
        'short',
        'cut',
        'key',
        'keyboard',
        'enter',
        'escape',
        'tab',
        'press',
        'up',
        'down',
        'left',
        'right',
        'modifier',
        'shift',
        'ctrl',
        'alt',
        'meta_key',
        'dom',
        'react',
        'vue',
        'list',
        'query',
        'redis',
        'memcache',
        'kv',
        'consul',
        'etcd',
        'ssh',
        'gpg',
        'pgp',
        'rsa',
        'ecdsa',
        'self',
        'this',
        'cls',
        'base',
        'root',
        'sub',
        'reg',
        'win',
        'winreg',
        'parent',
        'child',
    )
)


def split_name(name: str) -> list[str]:
    # sumoKey1, typeform_token2: a number after the word does not change it.
    return [s.lower().rstrip('0123456789') or s for s in _SEGMENT_RE.findall(name)]


def classify_name(name: str) -> str | None:
    """The generic rule a key name calls for, or None if it names no secret."""
    segments = split_name(name)
    if not segments or any(s in _EXCLUDED_ANYWHERE for s in segments):
        return None
    if name in ('PWD', 'OLDPWD'):
        return None  # the shell's working directory, not a password
    if segments[-1] in _EXCLUDED_LAST:
        return None
    if any(s in _PASSWORD_SEGMENTS or s.endswith(('password', 'passwd')) for s in segments):
        return 'generic-password'
    if any(s in _SECRET_SEGMENTS or s.endswith('secret') for s in segments):
        return 'generic-secret'
    if any(s in _TOKEN_SEGMENTS or s.endswith('token') for s in segments):
        return 'generic-token'
    for i, s in enumerate(segments):
        if s == 'key' and i > 0 and segments[i - 1] in _KEY_QUALIFIERS:
            return 'generic-api-key'
        if s.endswith('key') and s[:-3] in _KEY_QUALIFIERS:
            return 'generic-api-key'
    last = segments[-1]
    if len(segments) > 1 and last == 'key' and segments[-2] not in _KEY_NOT_SECRET:
        # stripeKey, BITFINEX_KEY: a service's key; its value must still look random.
        return 'generic-api-key'
    return None


def _widen(text: str, kw_start: int, kw_end: int) -> tuple[int, int]:
    """The whole name around a keyword match (bounded: linear in the line)."""
    start, end = kw_start, kw_end
    while start > 0 and end - start < 80 and text[start - 1] in NAME_CHARS:
        start -= 1
    while end < len(text) and end - start < 80 and text[end] in NAME_CHARS:
        end += 1
    while text[start] in '.-' and start < kw_start:
        start += 1  # --password: the dashes are a flag, not the name
    return start, end


def secret_names(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, generic rule id) of each name in `text` that calls for a secret:
    found by its keyword, widened to the whole name, then classified."""
    end_of_last = -1
    for kw in KEYWORD_RE.finditer(text):
        if kw.start() < end_of_last:
            continue
        start, end = _widen(text, kw.start(), kw.end())
        end_of_last = end
        if text[max(start - 2, 0) : start] == '::':
            continue  # the last part of a type name (AWS::ApiGateway::ApiKey, Perl::Pass)
        rule_id = classify_name(text[start:end].strip('.-'))
        if rule_id is not None:
            yield start, end, rule_id


# What may follow a secret's name when a value is assigned to it: a quote or
# bracket closing the name, an operator, or the end of an XML start tag.
_AFTER_NAME = frozenset('\'"`]>:=,<')


def has_secret_name(text: str) -> bool:
    """Whether some name in `text` calls for a secret and is followed by what
    could assign it a value: a cheap, necessary condition of the generic rules
    (`pass`, `passed` or `token is None` do not meet it)."""
    for start, end, _ in secret_names(text):
        after = text[end : end + 12].lstrip(' \t\\')
        flag = text[max(start - 2, 0) : start] == '--'
        docker_env = text[:start].strip() == 'ENV'  # Dockerfile: ENV NAME value
        setter = after[:1] == '(' and after[1:2] in ('"', "'")
        if after and (after[0] in _AFTER_NAME or flag or docker_env or setter):
            return True
    return False
