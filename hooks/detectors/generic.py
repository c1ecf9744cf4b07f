"""Generic credentials: a secret-ish name assigned a real-looking value.

Entropy alone floods users, so a value is judged only where a key name says
it is a password, secret, token or API key, and then only if it looks real:
not a placeholder or template, not a reference to somewhere else, not an
identifier, hash or UUID, and random enough for its length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from hooks.detectors.base import PRIORITY_GENERIC
from hooks.detectors.base import Hit
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.filekinds import UNQUOTED_KINDS
from hooks.detectors.filekinds import is_lock_file
from hooks.detectors.names import KEYWORD_RE
from hooks.detectors.names import classify_name
from hooks.detectors.names import secret_names
from hooks.detectors.values import Context
from hooks.detectors.values import char_classes
from hooks.detectors.values import contains_uuid
from hooks.detectors.values import is_hash_or_digest
from hooks.detectors.values import is_indirect_reference
from hooks.detectors.values import is_placeholder
from hooks.detectors.values import is_sequential_string
from hooks.detectors.values import is_templated
from hooks.detectors.values import is_uuid
from hooks.detectors.values import looks_like_identifier
from hooks.detectors.values import looks_random
from hooks.detectors.values import shannon_entropy
from hooks.lazyre import rx

# After the name: an optional closing quote/bracket, an operator, the value.
_ASSIGN_RE = rx(
    r'(?P<kq>\\?["\'`]?)\]?'
    # a type annotation (Python, TS, Kotlin): "name: str = ..."; the space
    # before "=" tells it from a base64 value's padding ("key: abc=").
    # Rust's `&str` and `&'static str` too.
    r"(?::\s{0,4}&?(?:'\w+\s{1,4})?[A-Za-z_][\w.<>\[\]|?]{0,40}\s{1,4}(?==))?"
    # Go: `const fastlyKey string = "…"`
    r'(?:\s{1,4}(?:string|\[\]byte)\s{1,4}(?==))?'
    # `(`: a setter called with a literal, `setPassword("...")`.
    r'\s{0,8}(?P<op>:=|=>|<-|::|=|:|,|\(|\s)\s{0,8}'
    r'(?:[rbufRBUF]{1,2}(?=["\']))?(?P<q>\\?["\'`]?)',
)
_XML_ELEMENT_RE = rx(r'<(?P<key>[\w.:-]{1,64})>(?P<value>[^<\s]{1,256})</(?P=key)>')
_APP_SETTING_RE = rx(
    r'(?i)\b(?:key|name)\s*=\s*"(?P<key>[^"]{1,64})"\s+value\s*=\s*"(?P<value>[^"]{1,256})"',
)
_AUTH_HEADER_RE = rx(
    # `:`/`=` in headers and maps; `, ` in setHeader("Authorization", "…") calls
    r'(?i)\bauthorization\\?["\']?\s*(?:=>|[:=]|,(?=\s*\\?["\']))\s*\\?["\']?\s*'
    r'(?:(?:bearer|basic|token|apikey|api-key|key|sso-key|ssws|klaviyo-api-key)\s+)?'
    r'(?P<value>[A-Za-z0-9._~+/=-]{12,})',
)
# Logs and prose print `key=…`, `token: …`: a bare name, a long random value.
_PROSE_KINDS = frozenset(('markdown', 'message', 'log'))
_PROSE_PAIR_RE = rx(
    # not "public key: age1…" or "ssh key: ssh-ed25519 …"
    r'(?i)(?<![\w.-])(?<!public )(?<!ssh )(?:api[_-]?)?(?:key|token|secret)\s*[=:]\s*["\']?'
    r'(?P<value>[^\s\'"`,;<>()\[\]{}]{20,200})',
)
_PATH_LIKE_RE = re.compile(r'^[a-z0-9_.-]+(?:/[a-z0-9_.-]+)+$|\.[a-z]{2,4}$')
_BUILT_ON_RE = re.compile(r'\s*(?:\+|%\s*[(\w]|\.(?:format|join|replace)\()')
# The shortest token, key or secret judged (random 12 characters still carry ~40 bits).
MIN_LENGTH = 12
_SCHEME_RE = re.compile(r'(?i)(?:bearer|basic|token)\s+(?=\S{12,}$)')
_UUID_EXAMPLE = '123e4567-e89b-12d3-a456-426614174000'  # RFC 4122's, in every tutorial

_VERSION_RE = re.compile(r'^v?\d+(?:\.\d+){1,3}(?:[-+._]\w+)?$')
_FIELD_RE = re.compile(r'\{[A-Za-z_][\w.]*(?:\[[^\]]*\])?(?:![rsa])?(?::[^{}]*)?\}')

# Regex syntax: (?..., \d, [..]+, {m,n}.
_REGEX_LIKE_RE = rx(r'\(\?|\\[dswbDSWB]|\[[^\]]*\][*+?{]|\{\d*,\d*\}')

# What may stand before a key whose value is unquoted: nothing (KEY=value,
# key: value at the start of a line), a shell/Dockerfile keyword, a YAML list
# dash, or a separator inside a flow mapping or query/connection string.
_UNQUOTED_LEADS = frozenset(('', 'export', 'set', 'ENV', 'ARG', '-', 'readonly', 'declare'))


# A header handed to a command (curl -H, wget --header, http's Name:value).
_HEADER_LEAD_RE = re.compile(r'(?:\s-H|--header)[\s=]*["\']?$')


def _unquoted_value_allowed(
    text: str, start: int, op: str, unquoted_ok: bool, kind: str = 'code'
) -> bool:
    if text[max(start - 2, 0) : start] == '--':
        return True  # --password=value / --password value on a command line
    if op.isspace() and text[:start].strip() == 'ENV' and unquoted_ok:
        return True  # Dockerfile: ENV NAME value
    if op == '=' and text[start:].startswith('ansible_'):
        return True  # an Ansible inventory: host ansible_password=...
    lead = text[:start]
    if op == '=' and kind in _PROSE_KINDS and lead[-1:].isspace():
        return True  # a log line or a note: `[DEBUG] using API_KEY=…`
    if op == ':' and _HEADER_LEAD_RE.search(lead):
        return True  # a header given to a command: curl -H "X-Api-Key: value"
    if op.isspace() or not unquoted_ok:
        # "the password is ..." prose, a type declaration, or code, where an
        # unquoted value is an expression, not a literal.
        return False
    return lead.strip() in _UNQUOTED_LEADS or lead.rstrip().endswith(('{', ',', '&', '?', ';'))


# What ends an unquoted value (`#` too, except in the kinds below).
_VALUE_ENDS = ' \t\'"`,;)}]'
# Kinds where a `#` inside a word is part of the value, not a comment's start.
_HASH_IN_VALUE_KINDS = UNQUOTED_KINDS - {'hcl'}

# File kinds where `--password value` is a command line.
_FLAG_KINDS = frozenset(('shell', 'yaml', 'env', 'message', 'hcl'))

_RULES = {
    'generic-password': Rule('generic-password', 'Generic', 'hard-coded password', KEYWORD_RE),
    'generic-secret': Rule('generic-secret', 'Generic', 'hard-coded secret', KEYWORD_RE),
    'generic-token': Rule('generic-token', 'Generic', 'hard-coded token', KEYWORD_RE),
    'generic-api-key': Rule('generic-api-key', 'Generic', 'hard-coded API key', KEYWORD_RE),
    'authorization-header': Rule(
        'authorization-header',
        'Generic',
        'credential in HTTP Authorization header',
        _AUTH_HEADER_RE,
        group='value',
    ),
}


class GenericSecretDetector(WardenPlugin):
    """password / secret / token / api_key = <real-looking value>."""

    # detect-secrets' KeywordDetector type: its baselines keep matching.
    secret_type = 'Secret Keyword'  # noqa: S105 (a type name)
    keyword_group = 'generic'
    rotate = 'wherever it is issued: replace it and change it there'
    priority = PRIORITY_GENERIC
    rules = tuple(_RULES.values())

    def __init__(self, base64_limit: float = 4.5, hex_limit: float = 3.0) -> None:
        self.base64_limit = base64_limit
        self.hex_limit = hex_limit

    @classmethod
    def configure(cls, *, base64_limit: float, hex_limit: float) -> GenericSecretDetector:
        return cls(base64_limit=base64_limit, hex_limit=hex_limit)

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        if context.kind in ('lock', 'asset', 'binary') or is_lock_file(context.path):
            return
        if '\\"' in text:
            # JSON strings that hold code (notebook cells): judge the code.
            text = text.replace('\\"', '"')
        seen: set[str] = set()
        for rule_id, value, start, strict in self._candidates(text, context):
            scheme = _SCHEME_RE.match(value)
            if scheme:
                # token: "Bearer …": the credential is what follows the scheme.
                value, start = value[scheme.end() :], start + scheme.end()
            if value in seen or not self.looks_real(rule_id, value, strict=strict):
                continue
            seen.add(value)
            yield self.hit(_RULES[rule_id], value, start)

    def _candidates(self, text: str, context: Context) -> Iterator[tuple[str, str, int, bool]]:
        """(rule id, value, offset, strict): strict when the syntax alone is
        weak evidence of an assignment, so the value must look random."""
        for match in _AUTH_HEADER_RE.finditer(text):
            yield 'authorization-header', match.group('value'), match.start('value'), False
        if context.kind in _PROSE_KINDS:
            for match in _PROSE_PAIR_RE.finditer(text):
                if _PATH_LIKE_RE.search(match.group('value')):
                    continue  # key=orders/2026/02/summary.json: an object key, a path
                yield 'generic-api-key', match.group('value'), match.start('value'), True
        for match in _XML_ELEMENT_RE.finditer(text):
            rule_id = classify_name(match.group('key').rsplit(':', 1)[-1])
            if rule_id:
                yield rule_id, match.group('value'), match.start('value'), False
        for match in _APP_SETTING_RE.finditer(text):
            rule_id = classify_name(match.group('key'))
            if rule_id:
                yield rule_id, match.group('value'), match.start('value'), False
        unquoted_ok = context.kind in UNQUOTED_KINDS
        for start, end, rule_id in secret_names(text):
            found = self._value_after(text, start, end, unquoted_ok, context.kind)
            if found is not None:
                yield rule_id, *found

    @staticmethod
    def _value_after(
        text: str,
        start: int,
        end: int,
        unquoted_ok: bool,
        context_kind: str = 'code',
    ) -> tuple[str, int, bool] | None:
        assign = _ASSIGN_RE.match(text, end)
        if assign is None:
            return None
        op, quote, key_quote = assign.group('op', 'q', 'kq')
        pos = assign.end()
        setter = re.match(r'(?:set|with)(?:[A-Z_])', text[start:end].rsplit('.', 1)[-1])
        if op == '(' and not (quote and setter):
            return None  # only setters given a literal: setPassword("..."), withToken('...')
        if op == ',' and not (key_quote and re.search(r'[\w.]\($', text[: start - 1].rstrip())):
            # f(password, x), ['password', 'token'] or a tuple of test vectors:
            # arguments or a list; put("password", "x") is a mapping.
            return None
        flag = text[max(start - 2, 0) : start] == '--'
        # Dockerfile's legacy `ENV NAME value`: a space is its assignment.
        docker_env = text[:start].strip() == 'ENV' and context_kind == 'shell'
        if op.isspace() and not (flag and context_kind in _FLAG_KINDS) and not docker_env:
            # "you can pass `x`" is prose, and `--password value` is a command line
            # only where commands are written (not in changelogs or man pages).
            return None
        if quote:
            close = text.find(quote, pos, pos + 300)
            if close <= pos:
                return None
            value = text[pos:close]
            if quote.startswith('\\'):
                value = value.rstrip('\\')
            if _BUILT_ON_RE.match(text, close + len(quote.lstrip('\\'))):
                return None  # 'prefix.' + str(x), '...{}'.format(x): a template, not a value
            return value, pos, op == ','

        if not _unquoted_value_allowed(text, start, op, unquoted_ok, context_kind):
            return None
        # Where `#` ends an unquoted value is the format's own rule: YAML and .env
        # start a comment only after a blank, the shell only at a word's start, and
        # INI files have no inline comments; elsewhere (code) it ends the value.
        ends = _VALUE_ENDS if context_kind in _HASH_IN_VALUE_KINDS else _VALUE_ENDS + '#'
        if text.startswith('#', pos) and (pos == 0 or text[pos - 1] in ' \t'):
            return None  # `password: # set in CI`: a comment, no value
        stop = pos
        while stop < len(text) and stop - pos < 256 and text[stop] not in ends:
            stop += 1
        value = text[pos:stop]
        if not value or value[0] in '!&*|>([{$%@-\\' or '(' in value:
            return None  # YAML tags/anchors/block scalars, calls, templates
        if is_indirect_reference(text[start:stop]):
            return None
        return value, pos, False

    def looks_real(self, rule_id: str, value: str, *, strict: bool = False) -> bool:
        if value.endswith('\\n'):
            value = value[:-2]
        value = value.removeprefix('\\')  # an escaped shell variable: \$VAR
        if _VERSION_RE.match(value) or _FIELD_RE.search(value) or value.startswith('arn:'):
            # a version number, a template (f'{user}:{password}'), an AWS resource name
            return False
        if is_uuid(value):
            # A random (version 4) UUID named a secret, password or API key is how
            # many services issue keys (Heroku, Snyk, Postmark...); a bare "token"
            # holding a UUID is as often a session or correlation id.
            return (
                rule_id != 'generic-token'
                and value[14] == '4'
                and value.lower() != _UUID_EXAMPLE
                and not is_placeholder(value)
                and shannon_entropy(value) >= 3.0
            )
        if (
            any(c.isspace() for c in value)
            or is_placeholder(value)
            or is_hash_or_digest(value)
            or is_templated(value)
            or contains_uuid(value)
            or is_sequential_string(value)
            or looks_like_identifier(value)
        ):
            return False
        if value.isalpha() and len(value) < 40 and not _case_flips(value):
            return False  # a word or a name (HTTPPasswordMgr), not a secret
        if _REGEX_LIKE_RE.search(value):
            return False  # a regex or an expression held in a string
        if rule_id == 'generic-password' and not strict:
            if len(value) < 6 or shannon_entropy(value) < 2.0:
                return False
            return char_classes(value) >= 2 or (len(value) >= 12 and shannon_entropy(value) >= 3.0)
        if len(value) < MIN_LENGTH or char_classes(value) < 2:
            return False
        return looks_random(value, base64_limit=self.base64_limit, hex_limit=self.hex_limit)


def _case_flips(value: str) -> bool:
    """Letters whose case flips at a third of them or more (hfCnuVcYOgiRjlDEmAoRbN):
    random, where a camelCase name flips once a word."""
    flips = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(value))
    return len(value) >= 16 and flips * 3 >= len(value)
