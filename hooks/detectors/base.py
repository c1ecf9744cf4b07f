"""The shape every commit-warden detector shares.

A detector is a small class of named rules that speaks detect-secrets' plugin
interface (``secret_type``, ``analyze_line``, ``analyze_string``, ``verify``,
``json``) without importing detect_secrets: its plugin base class imports
``requests`` and its settings machinery, which a commit must not wait for.
``hooks.detectors.detect_secrets_plugins`` wraps these classes as real
detect-secrets plugins for ``detect-secrets scan --plugin``; only that module,
and the methods detect-secrets itself calls, import detect_secrets.

``secret_type`` stays detect-secrets' name wherever a built-in plugin finds
the same thing, so a detect-secrets baseline keeps matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import NamedTuple

from hooks.detectors.values import Context
from hooks.detectors.values import is_documented_example
from hooks.detectors.values import is_filler
from hooks.detectors.values import is_sequential_string
from hooks.detectors.values import shannon_entropy
from hooks.lazyre import Regex

if TYPE_CHECKING:
    from detect_secrets.constants import VerifiedResult
    from detect_secrets.core.potential_secret import PotentialSecret

Check = Callable[['re.Match[str]', Context], bool]

# Where a value of a token format ends: no character of one follows (a longer run
# is another string, not this token).
VALUE_END = r'(?![A-Za-z0-9_-])'

# Priorities settle overlaps on one line: a token found by its provider rule
# is not reported again by the URL or generic keyword rules.
PRIORITY_PROVIDER = 100
PRIORITY_CONFIG_FILE = 60
PRIORITY_URL = 40
PRIORITY_GENERIC = 10


class Rule(NamedTuple):
    id: str
    provider: str
    kind: str
    pattern: Regex | re.Pattern[str]
    group: int | str = 0
    check: Check | None = None
    # Fillers such as ghp_xxxxxxxx... match a format but carry no information;
    # any real token of these formats is far above this.
    min_entropy: float = 2.5
    # The keyword group whose keywords send a line to this rule; '' means the
    # plugin's own keyword_group.
    keyword: str = ''
    # Where to revoke and reissue it: a URL or a place in the provider's console;
    # '' means the plugin's.
    rotate: str = ''


class Hit(NamedTuple):
    rule_id: str
    provider: str
    kind: str
    secret: str  # never in repr()
    start: int
    secret_type: str
    priority: int
    rotate: str = ''

    def __repr__(self) -> str:
        return (
            f'Hit(rule_id={self.rule_id!r}, provider={self.provider!r}, '
            f'kind={self.kind!r}, start={self.start!r}, '
            f'secret_type={self.secret_type!r}, priority={self.priority!r}, '
            f'rotate={self.rotate!r})'
        )


class WardenPlugin:
    """Named regex rules, judged per line, with detect-secrets' plugin interface."""

    secret_type: ClassVar[str] = ''
    rules: ClassVar[tuple[Rule, ...]] = ()
    keyword_group: ClassVar[str] = ''
    priority: ClassVar[int] = PRIORITY_PROVIDER
    # Where a leaked secret of this plugin is revoked (URL or console place).
    rotate: ClassVar[str] = ''
    _groups: ClassVar[frozenset[str] | None] = None

    @classmethod
    def configure(cls, *, base64_limit: float, hex_limit: float) -> WardenPlugin:
        """An instance for one scan's options; most detectors take none."""
        return cls()

    @classmethod
    def keyword_groups(cls) -> frozenset[str]:
        """Every keyword group that sends lines to some rule of this plugin."""
        groups = cls.__dict__.get('_groups')
        if groups is None:
            groups = frozenset({cls.keyword_group} | {r.keyword for r in cls.rules if r.keyword})
            cls._groups = groups
        return groups

    @classmethod
    def all_rules(cls) -> tuple[Rule, ...]:
        """Every rule, also those not run as a plain regex over the line."""
        return cls.rules

    @classmethod
    def rotation(cls, rule: Rule) -> str:
        return rule.rotate or cls.rotate

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        groups = context.groups
        for rule in self.rules:
            if groups is not None and (rule.keyword or self.keyword_group) not in groups:
                continue
            for match in rule.pattern.finditer(text):
                secret = match.group(rule.group)
                if not secret or not self.keep(secret, rule, match, context):
                    continue
                yield self.hit(rule, secret, match.start(rule.group))

    def keep(
        self,
        secret: str,
        rule: Rule,
        match: re.Match[str],
        context: Context,
    ) -> bool:
        if is_documented_example(secret) or is_sequential_string(secret) or is_filler(secret):
            return False
        if shannon_entropy(secret) < rule.min_entropy:
            return False
        return rule.check is None or rule.check(match, context)

    def hit(
        self,
        rule: Rule,
        secret: str,
        start: int,
        *,
        provider: str | None = None,
        kind: str | None = None,
    ) -> Hit:
        return Hit(
            rule_id=rule.id,
            provider=provider or rule.provider,
            kind=kind or rule.kind,
            secret=secret,
            start=start,
            secret_type=self.secret_type,
            priority=self.priority,
            rotate=self.rotation(rule),
        )

    # --- detect-secrets' plugin interface (detect_secrets imported on use) -------

    def analyze_string(self, string: str) -> Iterator[str]:
        for hit in self.find(string, Context(line=string)):
            yield hit.secret

    def analyze_line(
        self,
        filename: str,
        line: str,
        line_number: int = 0,
        context: Any = None,
        **kwargs: Any,
    ) -> set[PotentialSecret]:
        from detect_secrets.core.potential_secret import PotentialSecret

        return {
            PotentialSecret(
                type=self.secret_type, filename=filename, secret=secret, line_number=line_number
            )
            for secret in self.analyze_string(line)
        }

    def verify(self, *args: Any, **kwargs: Any) -> VerifiedResult:
        # A commit hook must never reach the network: whatever detect-secrets'
        # settings say, a warden plugin never verifies.
        from detect_secrets.constants import VerifiedResult

        return VerifiedResult.UNVERIFIED

    def json(self) -> dict[str, Any]:
        return {'name': type(self).__name__}
