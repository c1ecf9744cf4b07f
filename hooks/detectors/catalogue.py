"""One detector class per provider of ``hooks.detectors.providers``.

A provider's ``Token`` rules are ordinary regex rules; its ``Named`` rules find
a key name that mentions the provider and a secret (``ALGOLIA_ADMIN_KEY``,
``cloudflare.apiToken``, ``--snyk-token``), read the value assigned to it the
way the generic rules do, and report it only if the whole value has the
provider's documented shape.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import ClassVar

from hooks.detectors.base import Hit
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.filekinds import UNQUOTED_KINDS
from hooks.detectors.generic import GenericSecretDetector
from hooks.detectors.names import split_name
from hooks.detectors.providers import PROVIDERS
from hooks.detectors.providers import Provider
from hooks.detectors.providers import by_group
from hooks.detectors.values import Context
from hooks.detectors.values import is_documented_example
from hooks.detectors.values import is_filler
from hooks.detectors.values import is_placeholder
from hooks.detectors.values import is_sequential_string
from hooks.detectors.values import shannon_entropy
from hooks.lazyre import rx

# Parts of a key name that say it holds a secret.
_SECRET_PARTS = frozenset(
    (
        'key',
        'keys',
        'token',
        'secret',
        'password',
        'passwd',
        'pass',
        'pwd',
        'auth',
        'pat',
        'apikey',
        'credential',
        'credentials',
        'creds',
        'skey',
        'authtoken',
        'accesstoken',
        'secretkey',
        'apitoken',
        'bearer',
        'sk',
    )
)
_SECRET_SUFFIXES = ('key', 'token', 'secret', 'password', 'passwd')
# Parts that, last in a name, say it holds something about a secret instead.
_NOT_SECRET_LAST = frozenset(
    (
        'id',
        'ids',
        'name',
        'url',
        'uri',
        'host',
        'endpoint',
        'region',
        'zone',
        'path',
        'file',
        'dir',
        'user',
        'username',
        'email',
        'account',
        'project',
        'org',
        'domain',
        'version',
        'type',
        'enabled',
        'length',
        'expiry',
        'expires',
        'header',
        'prefix',
        'env',
        'var',
    )
)


def _names_a_secret(name: str, word: str) -> bool:
    lowered = name.lower()
    if lowered.strip('_-.') == word.strip('_-.'):
        return True  # `cloudflare: "..."`: the provider's name alone
    if any(part in word for part in ('key', 'token', 'secret', 'pass', 'write')):
        return True  # the word itself names the secret (secret_id, co_api_key)
    parts = split_name(name)
    if not parts or parts[-1] in _NOT_SECRET_LAST:
        return False
    return any(p in _SECRET_PARTS or p.endswith(_SECRET_SUFFIXES) for p in parts)


_NAME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-')


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and end - start < 80 and text[start - 1] in _NAME_CHARS:
        start -= 1
    while end < len(text) and end - start < 80 and text[end] in _NAME_CHARS:
        end += 1
    while start < end and text[start] in '.-':
        start += 1
    return start, end


class ProviderPlugin(WardenPlugin):
    """A provider's token rules, plus its rules known by a key name."""

    provider: ClassVar[Provider]
    named_rules: ClassVar[tuple[Rule, ...]] = ()

    @classmethod
    def all_rules(cls) -> tuple[Rule, ...]:
        return cls.rules + cls.named_rules

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        if context.groups is not None and self.keyword_group not in context.groups:
            return
        yield from super().find(text, context)
        if self.named_rules:
            yield from self._find_named(text, context)

    def _find_named(self, text: str, context: Context) -> Iterator[Hit]:
        if context.kind in ('lock', 'asset', 'binary'):
            return
        if '\\"' in text:
            text = text.replace('\\"', '"')
        lowered = text.lower()
        unquoted_ok = context.kind in UNQUOTED_KINDS
        done: set[int] = set()
        for match in _words_regex(self.provider).finditer(lowered):
            pos = match.start()
            if (
                pos
                and text[pos - 1].isalpha()
                and not (text[pos].isupper() and text[pos - 1].islower())
            ):
                continue  # inside another word: 'blob' does not name Lob
            word = match.group(0)
            start, end = _widen(text, pos, match.end())
            if start in done or not _names_a_secret(text[start:end], word):
                continue
            done.add(start)
            found = GenericSecretDetector._value_after(text, start, end, unquoted_ok, context.kind)
            if found is None:
                continue
            value, offset, _ = found
            value = value.rstrip('\\')
            for rule in self.named_rules:
                if rule.pattern.fullmatch(value) and self._real(value, rule):
                    yield self.hit(rule, value, offset)
                    break

    @staticmethod
    def _real(value: str, rule: Rule) -> bool:
        # Dropbox's long-lived tokens carry ten A's by design: not a filler there.
        if (
            is_placeholder(value.replace('AAAAAAAAAA', ''))
            or is_documented_example(value)
            or is_sequential_string(value)
            or is_filler(value)
        ):
            return False
        return shannon_entropy(value) >= rule.min_entropy


@functools.cache
def _words_regex(provider: Provider) -> re.Pattern[str]:
    """The provider's words in a lowercased name, whatever separates their parts
    (op_connect, op-connect, opConnect)."""
    parts = []
    for word in sorted(provider.words, key=len, reverse=True):
        pieces = [re.escape(p) for p in re.split(r'[_.-]+', word.strip('_.-')) if p]
        parts.append('[_.-]?'.join(pieces))
    return re.compile('|'.join(parts))


def _class_name(provider: Provider) -> str:
    words = re.findall(r'[A-Za-z0-9]+', provider.name.replace('1Password', 'OnePassword'))
    return ''.join(w[:1].upper() + w[1:] for w in words) + 'Detector'


def _build(provider: Provider) -> type[ProviderPlugin]:
    tokens = tuple(
        Rule(t.id, provider.name, t.kind, rx(t.pattern), min_entropy=t.min_entropy)
        for t in provider.tokens
    )
    named = tuple(
        Rule(n.id, provider.name, n.kind, rx(n.value), min_entropy=n.min_entropy)
        for n in provider.named
    )
    return type(
        _class_name(provider),
        (ProviderPlugin,),
        {
            '__module__': __name__,
            '__doc__': f'{provider.name} credentials.',
            'provider': provider,
            'secret_type': provider.secret_type or f'{provider.name} Token',
            'keyword_group': provider.group,
            'rotate': provider.rotate,
            'rules': tokens,
            'named_rules': named,
        },
    )


@functools.cache
def provider_class(group: str) -> type[ProviderPlugin]:
    """The detector of one provider, built on first need: a scan that meets one
    provider's keyword does not build two hundred classes."""
    return _build(by_group()[group])


def provider_classes() -> tuple[type[ProviderPlugin], ...]:
    return tuple(provider_class(p.group) for p in PROVIDERS)
