"""The types a policy option can have: each checks a YAML node (naming the file,
the line and the key path of every problem) and describes itself as JSON Schema.
Imported only when a policy file is read or the schema is asked for."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import yaml

from hooks.findings import redact
from hooks.yamlsafe import Problems
from hooks.yamlsafe import kind as _kind
from hooks.yamlsafe import pairs
from hooks.yamlsafe import scalar as _scalar

INVALID: Any = object()


class Spec:
    """One option's type: checks a YAML node and describes itself as JSON Schema."""

    what = 'a value'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def dump(self, value: Any) -> Any:
        return value

    def _wrong(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        problems.add(node, path, f'expected {self.what}, got {_kind(node)}')
        return INVALID


class Bool(Spec):
    what = 'true or false'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        return value if isinstance(value, bool) else self._wrong(node, path, problems)

    def schema(self) -> dict[str, Any]:
        return {'type': 'boolean'}


class Int(Spec):
    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum
        self.what = 'an integer' + (f' >= {minimum}' if minimum is not None else '')

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, int) or isinstance(value, bool):
            return self._wrong(node, path, problems)
        if self.minimum is not None and value < self.minimum:
            return self._wrong(node, path, problems)
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {'type': 'integer'}
        if self.minimum is not None:
            out['minimum'] = self.minimum
        return out


class Float(Spec):
    def __init__(self, minimum: float, maximum: float) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.what = f'a number from {minimum} to {maximum}'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return self._wrong(node, path, problems)
        if not self.minimum <= value <= self.maximum:
            return self._wrong(node, path, problems)
        return float(value)

    def schema(self) -> dict[str, Any]:
        return {'type': 'number', 'minimum': self.minimum, 'maximum': self.maximum}


class Str(Spec):
    def __init__(self, pattern: str | None = None, what: str = 'a string') -> None:
        self.pattern = pattern
        self.what = what

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or not value:
            return self._wrong(node, path, problems)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return self._wrong(node, path, problems)
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {'type': 'string', 'minLength': 1}
        if self.pattern is not None:
            out['pattern'] = f'^(?:{self.pattern})$'
        return out


class Optional(Spec):
    def __init__(self, inner: Spec) -> None:
        self.inner = inner
        self.what = f'{inner.what} or null'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
            return None
        return self.inner.check(node, path, problems)

    def schema(self) -> dict[str, Any]:
        return {'anyOf': [self.inner.schema(), {'type': 'null'}]}

    def dump(self, value: Any) -> Any:
        return None if value is None else self.inner.dump(value)


class Enum(Spec):
    def __init__(self, *choices: str | int) -> None:
        self.choices = choices
        self.what = 'one of ' + ', '.join(repr(c) for c in choices)

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if any(value == c and type(value) is type(c) for c in self.choices):
            return value
        hint = ''
        if isinstance(value, str):
            close = difflib.get_close_matches(value, [str(c) for c in self.choices], n=1)
            hint = f"; did you mean '{close[0]}'?" if close and close[0] != value else ''
        problems.add(node, path, f'expected {self.what}, got {_kind(node)}{hint}')
        return INVALID

    def schema(self) -> dict[str, Any]:
        return {'enum': list(self.choices)}


class Action(Enum):
    """block, warn or off. YAML 1.1 reads an unquoted `off` as false: that is off."""

    def __init__(self) -> None:
        super().__init__('block', 'warn', 'off')

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        if isinstance(node, yaml.ScalarNode) and _scalar(node) is False:
            return 'off'
        return super().check(node, path, problems)

    def schema(self) -> dict[str, Any]:
        return {'enum': [*self.choices, False]}


class Regex(Spec):
    what = 'a regular expression'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or not value:
            return self._wrong(node, path, problems)
        from hooks.userregex import check_regex

        error = check_regex(value)
        if error is not None:
            problems.add(node, path, error)
            return INVALID
        return value

    def schema(self) -> dict[str, Any]:
        return {'type': 'string', 'format': 'regex', 'minLength': 1}


class ListOf(Spec):
    def __init__(self, item: Spec) -> None:
        self.item = item
        self.what = f'a list of {_plural(item.what)}'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return self._wrong(node, path, problems)
        values = [self.item.check(n, f'{path}[{i}]', problems) for i, n in enumerate(node.value)]
        return INVALID if any(v is INVALID for v in values) else tuple(values)

    def schema(self) -> dict[str, Any]:
        return {'type': 'array', 'items': self.item.schema()}

    def dump(self, value: Any) -> Any:
        return [self.item.dump(v) for v in value]


