"""YAML from files a change under review may control (the policy, hotfix records):
PyYAML's safe loader only, plain values only (no tags, no anchors or aliases), and
every error names the file and the line (`Problems` collects the policy's)."""

from __future__ import annotations

import functools
from typing import Any

# PyYAML costs ~20 ms to import: this module is imported only when there is a
# policy file or a hotfix record to read, never by a hook's start-up.
import yaml

from hooks.errors import ConfigError
from hooks.errors import Problem


@functools.lru_cache(maxsize=1)
def _constructor() -> yaml.SafeLoader:
    return yaml.SafeLoader('')  # only its constructor methods are used


def scalar(node: yaml.Node) -> Any:
    return _constructor().construct_object(node, deep=True)


def kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return 'a mapping'
    if isinstance(node, yaml.SequenceNode):
        return 'a list'
    value = scalar(node)
    if value is None:
        return 'nothing (null)'
    from hooks.findings import redact

    # The value is quoted back (shortened, and masked where it could be a token).
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + '...'
    return f'{type(value).__name__} {redact(shown)}'


class Problems:
    """Collects every problem in a file, so users fix them all in one go; also the
    line of every key, so later checks (rule ids) can point at it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []
        self.lines: dict[str, int] = {}

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        where = f'{path}: ' if path else ''
        self.items.append(Problem(self.source, line, f'{where}{message}'))


def pairs(
    node: yaml.MappingNode,
    path: str,
    problems: Problems,
) -> list[tuple[yaml.Node, yaml.Node]]:
    """A mapping's (key, value) nodes; a key that is not a plain name, or is given
    twice, is a problem, and left out."""
    seen: dict[Any, int] = {}
    out: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, path, 'keys must be plain names')
            continue
        key = scalar(key_node)
        if key in seen:
            from hooks.findings import redact

            where = f'{path}.{key}' if path else str(key)
            problems.add(key_node, redact(where), f'duplicate key (first set on line {seen[key]})')
            continue
        seen[key] = key_node.start_mark.line + 1
        out.append((key_node, value_node))
    return out


# A date (`approved: 2026-11-28`) is a plain value too; the policy's own types say
# where one is not wanted.
_SAFE_TAGS = frozenset(
    f'tag:yaml.org,2002:{t}'
    for t in ('str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'timestamp')
)


def plain_problems(root: yaml.Node, source: str) -> list[Problem]:
    """Tags other than the plain YAML types (`!!python/...`), and anchors/aliases.

    An alias makes the node graph shared or cyclic: `&a [*a]` recurses forever and
    nested aliases ("billion laughs") explode when constructed. Policy files and
    hotfix records need neither, so both are refused before anything is built.
    """
    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            problems.append(
                Problem(
                    source,
                    node.start_mark.line + 1,
                    'YAML anchors and aliases (&name, *name) are not allowed; write the value out',
                )
            )
            break
        seen.add(id(node))
        if node.tag not in _SAFE_TAGS:
            problems.append(
                Problem(
                    source,
                    node.start_mark.line + 1,
                    f'YAML tag {node.tag} is not allowed; plain values only',
                )
            )
        if isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                stack += [v, k]
        elif isinstance(node, yaml.SequenceNode):
            stack += list(reversed(node.value))
    return sorted(problems, key=lambda p: p.line)


# A policy file or a hotfix record's fields never need more. PyYAML is pure Python
# here (~0.1 s per 10 KB of flow-style YAML at worst), so these bound the work a
# hostile file can cause; a bigger or deeper one is an error naming the limit.
MAX_BYTES = 65_536
MAX_DEPTH = 32


class _TooDeep(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.problem_mark = mark
        self.problem = (
            f'nested more than {MAX_DEPTH} levels deep; a policy or a hotfix '
            'record never needs that: flatten it'
        )


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH before its recursive
    composer can run out of stack."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def compose(text: str, source: str) -> yaml.Node | None:
    if len(text) > MAX_BYTES:
        raise ConfigError(
            [
                Problem(
                    source,
                    1,
                    f'{len(text):,} characters of YAML; '
                    f'commit-warden reads at most {MAX_BYTES:,} '
                    '(a policy or a hotfix record never needs more)',
                )
            ]
        )
    try:
        return yaml.compose(text, Loader=_Loader)
    except RecursionError as e:  # a deep nest inside one node (a key's own structure)
        raise ConfigError([Problem(source, 1, 'YAML nested too deep to read; flatten it')]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, 'problem', None) or str(e)
        raise ConfigError([Problem(source, line, f'not valid YAML: {problem}')]) from e


def plain_yaml(text: str, source: str) -> Any:
    """Parse a small YAML document of plain values (no tags, no aliases); raises
    ConfigError naming the line. For files a change under review controls."""
    node = compose(text, source)
    if node is None:
        return None
    problems = plain_problems(node, source)
    if problems:
        raise ConfigError(problems)
    return scalar(node)
