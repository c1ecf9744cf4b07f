"""Regexes users write in the policy, run with a time bound.

Python's `re` has no timeout, so a pattern like `(a|aa)*b` can take exponential
time on a near-miss and hang a commit. User patterns run on the `regex` module
instead (re-compatible syntax, far less backtracking, and a per-call timeout);
a search that runs out of time is reported by the caller, never silently
treated as "no match" where that would let something through.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any
from typing import NamedTuple

from hooks.errors import FatalError

# Per search call, on one line (or one window of a long line).
TIMEOUT = 0.25


class PatternTimeout(FatalError):
    """A user pattern ran out of time: a policy problem (exit 2) that blocks, and
    whose message names the pattern and where, never the text it ran on."""


@functools.lru_cache(maxsize=1)
def _regex() -> Any:
    import regex

    return regex


class UserRegex(NamedTuple):
    source: str
    compiled: Any

    @classmethod
    def compile(cls, source: str) -> UserRegex:
        return cls(source, _regex().compile(source, _regex().VERSION0))

    @property
    def groups(self) -> int:
        return int(self.compiled.groups)

    def search(self, text: str) -> Any:
        try:
            return self.compiled.search(text, timeout=TIMEOUT)
        except TimeoutError as e:
            raise PatternTimeout(f'the pattern {self.source!r} took too long') from e

    def finditer(self, text: str) -> Iterator[Any]:
        try:
            yield from self.compiled.finditer(text, timeout=TIMEOUT)
        except TimeoutError as e:
            raise PatternTimeout(f'the pattern {self.source!r} took too long') from e


def _nested_repeat(items: Any, inside: bool) -> bool:
    """Whether a parsed regex repeats something that itself repeats without bound.

    Such patterns (`(a+)+`) backtrack exponentially on near-misses; rejecting them
    at load is how a user pattern is kept from hanging a commit.
    """
    for op, arg in items:
        name = str(op)
        if name in ('MAX_REPEAT', 'MIN_REPEAT', 'POSSESSIVE_REPEAT'):
            _lo, hi, sub = arg
            unbounded = hi > 1000
            if inside and unbounded:
                return True
            if _nested_repeat(sub, inside or unbounded):
                return True
        elif name == 'SUBPATTERN':
            if _nested_repeat(arg[-1], inside):
                return True
        elif name == 'BRANCH':
            if any(_nested_repeat(b, inside) for b in arg[1]):
                return True
        elif name in ('ASSERT', 'ASSERT_NOT') and _nested_repeat(arg[1], inside):
            return True
    return False


def check_regex(pattern: str) -> str | None:
    """None if `pattern` is safe to run on every line; otherwise what is wrong."""
    try:
        re.compile(pattern)
    except re.error as e:
        return f'regex does not compile: {e}'
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python 3.10
        import sre_parse
    if _nested_repeat(sre_parse.parse(pattern), False):
        return ('regex nests unbounded repeats (like `(a+)+`), which can take '
                'exponential time on a near-miss; rewrite it without the nesting')
    return None