class MapOf(Spec):
    """A mapping from free-form names to values of one type, kept as (name, value) pairs."""

    def __init__(
        self,
        value: Spec,
        key_pattern: str = r'[A-Za-z0-9_.-]+',
        known: Callable[[], Sequence[str]] | None = None,
        what: str = 'names',
    ) -> None:
        self.value = value
        self.key_pattern = key_pattern
        # The names that exist (hook ids): asked only when the mapping has any.
        self.known = known
        self.what = f'a mapping of {what} to {_plural(value.what)}'

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self._wrong(node, path, problems)
        out: dict[str, Any] = {}
        ok = True
        for key_node, value_node in pairs(node, path, problems):
            key = _scalar(key_node)
            if not isinstance(key, str) or not re.fullmatch(self.key_pattern, key):
                problems.add(
                    key_node, path, f'names must match {self.key_pattern}, got {redact(repr(key))}'
                )
                ok = False
                continue
            where = f'{path}.{key}'
            problems.lines[where] = key_node.start_mark.line + 1
            if self.known is not None and key not in (names := self.known()):
                close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f'; known: {", ".join(names)}'
                problems.add(key_node, f'{path}.{redact(key)}', f'unknown name{hint}')
                ok = False
                continue
            out[key] = self.value.check(value_node, where, problems)
            ok = ok and out[key] is not INVALID
        return tuple(out.items()) if ok else INVALID

    def schema(self) -> dict[str, Any]:
        names: dict[str, Any] = (
            {'enum': list(self.known())}
            if self.known is not None
            else {'pattern': f'^(?:{self.key_pattern})$'}
        )
        return {
            'type': 'object',
            'propertyNames': names,
            'additionalProperties': self.value.schema(),
        }

    def dump(self, value: Any) -> Any:
        return {k: self.value.dump(v) for k, v in value}


class Record(Spec):
    """A mapping with a fixed set of keys: a NamedTuple class (its fields and
    defaults) and, for each key, the option's type and the text users read."""

    def __init__(
        self,
        cls: type[Any],
        doc: str,
        options: Mapping[str, tuple[Spec, str]],
        required: Sequence[str] = (),
    ) -> None:
        unknown = set(options) - set(cls._fields)
        assert not unknown, f'{cls.__name__} has no field for {sorted(unknown)}'
        self.cls = cls
        self.doc = doc
        self.options = dict(options)
        self.required = tuple(required)
        self.what = 'a mapping'

    def default(self, name: str) -> Any:
        return self.cls._field_defaults.get(name)

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
            return self.cls()  # `section:` with nothing under it: all defaults
        if not isinstance(node, yaml.MappingNode):
            return self._wrong(node, path, problems)
        values: dict[str, Any] = {}
        present: set[str] = set()
        ok = True
        for key_node, value_node in pairs(node, path, problems):
            key = _scalar(key_node)
            present.add(key)
            where = f'{path}.{key}' if path else str(key)
            problems.lines[where] = key_node.start_mark.line + 1
            if key not in self.options:
                close = difflib.get_close_matches(str(key), list(self.options), n=1, cutoff=0.6)
                hint = (
                    f"; did you mean '{close[0]}'?"
                    if close
                    else (
                        f'; valid keys: {", ".join(self.options)}'
                        if self.options
                        else '; this section has no options yet'
                    )
                )
                # The key is quoted back: a credential pasted as a key must not be.
                shown = f'{path}.{redact(str(key))}' if path else redact(str(key))
                problems.add(key_node, shown, f'unknown key{hint}')
                ok = False
                continue
            value = self.options[key][0].check(value_node, where, problems)
            if value is INVALID:
                ok = False
            else:
                values[key] = value
        for name in self.required:
            if name in present:
                continue
            problems.add(node, f'{path}.{name}' if path else name, 'required key is missing')
            ok = False
        return self.cls(**values) if ok else INVALID

    def schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for name, (spec, doc) in self.options.items():
            prop = dict(spec.schema())
            prop['description'] = doc
            if name not in self.required:
                prop['default'] = spec.dump(self.default(name))
            props[name] = prop
        out: dict[str, Any] = {'type': 'object', 'properties': props, 'additionalProperties': False}
        if self.required:
            out['required'] = list(self.required)
        if self.doc:
            out['description'] = self.doc
        return out

    def dump(self, value: Any) -> Any:
        return {name: spec.dump(getattr(value, name)) for name, (spec, _) in self.options.items()}


def _plural(what: str) -> str:
    for article in ('an ', 'a '):
        if what.startswith(article):
            what = what[len(article) :]
            break
    if what.endswith('true or false'):
        return 'booleans'
    return what if what.endswith('s') else what + 's'
