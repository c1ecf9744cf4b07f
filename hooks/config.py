"""The one config loader for every commit-warden hook.

The policy lives in `.commit-warden.yaml` at the repository root. Each section is a
frozen dataclass whose fields carry a `Spec` (type, checks, JSON Schema) and a doc
string, so validation, defaults, `commit-warden config` and the published JSON
Schema all come from the same definitions.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    import yaml
else:
    # PyYAML costs ~20 ms to import and is needed only when a policy file exists:
    # hooks on a repository without one start faster.
    from hooks.lazy import lazy_module

    yaml = lazy_module('yaml')

from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.git import Repo

CONFIG_NAMES = ('.commit-warden.yaml', '.commit-warden.yml')
ENV_VAR = 'COMMIT_WARDEN_CONFIG'
VERSION = 1


class _Problems:
    """Collects every problem in a file, so users fix them all in one go."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Problem] = []

    def add(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        where = f'{path}: ' if path else ''
        self.items.append(Problem(self.source, line, f'{where}{message}'))


_INVALID: Any = object()


@functools.lru_cache(maxsize=1)
def _constructor() -> yaml.SafeLoader:
    return yaml.SafeLoader('')  # only its constructor methods are used


def _scalar(node: yaml.Node) -> Any:
    return _constructor().construct_object(node, deep=True)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return 'a mapping'
    if isinstance(node, yaml.SequenceNode):
        return 'a list'
    value = _scalar(node)
    if value is None:
        return 'nothing (null)'
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + '...'
    return f'{type(value).__name__} {shown}'


class Spec:
    """One option's type: checks a YAML node and describes itself as JSON Schema."""

    what = 'a value'

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def dump(self, value: Any) -> Any:
        return value

    def _wrong(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        problems.add(node, path, f'expected {self.what}, got {_kind(node)}')
        return _INVALID


class Bool(Spec):
    what = 'true or false'

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        return value if isinstance(value, bool) else self._wrong(node, path, problems)

    def schema(self) -> dict[str, Any]:
        return {'type': 'boolean'}


class Int(Spec):
    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum
        self.what = 'an integer' + (f' >= {minimum}' if minimum is not None else '')

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
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

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
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

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
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

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
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

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if any(value == c and type(value) is type(c) for c in self.choices):
            return value
        hint = ''
        if isinstance(value, str):
            close = difflib.get_close_matches(value, [str(c) for c in self.choices], n=1)
            hint = f"; did you mean '{close[0]}'?" if close and close[0] != value else ''
        problems.add(node, path, f'expected {self.what}, got {_kind(node)}{hint}')
        return _INVALID

    def schema(self) -> dict[str, Any]:
        return {'enum': list(self.choices)}


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


class Regex(Spec):
    what = 'a regular expression'

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or not value:
            return self._wrong(node, path, problems)
        error = check_regex(value)
        if error is not None:
            problems.add(node, path, error)
            return _INVALID
        return value

    def schema(self) -> dict[str, Any]:
        return {'type': 'string', 'format': 'regex', 'minLength': 1}


class ListOf(Spec):
    def __init__(self, item: Spec) -> None:
        self.item = item
        self.what = f'a list of {_plural(item.what)}'

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            return self._wrong(node, path, problems)
        values = [self.item.check(n, f'{path}[{i}]', problems) for i, n in enumerate(node.value)]
        return _INVALID if any(v is _INVALID for v in values) else tuple(values)

    def schema(self) -> dict[str, Any]:
        return {'type': 'array', 'items': self.item.schema()}

    def dump(self, value: Any) -> Any:
        return [self.item.dump(v) for v in value]


class MapOf(Spec):
    """A mapping from free-form names to values of one type, kept as (name, value) pairs."""

    def __init__(self, value: Spec, key_pattern: str = r'[A-Za-z0-9_.-]+') -> None:
        self.value = value
        self.key_pattern = key_pattern
        self.what = f'a mapping of names to {_plural(value.what)}'

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self._wrong(node, path, problems)
        out: dict[str, Any] = {}
        ok = True
        for key_node, value_node in _pairs(node, path, problems):
            key = _scalar(key_node)
            if not isinstance(key, str) or not re.fullmatch(self.key_pattern, key):
                problems.add(key_node, path, f'names must match {self.key_pattern}, got {key!r}')
                ok = False
                continue
            out[key] = self.value.check(value_node, f'{path}.{key}', problems)
            ok = ok and out[key] is not _INVALID
        return tuple(out.items()) if ok else _INVALID

    def schema(self) -> dict[str, Any]:
        return {
            'type': 'object',
            'propertyNames': {'pattern': f'^(?:{self.key_pattern})$'},
            'additionalProperties': self.value.schema(),
        }

    def dump(self, value: Any) -> Any:
        return {k: self.value.dump(v) for k, v in value}


class Record(Spec):
    """A mapping with a fixed set of keys, defined by a frozen dataclass."""

    def __init__(self, cls: type[Any], doc: str = '') -> None:
        self.cls = cls
        self.doc = doc
        self.what = 'a mapping'

    @property
    def fields(self) -> tuple[dataclasses.Field[Any], ...]:
        return tuple(f for f in dataclasses.fields(self.cls) if 'spec' in f.metadata)

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        if isinstance(node, yaml.ScalarNode) and _scalar(node) is None:
            return self.cls()  # `section:` with nothing under it: all defaults
        if not isinstance(node, yaml.MappingNode):
            return self._wrong(node, path, problems)
        specs = {f.name: f for f in self.fields}
        values: dict[str, Any] = {}
        present: set[str] = set()
        ok = True
        for key_node, value_node in _pairs(node, path, problems):
            key = _scalar(key_node)
            present.add(key)
            where = f'{path}.{key}' if path else str(key)
            if key not in specs:
                close = difflib.get_close_matches(str(key), list(specs), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else (
                    f"; valid keys: {', '.join(specs)}" if specs else
                    '; this section has no options yet')
                problems.add(key_node, where, f'unknown key{hint}')
                ok = False
                continue
            value = specs[key].metadata['spec'].check(value_node, where, problems)
            if value is _INVALID:
                ok = False
            else:
                values[key] = value
        for name in [f.name for f in self.fields if f.metadata.get('required')]:
            if name in present:
                continue
            problems.add(node, f'{path}.{name}' if path else name, 'required key is missing')
            ok = False
        return self.cls(**values) if ok else _INVALID

    def schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for f in self.fields:
            prop = dict(f.metadata['spec'].schema())
            prop['description'] = f.metadata['doc']
            default = _default(f)
            if default is not dataclasses.MISSING:
                prop['default'] = f.metadata['spec'].dump(default)
            props[f.name] = prop
        out: dict[str, Any] = {'type': 'object', 'properties': props,
                               'additionalProperties': False}
        required = [f.name for f in self.fields if f.metadata.get('required')]
        if required:
            out['required'] = required
        if self.doc:
            out['description'] = self.doc
        return out

    def dump(self, value: Any) -> Any:
        return {f.name: f.metadata['spec'].dump(getattr(value, f.name)) for f in self.fields}


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _plural(what: str) -> str:
    for article in ('an ', 'a '):
        if what.startswith(article):
            what = what[len(article):]
            break
    if what.endswith('true or false'):
        return 'booleans'
    return what if what.endswith('s') else what + 's'


def _pairs(
        node: yaml.MappingNode, path: str, problems: _Problems,
) -> list[tuple[yaml.Node, yaml.Node]]:
    seen: dict[Any, int] = {}
    out: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(key_node, path, 'keys must be plain names')
            continue
        key = _scalar(key_node)
        if key in seen:
            where = f'{path}.{key}' if path else str(key)
            problems.add(key_node, where, f'duplicate key (first set on line {seen[key]})')
            continue
        seen[key] = key_node.start_mark.line + 1
        out.append((key_node, value_node))
    return out


def opt(spec: Spec, default: Any, doc: str) -> Any:
    """A config field: its type, its default and the text users read about it."""
    if isinstance(default, (list, dict)):
        raise TypeError('use tuples and mappings that cannot change as defaults')
    return field(default=default, metadata={'spec': spec, 'doc': doc})


class Glob(Str):
    """A gitignore-style glob, checked at load so a bad one cannot crash a hook."""

    def __init__(self) -> None:
        super().__init__(what='a glob pattern')

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        value = super().check(node, path, problems)
        if value is _INVALID:
            return value
        from hooks.globs import check_glob

        error = check_glob(value)
        if error is not None:
            problems.add(node, path, error)
            return _INVALID
        return value


class RepoPath(Str):
    """A path inside the repository, normalised (`./x` is `x`), so the same file has
    one name when read at a trusted ref and when watched for policy changes."""

    def __init__(self) -> None:
        super().__init__(what='a path inside the repository')

    def check(self, node: yaml.Node, path: str, problems: _Problems) -> Any:
        value = super().check(node, path, problems)
        if value is _INVALID:
            return value
        import posixpath

        norm = posixpath.normpath(value.replace('\\', '/'))
        if norm.startswith(('/', '../')) or norm in ('..', '.'):
            problems.add(node, path, f'expected a path inside the repository, got {value!r}')
            return _INVALID
        return norm


GLOB = Glob()
BRANCH_GLOB = Str(what='a branch name or glob')

# --- the sections ----------------------------------------------------------


@dataclass(frozen=True)
class CredentialsConfig:
    exclude: tuple[str, ...] = opt(
        ListOf(GLOB), (),
        'Paths never scanned (gitignore-style globs, e.g. `tests/fixtures/**`).')
    allowed_patterns: tuple[str, ...] = opt(
        ListOf(Regex()), (),
        'Regexes: a line or value matching any of them is never reported.')
    extra_patterns: tuple[tuple[str, str], ...] = opt(
        MapOf(Regex()), (),
        'Named prohibited regexes, reported as rule `extra:<name>` (as git-secrets --add).')
    baseline: str = opt(
        RepoPath(), '.secrets.baseline',
        'Secrets file of known, accepted findings (detect-secrets format); '
        'written by `commit-warden baseline`.')
    max_file_bytes: int = opt(
        Int(minimum=1), 2_000_000,
        'A change adding more than this to a file (a whole file larger than this, when '
        'read whole) is reported as skipped, never silently passed.')
    entropy_base64_limit: float = opt(
        Float(0.0, 8.0), 4.5,
        'Shannon entropy a base64-like value must reach for a generic rule to report it.')
    entropy_hex_limit: float = opt(
        Float(0.0, 8.0), 3.0,
        'Shannon entropy a hex value must reach for a generic rule to report it.')
    scan_messages: bool = opt(
        Bool(), True, 'Also scan commit messages (commit-msg stage and range mode).')


@dataclass(frozen=True)
class ExemptAuthor:
    email: str = field(default='', metadata={
        'spec': Str(what='an email or glob'),
        'doc': 'Author email or glob, e.g. `*[bot]@users.noreply.github.com`.',
        'required': True})
    reason: str = field(default='', metadata={
        'spec': Str(), 'doc': 'Why these commits need no signature (kept in the audit log).',
        'required': True})


@dataclass(frozen=True)
class SignaturesConfig:
    require: str = opt(
        Enum('signature', 'signoff', 'both'), 'signature',
        'What every commit needs: a valid signature, a DCO `Signed-off-by`, or both.')
    allowed_signers: str | None = opt(
        Optional(RepoPath()), None,
        'SSH allowed_signers file in the repository: who may sign, with which key.')
    openpgp_keys: str | None = opt(
        Optional(RepoPath()), None,
        'File or directory of armored OpenPGP public keys in the repository.')
    openpgp_fingerprints: tuple[str, ...] = opt(
        ListOf(Str(r'[0-9A-Fa-f]{40}', 'a 40-hex-digit key fingerprint')), (),
        'Fingerprints of the OpenPGP keys (primary or subkey) that may sign.')
    allow_unsigned_merges: bool = opt(
        Bool(), False,
        'A merge commit may be unsigned if all of its parents pass and its tree is exactly '
        'git\'s own conflict-free merge of its parents (`git merge-tree --write-tree`): a '
        'conflict resolution, even one taking one side verbatim, or an evil merge must be '
        'signed.')
    exempt_before: str | None = opt(
        Optional(Str()), None,
        'A commit: it and its ancestors predate the policy and are not judged.')
    exempt_authors: tuple[ExemptAuthor, ...] = opt(
        ListOf(Record(ExemptAuthor)), (),
        'Authors whose commits are not judged, each with a reason. Both the author and '
        'the committer email must match; emails are claims anyone can write, so exempt '
        'only what branch protection already restricts (a bot signing key is better).')
    revoked_signers: str | None = opt(
        Optional(RepoPath()), None,
        'File in the repository of revoked SSH public keys (one per line, or an OpenSSH '
        'KRL made with `ssh-keygen -k`), judged by ssh-keygen (`-r`). OpenPGP revocations go '
        'in `openpgp_keys`.')


@dataclass(frozen=True)
class HotfixesConfig:
    hotfix_branches: tuple[str, ...] = opt(
        ListOf(BRANCH_GLOB), ('hotfix/*', 'hotfixes/*'),
        'Branches whose commits are production hotfixes.')
    production_branches: tuple[str, ...] = opt(
        ListOf(BRANCH_GLOB), ('production', 'prod', 'live'),
        'Branches that are production: every commit going there is a hotfix.')
    mainline: str = opt(
        Str(), 'main', 'The branch every hotfix must be ported back to.')
    markers: tuple[str, ...] = opt(
        ListOf(Str()), ('hotfix:', '[hotfix]'),
        'A commit whose message starts with one of these (any case) is a hotfix.')
    production_paths: tuple[str, ...] = opt(
        ListOf(GLOB), (),
        'A commit touching these paths (globs) is a hotfix.')
    ticket_patterns: tuple[str, ...] = opt(
        ListOf(Regex()),
        # Jira-style keys, but not the names of standards that look like them.
        (r'\b(?!(?:UTF|UCS|SHA|MD|ISO|RFC|CVE|TLS|SSL|AES|RSA|HTTP|IPV|X)-\d)'
         r'[A-Z][A-Z0-9]+-\d+\b',
         r'\bINC\d+\b', r'(?<![\w&])#\d+\b',
         r'https?://\S+/(?:issues|browse|incidents?)/\S+'),
        'A hotfix message must match one of these (ticket or incident reference).')
    require_ticket: bool = opt(Bool(), True, 'Hotfix messages must reference a ticket.')
    require_record: bool = opt(Bool(), True, 'Hotfixes must add or update a hotfix record.')
    record_dir: str = opt(
        Str(), 'docs/hotfixes/', 'Where hotfix records live (Markdown with front matter, or YAML).')
    record_fields: tuple[str, ...] = opt(
        ListOf(Str()),
        ('incident', 'summary', 'root_cause', 'rollback', 'approved_by', 'backport'),
        'Fields every hotfix record must fill in (empty, `TODO`, `TBD` or `<...>` count as '
        'missing). `incident` must name the ticket in the commit message; `backport` may be '
        '`pending` until the fix is on the mainline, then names the port\'s commit.')


@dataclass(frozen=True)
class ReportConfig:
    audit_log: str | None = opt(
        Optional(Str()), None,
        'Where to append the audit log (JSON lines); default `.git/commit-warden/audit.jsonl`.')
    audit: bool = opt(Bool(), True, 'Write the audit log at all.')
    policy_changes: str = opt(
        Enum('block', 'warn'), 'block',
        'What a change to the policy files in a pull request does.')


@dataclass(frozen=True)
class Config:
    version: int = field(default=VERSION, metadata={
        'spec': Enum(VERSION), 'doc': 'Schema version of this file; must be 1.',
        'required': True})
    credentials: CredentialsConfig = field(default_factory=CredentialsConfig, metadata={
        'spec': Record(CredentialsConfig, 'check-credentials: what counts as a leaked secret.'),
        'doc': 'check-credentials options.'})
    signatures: SignaturesConfig = field(default_factory=SignaturesConfig, metadata={
        'spec': Record(SignaturesConfig, 'check-signatures: who may sign commits.'),
        'doc': 'check-signatures options.'})
    hotfixes: HotfixesConfig = field(default_factory=HotfixesConfig, metadata={
        'spec': Record(HotfixesConfig, 'check-hotfixes: how production hotfixes are documented.'),
        'doc': 'check-hotfixes options.'})
    report: ReportConfig = field(default_factory=ReportConfig, metadata={
        'spec': Record(ReportConfig, 'Output and the audit log.'),
        'doc': 'Reporting and audit options.'})
    # Where the policy came from: a path, `REF:path`, or `<defaults>`. Not a key.
    source: str = field(default='<defaults>', compare=False)

    @property
    def digest(self) -> str:
        """A hash of the effective policy: cache keys change whenever it does."""
        text = json.dumps(_ROOT.dump(self), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_ROOT = Record(Config, 'commit-warden policy (.commit-warden.yaml).')


def parse(text: str | bytes, source: str) -> Config:
    """Validate a policy file's text; raises ConfigError listing every problem."""
    problems = _Problems(source)
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as e:
            raise ConfigError([
                Problem(source, 1, f'the file is not UTF-8 text ({e.reason})')]) from e
    node = _compose(text, source)
    if node is None:
        raise ConfigError([Problem(
            source, 1, f'the file is empty; start it with `version: {VERSION}`')])
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError([Problem(source, node.start_mark.line + 1,
                                   f'expected a mapping of sections at the top level, '
                                   f'got {_kind(node)}')])
    version_nodes = [v for k, v in node.value
                     if isinstance(k, yaml.ScalarNode) and k.value == 'version']
    if version_nodes:
        vnode = version_nodes[0]
        version = _scalar(vnode) if isinstance(vnode, yaml.ScalarNode) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            from hooks.version import version as our_version
            raise ConfigError([Problem(
                source, version_nodes[0].start_mark.line + 1,
                f'version: this policy needs commit-warden for schema version {version}, '
                f'but commit-warden {our_version()} reads version {VERSION}; upgrade '
                'commit-warden (`pre-commit autoupdate`, or a newer `rev:`)')])
    plain = _plain_problems(node, source)
    if plain:
        raise ConfigError(plain)
    config = _ROOT.check(node, '', problems)
    if problems.items:
        raise ConfigError(problems.items)
    assert isinstance(config, Config)
    return dataclasses.replace(config, source=source)


_SAFE_TAGS = frozenset(f'tag:yaml.org,2002:{t}' for t in (
    'str', 'int', 'float', 'bool', 'null', 'map', 'seq'))


def _plain_problems(root: yaml.Node, source: str) -> list[Problem]:
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


def _compose(text: str, source: str) -> yaml.Node | None:
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
    node = _compose(text, source)
    if node is None:
        return None
    problems = _plain_problems(node, source)
    if problems:
        raise ConfigError(problems)
    return _scalar(node)


def find_config_path(repo: Repo | None, path: str | None = None,
                     env: Mapping[str, str] | None = None) -> tuple[str | None, bool]:
    """The policy file to read and whether the user named it explicitly.

    `--config PATH` beats `$COMMIT_WARDEN_CONFIG` beats `.commit-warden.yaml`
    (or `.yml`) at the repository root. (None, False): no file, use defaults.
    """
    env = os.environ if env is None else env
    named = path or env.get(ENV_VAR) or None
    if named:
        return named, True
    if repo is None:
        return None, False
    for name in CONFIG_NAMES:
        if (repo.root / name).is_file():
            return str(repo.root / name), False
    return None, False


def load(repo: Repo | None, *, path: str | None = None, policy_ref: str | None = None,
         env: Mapping[str, str] | None = None) -> Config:
    """The effective policy.

    With `policy_ref`, the file is read as committed at that ref and never from
    disk, so a change under review cannot rewrite the policy that judges it.
    """
    if policy_ref is not None:
        if repo is None:
            raise ConfigError(['--policy-ref needs a git repository'])
        return _load_at_ref(repo, policy_ref, path, env)
    found, _ = find_config_path(repo, path, env)
    if found is None:
        return Config()
    try:
        with open(found, 'rb') as f:
            data = f.read()
    except FileNotFoundError as e:
        how = '--config' if path else f'${ENV_VAR}'
        raise ConfigError([f'{found}: no such policy file (named by {how})']) from e
    except IsADirectoryError as e:
        raise ConfigError([f'{found}: is a directory, not a policy file']) from e
    except OSError as e:
        raise ConfigError([f'{found}: cannot read the policy file: {e.strerror}']) from e
    return parse(data, _shown(repo, found))


def _shown(repo: Repo | None, found: str) -> str:
    if repo is not None:
        try:
            rel = os.path.relpath(os.path.abspath(found), repo.root)
        except ValueError:
            return found
        if not rel.startswith('..'):
            return rel
    return found


def repo_relative(repo: Repo, path: str) -> str:
    """A path named on the command line, relative to the repository root."""
    full = os.path.abspath(path)
    rel = os.path.relpath(full, os.path.realpath(repo.root))
    if rel.startswith('..'):
        rel = os.path.relpath(full, repo.root)
    if rel.startswith('..') or os.path.isabs(rel):
        raise ConfigError([f'{path}: with --policy-ref the policy file must be inside '
                           'the repository'])
    return rel.replace(os.sep, '/')


def _load_at_ref(repo: Repo, ref: str, path: str | None,
                 env: Mapping[str, str] | None) -> Config:
    env = os.environ if env is None else env
    named = path or env.get(ENV_VAR) or None
    candidates = [repo_relative(repo, named)] if named else list(CONFIG_NAMES)
    repo.require(ref)
    for rel in candidates:
        data = repo.content_at(ref, rel)
        if data is not None:
            return parse(data, f'{ref}:{rel}')
    return dataclasses.replace(Config(), source=f'{ref}: no policy file, defaults')


def policy_files(config: Config) -> tuple[str, ...]:
    """Files whose change in a pull request changes the policy that judges it."""
    files = [*CONFIG_NAMES, config.credentials.baseline]
    if config.signatures.allowed_signers:
        files.append(config.signatures.allowed_signers)
    if config.signatures.openpgp_keys:
        files.append(config.signatures.openpgp_keys)
    if config.signatures.revoked_signers:
        files.append(config.signatures.revoked_signers)
    return tuple(files)


def to_yaml(config: Config) -> str:
    body = yaml.safe_dump(_ROOT.dump(config), sort_keys=False, default_flow_style=False,
                          allow_unicode=True)
    return f'# effective commit-warden policy, from {config.source}\n{body}'


def json_schema() -> dict[str, Any]:
    schema = _ROOT.schema()
    return {
        '$schema': 'https://json-schema.org/draft/2020-12/schema',
        '$id': 'https://commit-warden.dev/schema/v1.json',
        'title': 'commit-warden policy',
        **schema,
    }


def section_fields(section: str) -> Sequence[tuple[str, str, Any, str]]:
    """(key, type, default, doc) for each option of a section: the README reference."""
    spec = next(f for f in dataclasses.fields(Config) if f.name == section).metadata['spec']
    assert isinstance(spec, Record)
    return [(f.name, f.metadata['spec'].what, f.metadata['spec'].dump(_default(f)),
             f.metadata['doc']) for f in spec.fields]


def reference_markdown() -> str:
    """The README's config reference, generated from the same definitions."""
    out = []
    for section in ('credentials', 'signatures', 'hotfixes', 'report'):
        out.append(f'#### `{section}`\n')
        out.append('| key | type | default | meaning |')
        out.append('|---|---|---|---|')
        for key, what, default, doc in section_fields(section):
            shown = json.dumps(default).replace('|', '\\|')
            out.append(f'| `{key}` | {what} | `{shown}` | {doc.replace("|", "/")} |')
        out.append('')
    return '\n'.join(out)
