"""Known public values: findings that are public by design or published examples.

The list is one data file, ``public_values.json`` beside this module, read on
the first finding (a clean change never opens it). Each entry says what the
value is and where it is published. A policy adds its own entries
(``ScanOptions.public_values``). A finding that matches an entry is reported as
nothing; the engine keeps it aside (``Scanner.public_matches``) so a verbose
run or ``explain`` can say why it passed.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from typing import NamedTuple

DATA_FILE = Path(__file__).with_name('public_values.json')
MATCHES = ('value', 'prefix', 'jwt-claims', 'context')


class PublicValue(NamedTuple):
    id: str
    provider: str
    what: str
    source: str
    match: str = 'value'
    values: tuple[str, ...] = ()
    claims: tuple[tuple[str, str], ...] = ()
    rules: tuple[str, ...] = ()
    line: str = ''
    paths: tuple[str, ...] = ()


class PublicValueError(ValueError):
    """An entry of the list (or of a policy) that cannot be used."""


def parse_entry(raw: Mapping[str, Any], where: str) -> PublicValue:
    """One entry of the data file or of a policy, checked."""

    def text(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise PublicValueError(f'{where}: {key!r} must be a non-empty string')
        return value

    match = text('match', 'value')
    if match not in MATCHES:
        raise PublicValueError(f'{where}: match must be one of {", ".join(MATCHES)}')
    values = tuple(raw.get('values') or ([raw['value']] if 'value' in raw else []))
    if match in ('value', 'prefix') and (
        not values or not all(isinstance(v, str) and len(v) >= 8 for v in values)
    ):
        raise PublicValueError(f'{where}: {match!r} needs a value of 8 characters or more')
    claims = raw.get('claims') or {}
    if match == 'jwt-claims' and not (isinstance(claims, dict) and claims):
        raise PublicValueError(f'{where}: jwt-claims needs a mapping of claims')
    line = raw.get('line', '')
    if match == 'context':
        if not raw.get('rules'):
            raise PublicValueError(f'{where}: context needs the rule ids it applies to')
        try:
            re.compile(line)
        except re.error as e:
            raise PublicValueError(f'{where}: line is not a regex: {e}') from e
    return PublicValue(
        id=text('id'),
        provider=text('provider', 'Custom'),
        what=text('what'),
        source=text('source'),
        match=match,
        values=values,
        claims=tuple((str(k), str(v)) for k, v in claims.items()),
        rules=tuple(raw.get('rules') or ()),
        line=line,
        paths=tuple(raw.get('paths') or ()),
    )


@functools.cache
def builtin() -> tuple[PublicValue, ...]:
    with open(DATA_FILE, encoding='utf-8') as f:
        data = json.load(f)
    return tuple(parse_entry(raw, f'{DATA_FILE.name}[{i}]') for i, raw in enumerate(data['values']))


class PublicValues:
    """The built-in list and a policy's own entries, indexed for lookups."""

    def __init__(self, extra: Iterable[PublicValue] = ()) -> None:
        self.entries = (*builtin(), *extra)
        self._exact: dict[str, PublicValue] = {}
        self._contained: list[tuple[str, PublicValue]] = []
        self._prefixes: list[tuple[str, PublicValue]] = []
        self._claims: list[PublicValue] = []
        self._context: list[tuple[re.Pattern[str] | None, PublicValue]] = []
        for entry in self.entries:
            if entry.match == 'value':
                for value in entry.values:
                    self._exact.setdefault(value, entry)
                    self._contained.append((value, entry))
            elif entry.match == 'prefix':
                self._prefixes += [(value, entry) for value in entry.values]
            elif entry.match == 'jwt-claims':
                self._claims.append(entry)
            else:
                self._context.append((re.compile(entry.line) if entry.line else None, entry))

    def lookup(
        self, *, secret: str, rule: str = '', path: str = '', line: str = ''
    ) -> PublicValue | None:
        found = self._exact.get(secret)
        if found is not None:
            return found
        for value, entry in self._contained:
            if value in secret:  # AccountKey=<the emulator key>
                return entry
        for prefix, entry in self._prefixes:
            if secret.startswith(prefix):
                return entry
        if self._claims and secret.startswith('eyJ'):
            claims = _claims(secret)
            for entry in self._claims:
                if all(_claim_matches(claims.get(k), v) for k, v in entry.claims):
                    return entry
        base = os.path.basename(path.replace('\\', '/'))
        for pattern, entry in self._context:
            if rule not in entry.rules:
                continue
            if base in entry.paths or (pattern is not None and pattern.search(line)):
                return entry
        return None


def _claims(token: str) -> Mapping[str, object]:
    from hooks.detectors.keys import jwt_claims

    return jwt_claims(token)


def _claim_matches(actual: object, expected: str) -> bool:
    # An issuer such as https://<ref>.supabase.co/auth/v1 names Supabase too.
    return isinstance(actual, str) and (
        actual == expected
        or (
            expected == 'supabase'
            and re.search(r'(?:^|[./])supabase(?:\.co|\.in)?(?:/|$)', actual) is not None
        )
    )


def explain(
    value: str, *, rule: str = '', path: str = '', line: str = '', extra: Sequence[PublicValue] = ()
) -> PublicValue | None:
    """Why a value passes as public, if it does (for `commit-warden explain`)."""
    return PublicValues(extra).lookup(secret=value, rule=rule, path=path, line=line)
