"""gitignore-style path globs, as users write them in the policy.

A glob compiles to a small automaton matched one character at a time, whose
states (sets of positions in the pattern) are cached as they are met: matching
takes time linear in the path, whatever the pattern. A backtracking regex took
exponential time on a pattern of many `**` (a policy could hang every commit).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# One step of the automaton: consume a character that passes the test, go to a
# node. A test is (kind, argument): any character, any but a slash, one literal
# character, or a character class (which never matches a slash, as in gitignore).
_ANY, _NOT_SLASH, _LIT, _CLASS = range(4)
_Test = tuple[int, object]


class _Glob:
    """A compiled glob: nodes with their steps, and the accepting ones."""

    def __init__(self) -> None:
        self.steps: list[list[tuple[_Test, int]]] = []
        self.eps: list[list[int]] = []
        self.accepting: set[int] = set()
        self.cache: dict[tuple[frozenset[int], str], frozenset[int]] = {}
        self.start: frozenset[int] = frozenset()

    def node(self) -> int:
        self.steps.append([])
        self.eps.append([])
        return len(self.steps) - 1

    def closure(self, nodes: Iterable[int]) -> frozenset[int]:
        seen = set(nodes)
        todo = list(seen)
        while todo:
            for n in self.eps[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return frozenset(seen)

    def step(self, state: frozenset[int], ch: str) -> frozenset[int]:
        key = (state, ch)
        found = self.cache.get(key)
        if found is None:
            targets = []
            for n in state:
                for (kind, arg), target in self.steps[n]:
                    if (
                        kind == _ANY
                        or (kind == _LIT and ch == arg)
                        or (kind == _NOT_SLASH and ch != '/')
                        or (kind == _CLASS and ch != '/' and arg.fullmatch(ch))  # type: ignore[attr-defined]
                    ):
                        targets.append(target)
            found = self.closure(targets)
            if len(self.cache) > 100_000:
                self.cache.clear()  # a bound on memory; states are rebuilt as needed
            self.cache[key] = found
        return found

    def fullmatch(self, path: str) -> bool:
        state = self.start
        for ch in path:
            state = self.step(state, ch)
            if not state:
                return False
        return not state.isdisjoint(self.accepting)


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> _Glob:
    """gitignore's rules: a pattern without a slash (but a trailing one) matches at
    any depth; `*` and `?` and `[...]` stay inside one directory; `**/` matches any
    directories (or none), `**` anything; a trailing `/` matches a directory, and a
    match on a directory covers everything below it."""
    anchored = '/' in pattern.rstrip('/')
    directory = pattern.endswith('/')
    pat = pattern.strip('/')
    g = _Glob()
    cur = g.node()

    def any_dirs() -> None:  # `(?:.*/)?`
        nonlocal cur
        loop, after = g.node(), g.node()
        g.eps[cur] += [loop, after]
        g.steps[loop] += [((_ANY, None), loop), ((_LIT, '/'), after)]
        cur = after

    def then(test: _Test) -> None:
        nonlocal cur
        nxt = g.node()
        g.steps[cur].append((test, nxt))
        cur = nxt

    def repeat(test: _Test) -> None:  # `x*`: a node of its own, so the loop stays local
        nonlocal cur
        loop = g.node()
        g.eps[cur].append(loop)
        g.steps[loop].append((test, loop))
        cur = loop

    if not anchored:
        any_dirs()
    i = 0
    while i < len(pat):
        if pat.startswith('**/', i):
            any_dirs()
            i += 3
        elif pat.startswith('**', i):
            repeat((_ANY, None))
            i += 2
        elif pat[i] == '*':
            repeat((_NOT_SLASH, None))
            i += 1
        elif pat[i] == '?':
            then((_NOT_SLASH, None))
            i += 1
        elif pat[i] == '[' and pat.find(']', i + 1) != -1:
            end = pat.find(']', i + 1)
            body = pat[i + 1 : end].replace('\\', '\\\\')
            if body.startswith('!'):
                body = '^' + body[1:]
            then((_CLASS, re.compile(f'[{body}]')))
            i = end + 1
        else:
            then((_LIT, pat[i]))
            i += 1
    if directory:
        then((_LIT, '/'))
        repeat((_ANY, None))
        g.accepting.add(cur)
    else:
        g.accepting.add(cur)
        below = g.node()
        g.steps[cur].append(((_LIT, '/'), below))
        g.steps[below].append(((_ANY, None), below))
        g.accepting.add(below)
    g.start = g.closure([0])
    return g


def check_glob(pattern: str) -> str | None:
    """None if the glob is usable; otherwise what is wrong with it."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            _compile(pattern)
    except (re.error, FutureWarning) as e:
        return f'glob does not compile: {e}'
    return None


def matches(path: str, patterns: Iterable[str]) -> bool:
    return any(_compile(p).fullmatch(path) for p in patterns)
