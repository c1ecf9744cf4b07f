"""Judging a candidate value: placeholder, reference, hash, or real-looking.

Pure functions over strings, shared by the detector plugins and the engine.
No detect_secrets import here, so the engine can use these without it.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import NamedTuple

from hooks.lazyre import rx

# detect-secrets' defaults for its high-entropy plugins.
DEFAULT_BASE64_LIMIT = 4.5
DEFAULT_HEX_LIMIT = 3.0
# Share of the most entropy a value of its length could have that a random
# one reaches (a 32-character random token of [a-z0-9] reaches ~4.2 of 5 bits).
ROOM = 0.75
HEX_CHARS = frozenset('0123456789abcdefABCDEF')


class Context(NamedTuple):
    """What a detector may know beyond the text it is given."""

    path: str = ''
    kind: str = 'code'  # see file_kind()
    line: str = ''  # the whole line, even when the text scanned is a window of it
    following: tuple[str, ...] = ()  # the next few lines, for multi-line formats (PEM bodies)
    preceding: tuple[str, ...] = ()  # the few lines before, nearest last (a JWK's "kty")
    # The keyword groups the prefilter found on the line; None: run every rule.
    groups: frozenset[str] | None = None


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def char_classes(value: str) -> int:
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    digit = any(c.isdigit() for c in value)
    other = any(not c.isalnum() for c in value)
    return lower + upper + digit + other


def is_hex(value: str) -> bool:
    return bool(value) and all(c in HEX_CHARS for c in value)


def entropy_threshold(value: str, *, base64_limit: float, hex_limit: float) -> float:
    """The entropy a value needs to look random.

    detect-secrets' limits (4.5 base64, 3.0 hex) are calibrated for long
    strings; a short string cannot reach them even when random (16 random
    characters top out at 4 bits), so a short value needs a share of the most
    it could have instead, scaled by the configured limit.
    """
    room = ROOM * math.log2(max(len(value), 2))
    if is_hex(value):
        return min(hex_limit, room * hex_limit / DEFAULT_HEX_LIMIT)
    return min(base64_limit, room * base64_limit / DEFAULT_BASE64_LIMIT)


def looks_random(value: str, *, base64_limit: float = 4.5, hex_limit: float = 3.0) -> bool:
    return shannon_entropy(value) >= entropy_threshold(
        value,
        base64_limit=base64_limit,
        hex_limit=hex_limit,
    )


# Values that stand in for a secret rather than being one.
_PLACEHOLDER_WORDS = (
    'changeme',
    'change_me',
    'change-me',
    'changethis',
    'change_this',
    'example',
    'dummy',
    'placeholder',
    'redacted',
    'sample',
    'fake',
    'your_',
    'your-',
    'yourpass',
    'yoursecret',
    'yourtoken',
    'yourkey',
    'your ',
    'xxxx',
    'xxx-',
    '****',
    '....',
    '<',
    '>',
    '{{',
    '}}',
    '${',
    '%(',
    '#{',
    '$(',
    '%s',
    '%d',
    'todo',
    'fixme',
    'replace_me',
    'replace-me',
    'replaceme',
    'insert_',
    'insert-',
    'notasecret',
    'not_a_secret',
    'not-a-secret',
    'notreal',
    'not_real',
    'not-real',
    'mysecret',
    'my_secret',
    'my-secret',
    'mypassword',
    'my_password',
    'secretkey',
    'supersecret',
    'super_secret',
    'fill_in',
    'fill-in',
    'enter_',
    'enter-',
    'setme',
    'set_me',
    'undefined',
    'lorem',
    'ipsum',
    'abcdef',
    'abc123',
    '123456',
    'qwerty',
    '000000',
    'aaaaaa',
    'foobar',
)
# Words that mark a placeholder only as a word of their own: 'mock_token' is a
# fixture, 'Hammock#91' is a password.
_PLACEHOLDER_WHOLE = rx(r'(?<![a-z])(?:testing|mock|stub|invalid|bogus)(?![a-z])')

_PLACEHOLDER_EXACT = frozenset(
    (
        'none',
        'null',
        'nil',
        'undefined',
        'true',
        'false',
        'yes',
        'no',
        'on',
        'off',
        'test',
        'tests',
        'password',
        'passwd',
        'pass',
        'pwd',
        'secret',
        'secrets',
        'token',
        'key',
        'apikey',
        'api_key',
        'admin',
        'root',
        'user',
        'guest',
        'default',
        'letmein',
        'hunter2',
        'hunter22',
        'foo',
        'bar',
        'baz',
        'string',
        'tiger',
        'str',
        'value',
        'empty',
        'blank',
        'required',
        'optional',
        'hidden',
        'private',
        'public',
        'unknown',
        'unset',
        'n/a',
        'na',
        'tbd',
        'bearer',
        'basic',
        # Passwords so well known that a hit is a demo or a fixture.
        'password1',
        'password123',
        'passw0rd',
        'p@ssword',
        'p@ssw0rd',
        'p4ssw0rd',
        's3cr3t',
        'test123',
        'test1234',
        'admin123',
        'secret123',
        'pass123',
        'pass1234',
        'welcome1',
    )
)

_TEMPLATE_RE = rx(
    r'^\$[A-Za-z_{(]'  # $VAR ${VAR} $(cmd)
    r'|^%[A-Za-z_]+%$'  # %VAR% (Windows)
    r'|^\{[^{}]*\}$'  # {name}
    r'|^__[A-Z0-9_]+__$'  # __TOKEN__
    r'|^@[A-Za-z_.]+@$'  # @token@ (maven filtering)
    r'|^#\{'  # #{ruby}
    r'|^\*+$|^x+$|^X+$|^\.+$|^-+$|^_+$|^0+$',
)


def is_placeholder(value: str) -> bool:
    stripped = value.strip().strip('\'"`')
    if len(stripped) < 2:
        return True
    lowered = stripped.lower()
    if lowered in _PLACEHOLDER_EXACT or _TEMPLATE_RE.search(stripped):
        return True
    if any(word in lowered for word in _PLACEHOLDER_WORDS) or _PLACEHOLDER_WHOLE.search(lowered):
        return True
    # A value made of one repeated character or a tiny alphabet (xxxxxxxx,
    # 12121212, abababab) is a filler, not a secret.
    return len(set(lowered)) <= 2 or len(set(lowered)) * 4 < min(len(lowered), 32)


# Words joined by _ - . or case changes: names of things, not secrets.
_IDENTIFIER_RES = (
    rx(r'^[a-z]+(?:[_.-][a-z]+)*$'),  # snake_case, kebab-case, dotted
    rx(r'^[A-Z][A-Z]*(?:[_.-][A-Z]+)*$'),  # CONSTANT_NAME
    rx(r'^[a-z]+(?:[A-Z][a-z]+)+$'),  # camelCase
    rx(r'^(?:[A-Z][a-z]+)+$'),  # PascalCase
    rx(r'^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+$'),  # settings.SECRET, process.env.X
    rx(r'^[A-Za-z_][\w.]*(?:\(.*\)|\[.*\])$'),  # call(...) / lookup[...]
    rx(r'^(?:/|\./|\.\./|~/)[\w./-]*$'),  # a path
    rx(r'^[\w.+-]+@[\w-]+\.[\w.-]+$'),  # an e-mail address
    rx(r'^[a-z_][\w.]*:[A-Za-z_][\w.]*$'),  # module:attr (entry points)
    rx(r'^[a-z]+://'),  # a URL (the URL rules judge it)
)


def looks_like_identifier(value: str) -> bool:
    return any(r.search(value) for r in _IDENTIFIER_RES)


_HASH_RE = rx(
    r'^(?:sha1|sha256|sha384|sha512|md5)[-:]'  # SRI integrity, docker digests
    r'|^\$(?:2[abxy]?|5|6|y|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]*|bcrypt[\w-]*)\$'  # crypt(3)
    r'|^(?:pbkdf2_sha\d+|bcrypt_sha256|argon2|scrypt)\$'  # Django hashers
    r'|^\{(?:SSHA|SHA|MD5|SMD5|CRYPT|PBKDF2[\w-]*)\}'  # LDAP
    r'|^h1:'  # go.sum
)


def is_hash_or_digest(value: str) -> bool:
    return bool(_HASH_RE.search(value))


_UUID_RE = rx(
    r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
)


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.search(value))


_UUID_ANYWHERE_RE = rx(
    r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
)


def contains_uuid(value: str) -> bool:
    return bool(_UUID_ANYWHERE_RE.search(value))


# Runs of a keyboard-free alphabet that fillers are cut from: ABCDEF..., 0123...,
# 0123456789ABCDEF..., each written twice so a run may wrap around.
_SEQUENCES = (
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ' * 2 + '0123456789+/',
    '0123456789' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' * 2 + '+/',
    '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' * 2,
    '0123456789' * 2,
    '0123456789ABCDEF' * 2,
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ=/',
)


def is_sequential_string(value: str) -> bool:
    """A run cut from the alphabet or the digits (abcdefgh..., 12345678...):
    a filler in documentation, never a generated secret."""
    upper = value.upper()
    return any(upper in sequence for sequence in _SEQUENCES)


def is_templated(value: str) -> bool:
    """{name}, <name> or ${name}: a slot for a value, not the value."""
    if len(value) < 2:
        return True
    first, last = value[0], value[-1]
    return (first, last) in (('{', '}'), ('<', '>')) or (value[:2] == '${' and last == '}')


_INDIRECT_RE = rx(r'(?:={1,3}|!={1,2}|:=?)\s*[\w.-]+[\[(][^\n]*[\])]')


def is_indirect_reference(text: str) -> bool:
    """`x = get_secret()`, `x = request.headers['token']`: the value comes from
    a call or a lookup, so what is written is not the secret."""
    return len(text) <= 1000 and _INDIRECT_RE.search(text) is not None


def is_jwt_well_formed(token: str) -> bool:
    """Three base64url parts, the first two JSON: what a real token decodes to."""
    import base64
    import binascii
    import json

    for index, part in enumerate(token.split('.')):
        if len(part) % 4 == 1:
            return False
        try:
            decoded = base64.urlsafe_b64decode(part + '=' * (-len(part) % 4))
            if index < 2:
                json.loads(decoded.decode('utf-8'))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return False
    return True


_FILLER_RES = (rx(r'(?i)a1b2c3d4|1a2b3c4d|x{8}|put_?your|your_?token|insert_?your|_here_'),)


@functools.lru_cache(maxsize=1)
def _runs() -> frozenset[str]:
    return frozenset(seq[i : i + 10] for seq in _SEQUENCES for i in range(len(seq) - 9))


def is_filler(value: str) -> bool:
    """A made-up value in a real format: a run of the alphabet or digits
    (AIzaSyabcdefghijklmnop…), an a1b2c3d4 pattern, XXXXXXXX, 'put your…'."""
    if any(r.search(value) for r in _FILLER_RES):
        return True
    upper = value.upper()
    runs = _runs()
    return any(upper[i : i + 10] in runs for i in range(len(upper) - 9))


def is_documented_example(secret: str) -> bool:
    """AWS and others document keys that end in EXAMPLE (AKIAIOSFODNN7EXAMPLE,
    wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)."""
    upper = secret.upper()
    return upper.endswith(('EXAMPLE', 'EXAMPLEKEY')) or 'EXAMPLEKEY' in upper
