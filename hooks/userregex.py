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
import time
from collections.abc import Callable
from typing import Any
from typing import NamedTuple

from hooks.errors import FatalError

# Per search call, on one line (or one window of a long line).
TIMEOUT = 0.25
# For every call of one run together: a pattern that stays under the per-call bound
# on each of thousands of lines must not hold a commit for minutes. (A scan spread
# over worker processes gives each its own budget.)
RUN_BUDGET = 10.0
_spent = 0.0


def reset_budget() -> None:
    """A new run starts with the whole budget (hooks.findings.boundary calls this)."""
    global _spent
    _spent = 0.0


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

    def _run(self, fn: Callable[[float], Any]) -> Any:
        global _spent
        left = RUN_BUDGET - _spent
        if left <= 0:
            raise PatternTimeout(
                f"the pattern {self.source!r} was not run: the policy's "
                f'patterns used up their {RUN_BUDGET:g} s for this run'
            )
        start = time.perf_counter()
        try:
            return fn(min(TIMEOUT, left))
        except TimeoutError as e:
            raise PatternTimeout(f'the pattern {self.source!r} took too long') from e
        finally:
            _spent += time.perf_counter() - start

    def search(self, text: str) -> Any:
        return self._run(lambda t: self.compiled.search(text, timeout=t))

    def finditer(self, text: str) -> list[Any]:
        """Every match, as a list: the time bound covers finding all of them."""
        return self._run(lambda t: list(self.compiled.finditer(text, timeout=t)))


# A repeat of more than this many times multiplies the work of a repeat inside it
# as an unbounded one does: `(.*a){20}` is polynomial of degree 20 on a near-miss.
_MANY = 10


def _can_be_empty(items: Any) -> bool:
    """Whether a parsed regex (a sequence) can match the empty string."""
    for op, arg in items:
        name = str(op)
        if name in ('MAX_REPEAT', 'MIN_REPEAT', 'POSSESSIVE_REPEAT'):
            if arg[0] > 0 and not _can_be_empty(arg[2]):
                return False
        elif name in ('SUBPATTERN', 'ATOMIC_GROUP'):
            if not _can_be_empty(arg[-1]):
                return False
        elif name == 'BRANCH':
            if not any(_can_be_empty(b) for b in arg[1]):
                return False
        elif name not in ('AT', 'ASSERT', 'ASSERT_NOT', 'GROUPREF', 'GROUPREF_EXISTS'):
            return False  # a character, a class, `.`: at least one character
    return True


def _nested_repeat(items: Any, inside: bool) -> bool:
    """Whether a parsed regex repeats, many times, something that itself repeats
    without bound, or repeats without bound something that can match nothing.

    Such patterns (`(a+)+`, `(.*a){20}`, `(a|a?)+`) backtrack exponentially (or to a
    high power) on near-misses; rejecting them at load is how a user pattern is kept
    from hanging a commit.
    """
    for op, arg in items:
        name = str(op)
        if name in ('MAX_REPEAT', 'MIN_REPEAT', 'POSSESSIVE_REPEAT'):
            _lo, hi, sub = arg
            unbounded = hi > 1000
            if inside and unbounded:
                return True
            if unbounded and _can_be_empty(sub):
                return True
            if _nested_repeat(sub, inside or unbounded or hi >= _MANY):
                return True
        elif name in ('SUBPATTERN', 'ATOMIC_GROUP'):
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
        return (
            'regex nests unbounded repeats (like `(a+)+`, `(.*a){20}` or `(a|a?)+`), '
            'which can take exponential time on a near-miss; rewrite it without the '
            'nesting'
        )
    return None
