"""Every policy option: its type and the text users read about it, next to the
sections' defaults in hooks.config. Validation, `commit-warden config`, the JSON
Schema and the README reference are all built from this table, on first use only
(a hook on a repository without a policy file never builds it)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

import yaml

from hooks import config as cfg
from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.schema import Action
from hooks.schema import Bool
from hooks.schema import Enum
from hooks.schema import Float
from hooks.schema import Int
from hooks.schema import ListOf
from hooks.schema import MapOf
from hooks.schema import Optional
from hooks.schema import Record
from hooks.schema import Regex
from hooks.schema import Str
from hooks.schemapaths import BRANCH_GLOB
from hooks.schemapaths import GLOB
from hooks.schemapaths import RepoPath
from hooks.yamlsafe import Problems
from hooks.yamlsafe import compose
from hooks.yamlsafe import kind
from hooks.yamlsafe import plain_problems
from hooks.yamlsafe import scalar

VERSION = cfg.VERSION


def _hook_ids() -> list[str]:
    from hooks.hook import registered

    return [h.id for h in registered()]


@functools.lru_cache(maxsize=1)
def root() -> Record:
    action = Action()
    public_value = Record(
        cfg.PublicValueEntry,
        '',
        {
            'id': (
                Str(pattern=r'[a-z0-9][a-z0-9._-]*', what='an id (lowercase, digits, . _ -)'),
                'A name for the entry, shown when a value matches it.',
            ),
            'what': (Str(), 'What the value is, e.g. `the staging emulator key`.'),
            'source': (Str(), 'Where it is published as public (a URL, a document).'),
            'values': (
                ListOf(Str(pattern=r'.{8,}', what='a value of 8 characters or more')),
                'The exact values (or prefixes, with `match: prefix`).',
            ),
            'match': (Enum('value', 'prefix'), 'How a finding is compared with `values`.'),
            'provider': (Str(), 'The provider named in notes.'),
        },
        required=('id', 'what', 'source', 'values'),
    )
    credentials = Record(
        cfg.CredentialsConfig,
        'check-credentials: what counts as a leaked secret.',
        {
            'exclude': (
                ListOf(GLOB),
                'Paths never scanned (gitignore-style globs, e.g. `tests/fixtures/**`).',
            ),
            'allowed_patterns': (
                ListOf(Regex()),
                'Regexes: a line or value matching any of them is never reported.',
            ),
            'extra_patterns': (
                MapOf(Regex()),
                'Named prohibited regexes, reported as rule `extra:<name>` (as git-secrets --add).',
            ),
            'baseline': (
                RepoPath(),
                'Secrets file of known, accepted findings (detect-secrets format); '
                'written by `commit-warden baseline`.',
            ),
            'max_file_bytes': (
                Int(minimum=1),
                'The most of one file scanned: what a change adds to it, or all of '
                'it when read whole. A file over it is a blocking file-skipped '
                'finding (`rules:` can make it warn); big files are read as '
                'streams, in bounded memory.',
            ),
            'entropy_base64_limit': (
                Float(0.0, 8.0),
                'Shannon entropy a base64-like value must reach for a generic rule to report it.',
            ),
            'entropy_hex_limit': (
                Float(0.0, 8.0),
                'Shannon entropy a hex value must reach for a generic rule to report it.',
            ),
            'scan_messages': (
                Bool(),
                'Also scan commit messages (commit-msg stage and range mode).',
            ),
            'public_values': (
                ListOf(public_value),
                'Values that are public by design (an emulator key, a documented '
                'example) and never a finding, beside the built-in list '
                '(hooks/detectors/public_values.json); each with the source that '
                'says so. `commit-warden explain`-style notes list matches with '
                '`--verbose`.',
            ),
        },
    )
    exempt_author = Record(
        cfg.ExemptAuthor,
        '',
        {
            'email': (
                Str(what='an email or glob'),
                'Author email or glob, e.g. `*[bot]@users.noreply.github.com`.',
            ),
            'reason': (Str(), 'Why these commits need no signature (kept in the audit log).'),
        },
        required=('email', 'reason'),
    )
    signatures = Record(
        cfg.SignaturesConfig,
        'check-signatures: who may sign commits.',
        {
            'require': (
                Enum('signature', 'signoff', 'both'),
                'What every commit needs: a valid signature, a DCO `Signed-off-by`, or both.',
            ),
            'allowed_signers': (
                Optional(RepoPath()),
                'SSH allowed_signers file in the repository: who may sign, with which key.',
            ),
            'openpgp_keys': (
                Optional(RepoPath()),
                'File or directory of armored OpenPGP public keys in the repository.',
            ),
            'openpgp_fingerprints': (
                ListOf(Str(r'[0-9A-Fa-f]{40}', 'a 40-hex-digit key fingerprint')),
                'Fingerprints of the OpenPGP keys (primary or subkey) that may sign.',
            ),
            'allow_unsigned_merges': (
                Bool(),
                'A merge commit may be unsigned if all of its parents pass and '
                "its tree is exactly git's own conflict-free merge of its "
                'parents (`git merge-tree --write-tree`): a conflict '
                'resolution, even one taking one side verbatim, or an evil '
                'merge must be signed.',
            ),
            'exempt_before': (
                Optional(Str()),
                'A commit: it and its ancestors predate the policy and are not judged.',
            ),
            'exempt_authors': (
                ListOf(exempt_author),
                'Authors whose commits are not judged, each with a reason. Both the '
                'author and the committer email must match; emails are claims anyone '
                'can write, so exempt only what branch protection already restricts '
                '(a bot signing key is better).',
            ),
            'revoked_signers': (
                Optional(RepoPath()),
                'File in the repository of revoked SSH public keys (one per line, or '
                'an OpenSSH KRL made with `ssh-keygen -k`), judged by ssh-keygen '
                '(`-r`). OpenPGP revocations go in `openpgp_keys`.',
            ),
        },
    )
    hotfixes = Record(
        cfg.HotfixesConfig,
        'check-hotfixes: how production hotfixes are documented.',
        {
            'hotfix_branches': (
                ListOf(BRANCH_GLOB),
                'Branches whose commits are production hotfixes.',
            ),
            'production_branches': (
                ListOf(BRANCH_GLOB),
                'Branches that are production: every commit going there is a hotfix.',
            ),
            'mainline': (Str(), 'The branch every hotfix must be ported back to.'),
            'markers': (
                ListOf(Str()),
                'A commit whose message starts with one of these (any case) is a hotfix.',
            ),
            'production_paths': (
                ListOf(GLOB),
                'A commit touching these paths (gitignore-style globs, as '
                '`credentials.exclude`) is a hotfix.',
            ),
            'ticket_patterns': (
                ListOf(Regex()),
                'A hotfix message must match one of these (ticket or incident reference).',
            ),
            'require_ticket': (Bool(), 'Hotfix messages must reference a ticket.'),
            'require_record': (Bool(), 'Hotfixes must add or update a hotfix record.'),
            'record_dir': (
                RepoPath(root=True),
                'Where hotfix records live (Markdown with front matter, or YAML); '
                '`.` is the repository root.',
            ),
            'record_fields': (
                ListOf(Str()),
                'Fields every hotfix record must fill in with text, or a list of '
                'texts (empty, `TODO`, `TBD`, `<...>`, `{}`, `[]`, `["", ""]`, a '
                'mapping or `true` count as missing). `incident` must name the '
                'ticket in the commit message; `backport` may be `pending` until '
                "the fix is on the mainline, then names the port's commit.",
            ),
        },
    )
    report = Record(
        cfg.ReportConfig,
        'Output and the audit log.',
        {
            'audit_log': (
                Optional(RepoPath(git_dir=True)),
                'Where to append the audit log (JSON lines): a path inside the '
                'repository, or `.git/...` for the git dir; default '
                '`.git/commit-warden/audit.jsonl`.',
            ),
            'audit': (Bool(), 'Write the audit log at all.'),
            'policy_changes': (
                Enum('block', 'warn'),
                'What a change to the policy files in a pull request does.',
            ),
        },
    )
    return Record(
        cfg.Config,
        'commit-warden policy (.commit-warden.yaml).',
        {
            'version': (Enum(VERSION), 'Schema version of this file; must be 1.'),
            'checks': (
                MapOf(action, known=_hook_ids, what='hook ids'),
                'Per check (hook id): `block` (the default), `warn` (reported and '
                'recorded in the audit log, never blocks) or `off` (not run).',
            ),
            'rules': (
                MapOf(
                    MapOf(action, key_pattern=r'[A-Za-z0-9:._-]+', what='rule ids'),
                    known=_hook_ids,
                    what='hook ids',
                ),
                'Per rule, under its hook id: `block`, `warn` or `off`; overrides the '
                "check's setting for that rule.",
            ),
            'credentials': (credentials, 'check-credentials options.'),
            'signatures': (signatures, 'check-signatures options.'),
            'hotfixes': (hotfixes, 'check-hotfixes options.'),
            'report': (report, 'Reporting and audit options.'),
        },
        required=('version',),
    )


def parse(text: str | bytes, source: str) -> cfg.Config:
    """Validate a policy file's text; raises ConfigError listing every problem."""
    problems = Problems(source)
    if isinstance(text, bytes):
        try:
            text = text.decode('utf-8')
        except UnicodeDecodeError as e:
            raise ConfigError(
                [Problem(source, 1, f'the file is not UTF-8 text ({e.reason})')]
            ) from e
    node = compose(text, source)
    if node is None:
        raise ConfigError(
            [Problem(source, 1, f'the file is empty; start it with `version: {VERSION}`')]
        )
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(
            [
                Problem(
                    source,
                    node.start_mark.line + 1,
                    f'expected a mapping of sections at the top level, got {kind(node)}',
                )
            ]
        )
    version_nodes = [
        v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == 'version'
    ]
    if version_nodes:
        vnode = version_nodes[0]
        version = scalar(vnode) if isinstance(vnode, yaml.ScalarNode) else None
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            from hooks.version import version as our_version

            raise ConfigError(
                [
                    Problem(
                        source,
                        version_nodes[0].start_mark.line + 1,
                        f'version: this policy needs commit-warden for schema version {version}, '
                        f'but commit-warden {our_version()} reads version {VERSION}; upgrade '
                        'commit-warden (`pre-commit autoupdate`, or a newer `rev:`)',
                    )
                ]
            )
    plain = plain_problems(node, source)
    if plain:
        raise ConfigError(plain)
    config = root().check(node, '', problems)
    if problems.items:
        raise ConfigError(problems.items)
    assert isinstance(config, cfg.Config)
    return config._replace(source=source, lines=problems.lines)


def dump(config: cfg.Config) -> dict[str, Any]:
    """The effective policy as plain data, every option filled in."""
    out: dict[str, Any] = root().dump(config)
    return out


def to_yaml(config: cfg.Config) -> str:
    body = yaml.safe_dump(
        dump(config), sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    return f'# effective commit-warden policy, from {config.source}\n{body}'


def json_schema() -> dict[str, Any]:
    schema = root().schema()
    return {
        '$schema': 'https://json-schema.org/draft/2020-12/schema',
        '$id': 'https://commit-warden.dev/schema/v1.json',
        'title': 'commit-warden policy',
        **schema,
    }


def section_fields(section: str) -> Sequence[tuple[str, str, Any, str]]:
    """(key, type, default, doc) for each option of a section: the README reference."""
    spec = root().options[section][0]
    assert isinstance(spec, Record)
    return [
        (name, option.what, option.dump(spec.default(name)), doc)
        for name, (option, doc) in spec.options.items()
    ]


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
