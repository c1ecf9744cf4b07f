"""YAML from files a change under review may control (the policy, hotfix records):
PyYAML's safe loader only, plain values only (no tags, no anchors or aliases), and
every error names the file and the line."""
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
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + '...'
    return f'{type(value).__name__} {shown}'


_SAFE_TAGS = frozenset(f'tag:yaml.org,2002:{t}' for t in (
    'str', 'int', 'float', 'bool', 'null', 'map', 'seq'))


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
            problems.append(Problem(source, node.start_mark.line + 1,
                                    'YAML anchors and aliases (&name, *name) are not '
                                    'allowed; write the value out'))
            break
        seen.add(id(node))
        if node.tag not in _SAFE_TAGS:
            problems.append(Problem(source, node.start_mark.line + 1,
                                    f'YAML tag {node.tag} is not allowed; plain values only'))
        if isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                stack += [v, k]
        elif isinstance(node, yaml.SequenceNode):
            stack += list(reversed(node.value))
    return sorted(problems, key=lambda p: p.line)


def compose(text: str, source: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
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

