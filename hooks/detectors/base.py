"""The shape every commit-warden detector shares.

A detector is a detect-secrets plugin (a ``RegexBasedDetector``, usually a
subclass of the built-in plugin it extends, so it keeps that plugin's
``secret_type`` and a detect-secrets baseline still matches) that also knows
*which* rule matched, so a finding can name its provider and kind.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar

from detect_secrets.constants import VerifiedResult
from detect_secrets.filters.heuristic import is_sequential_string
from detect_secrets.plugins.base import RegexBasedDetector

from hooks.detectors.values import Context
from hooks.detectors.values import is_documented_example
from hooks.detectors.values import shannon_entropy

Check = Callable[['re.Match[str]', Context], bool]

# Priorities settle overlaps on one line: a token found by its provider rule
# is not reported again by the URL or generic keyword rules.
PRIORITY_PROVIDER = 100
PRIORITY_CONFIG_FILE = 60
PRIORITY_URL = 40
PRIORITY_GENERIC = 10


@dataclass(frozen=True)
class Rule:
    id: str
    provider: str
    kind: str
    pattern: re.Pattern[str]
    group: int | str = 0
    check: Check | None = None
    # Fillers such as ghp_xxxxxxxx... match a format but carry no information;
    # any real token of these formats is far above this.
    min_entropy: float = 2.5


@dataclass(frozen=True)
class Hit:
    rule_id: str
    provider: str
    kind: str
    secret: str = field(repr=False)
    start: int
    secret_type: str
    priority: int


def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


class WardenPlugin(RegexBasedDetector):
    """A regex detector whose regexes are named rules."""

    rules: ClassVar[tuple[Rule, ...]] = ()
    keyword_group: ClassVar[str] = ''
    priority: ClassVar[int] = PRIORITY_PROVIDER
    # detect-secrets' view of the rules.  Any: the built-in plugins we extend
    # declare it as a list or a tuple, and it is replaced per subclass.
    denylist: Any = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.denylist = tuple(rule.pattern for rule in cls.rules)

    @classmethod
    def configure(cls, *, base64_limit: float, hex_limit: float) -> WardenPlugin:
        """An instance for one scan's options; most detectors take none."""
        return cls()

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        for rule in self.rules:
            for match in rule.pattern.finditer(text):
                secret = match.group(rule.group)
                if not secret or not self.keep(secret, rule, match, context):
                    continue
                yield self.hit(rule, secret, match.start(rule.group))

    def keep(
        self, secret: str, rule: Rule, match: re.Match[str], context: Context,
    ) -> bool:
        if is_documented_example(secret) or is_sequential_string(secret):
            return False
        if shannon_entropy(secret) < rule.min_entropy:
            return False
        return rule.check is None or rule.check(match, context)

    def hit(
        self, rule: Rule, secret: str, start: int,
        *, provider: str | None = None, kind: str | None = None,
    ) -> Hit:
        return Hit(
            rule_id=rule.id,
            provider=provider or rule.provider,
            kind=kind or rule.kind,
            secret=secret,
            start=start,
            secret_type=str(self.secret_type),
            priority=self.priority,
        )

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        for hit in self.find(string, Context(line=string)):
            yield hit.secret

    def verify(self, *args: Any, **kwargs: Any) -> VerifiedResult:
        # A commit hook must never reach the network: whatever detect-secrets'
        # settings say, a warden plugin never verifies.
        return VerifiedResult.UNVERIFIED
