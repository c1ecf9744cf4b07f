"""The one config loader for every commit-warden hook: discovery, trusted-ref
loading, the sections and their defaults, and what the policy says each check and
rule does (block, warn or off).

The policy lives in `.commit-warden.yaml` at the repository root. Each section is a
NamedTuple whose defaults are the defaults users get; the type and text of every
option live in hooks.options, which validates a file, prints the effective policy
and publishes the JSON Schema, and is imported only when there is a file to read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.git import Repo

CONFIG_NAMES = ('.commit-warden.yaml', '.commit-warden.yml')
ENV_VAR = 'COMMIT_WARDEN_CONFIG'
VERSION = 1


class PublicValueEntry(NamedTuple):
    """A value the policy declares public by design (beside the built-in list)."""

    id: str = ''
    what: str = ''
    source: str = ''
    values: tuple[str, ...] = ()
    match: str = 'value'
    provider: str = 'Custom'


class CredentialsConfig(NamedTuple):
    exclude: tuple[str, ...] = ()
    allowed_patterns: tuple[str, ...] = ()
    extra_patterns: tuple[tuple[str, str], ...] = ()
    baseline: str = '.secrets.baseline'
    # 100 MiB, the biggest file GitHub accepts: no source file is too big to scan.
    max_file_bytes: int = 104_857_600
    entropy_base64_limit: float = 4.5
    entropy_hex_limit: float = 3.0
    scan_messages: bool = True
    public_values: tuple[PublicValueEntry, ...] = ()


class ExemptAuthor(NamedTuple):
    email: str = ''
    reason: str = ''


class SignaturesConfig(NamedTuple):
    require: str = 'signature'
    allowed_signers: str | None = None
    openpgp_keys: str | None = None
    openpgp_fingerprints: tuple[str, ...] = ()
    allow_unsigned_merges: bool = False
    exempt_before: str | None = None
    exempt_authors: tuple[ExemptAuthor, ...] = ()
    revoked_signers: str | None = None


class HotfixesConfig(NamedTuple):
    hotfix_branches: tuple[str, ...] = ('hotfix/*', 'hotfixes/*')
    production_branches: tuple[str, ...] = ('production', 'prod', 'live')
    mainline: str = 'main'
    markers: tuple[str, ...] = ('hotfix:', '[hotfix]')
    production_paths: tuple[str, ...] = ()
    # Jira-style keys, but not the names of standards that look like them.
    ticket_patterns: tuple[str, ...] = (
        r'\b(?!(?:UTF|UCS|SHA|MD|ISO|RFC|CVE|TLS|SSL|AES|RSA|HTTP|IPV|X)-\d)'
        r'[A-Z][A-Z0-9]+-\d+\b',
        r'\bINC\d+\b',
        r'(?<![\w&])#\d+\b',
        r'https?://\S+/(?:issues|browse|incidents?)/\S+',
    )
    require_ticket: bool = True
    require_record: bool = True
    record_dir: str = 'docs/hotfixes/'
    record_fields: tuple[str, ...] = (
        'incident',
        'summary',
        'root_cause',
        'rollback',
        'approved_by',
        'backport',
    )


class ReportConfig(NamedTuple):
    audit_log: str | None = None
    audit: bool = True
    policy_changes: str = 'block'


class Config(NamedTuple):
    version: int = VERSION
    # hook id -> 'block' | 'warn' | 'off'; a hook not named blocks.
    checks: tuple[tuple[str, str], ...] = ()
    # hook id -> ((rule id, action), ...): a rule's own setting beats its check's.
    rules: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    credentials: CredentialsConfig = CredentialsConfig()
    signatures: SignaturesConfig = SignaturesConfig()
    hotfixes: HotfixesConfig = HotfixesConfig()
    report: ReportConfig = ReportConfig()
    # Where the policy came from: a path, `REF:path`, or `<defaults>`. Not a key.
    source: str = '<defaults>'
    # The line of each key path in that file, for problems found after parsing.
    lines: Mapping[str, int] = {}

    def __eq__(self, other: object) -> bool:
        # Where a policy came from is not part of what it says.
        return isinstance(other, Config) and self[:-2] == other[:-2]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:-2])

    @property
    def digest(self) -> str:
        """A hash of the effective policy: cache keys change whenever it does.

        The policy is plain data (NamedTuples of tuples, strings, numbers, None), so
        its repr says all of it, the same way in every run; hashing that, not the
        option table's dump, keeps PyYAML and the table off a run that has no
        policy file (~30 ms of a warm range re-run)."""
        import hashlib

        return hashlib.sha256(repr(self[:-2]).encode()).hexdigest()[:16]

    def check_action(self, hook: str) -> str:
        """What the policy makes of a check's findings: 'block', 'warn' or 'off'."""
        return dict(self.checks).get(hook, 'block')

    def rule_actions(self, hook: str) -> dict[str, str]:
        return dict(dict(self.rules).get(hook, ()))

    def action(self, hook: str, rule: str) -> str:
        return self.rule_actions(hook).get(rule) or self.check_action(hook)

    def runs(self, hook: str) -> bool:
        """Whether a check has anything to do: on itself, or some rule of it is."""
        return self.check_action(hook) != 'off' or any(
            a != 'off' for a in self.rule_actions(hook).values()
        )

    def problem(self, key_path: str, message: str) -> ConfigError:
        """A policy error found after parsing, pointing at the key's line."""
        return ConfigError(
            [Problem(self.source, self.lines.get(key_path, 1), f'{key_path}: {message}')]
        )


def parse(text: str | bytes, source: str) -> Config:
    """Validate a policy file's text; raises ConfigError listing every problem."""
    from hooks.options import parse as parse_policy

    return parse_policy(text, source)


def find_config_path(
    repo: Repo | None, path: str | None = None, env: Mapping[str, str] | None = None
) -> tuple[str | None, bool]:
    """The policy file to read and whether the user named it explicitly.

    `--config PATH` beats `$COMMIT_WARDEN_CONFIG` beats `.commit-warden.yaml`
    (or `.yml`) at the repository root. (None, False): no file, use defaults. A
    name at the root that is not a file (a directory, a FIFO) is still found, so
    that reading it fails: it must never silently mean the defaults.
    """
    env = os.environ if env is None else env
    named = path or env.get(ENV_VAR) or None
    if named:
        return named, True
    if repo is None:
        return None, False
    for name in CONFIG_NAMES:
        if os.path.lexists(repo.root / name):
            return str(repo.root / name), False
    return None, False


def load(
    repo: Repo | None,
    *,
    path: str | None = None,
    policy_ref: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """The effective policy.

    With `policy_ref`, the file is read as committed at that ref and never from
    disk, so a change under review cannot rewrite the policy that judges it.
    """
    if policy_ref is not None:
        if repo is None:
            raise ConfigError(['--policy-ref needs a git repository'])
        return _load_at_ref(repo, policy_ref, path, env)
    found, named = find_config_path(repo, path, env)
    if found is None:
        return Config()
    how = '--config' if path else f'${ENV_VAR}'
    if not named and repo is not None:
        # The policy found in the repository must be the repository's own file: a
        # symlink out of it would make any file on the machine the policy (and
        # quote it back in the error).
        inside(repo, os.path.relpath(found, repo.root), 'the policy file')
    data = read_regular(
        found,
        'the policy file',
        limit=POLICY_MAX_BYTES,
        missing=f'no such policy file (named by {how})',
    )
    return parse(data, _shown(repo, found))


# A policy file is a few kilobytes; hooks.yamlsafe refuses YAML beyond its own cap.
POLICY_MAX_BYTES = 65_536


def read_regular(
    path: str | os.PathLike[str], what: str, *, limit: int | None = None, missing: str | None = None
) -> bytes:
    """A regular file's bytes: a directory, a FIFO (which would hang the read) or a
    device is an error naming it, and so is one larger than `limit`."""
    import stat

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            kind = 'a directory' if stat.S_ISDIR(st.st_mode) else 'not a regular file'
            raise ConfigError([f'{path}: {what} is {kind}; name a file'])
        if limit is not None and st.st_size > limit:
            raise ConfigError(
                [f'{path}: {what} is {st.st_size:,} bytes; commit-warden reads at most {limit:,}']
            )
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError as e:
        raise ConfigError([f'{path}: {missing or f"{what} does not exist"}']) from e
    except OSError as e:
        raise ConfigError([f'{path}: cannot read {what}: {e.strerror}']) from e


def inside(repo: Repo, rel: str, what: str) -> str:
    """`rel` (a path the policy names, relative to the root; `.git/...` is the git
    dir) as an absolute path, refusing one that resolves outside the repository and
    its git dir, however it gets there (`..`, an absolute path, a symlink)."""
    rel = rel.replace(os.sep, '/')
    if rel == '.git' or rel.startswith('.git/'):
        full = os.path.join(repo.common_dir, rel[len('.git/') :])
    else:
        full = os.path.join(repo.root, rel)
    real = os.path.realpath(full)
    for top in (repo.root, repo.common_dir, repo.git_dir):
        top_real = os.path.realpath(top)
        if os.path.commonpath((real, top_real)) == top_real:
            return full
    raise ConfigError(
        [
            f'{what} {rel!r} resolves outside the repository (to {real}); '
            'policy paths must stay inside it, and no symlink may lead out'
        ]
    )


def read_inside(repo: Repo, rel: str, what: str) -> bytes | None:
    """A file the policy names, from the work tree: inside the repository (see
    `inside`) and a regular file; None if it does not exist."""
    full = inside(repo, rel, what)
    if not os.path.lexists(full):
        return None
    return read_regular(full, what)


def read_files_inside(repo: Repo, rel: str, what: str) -> list[tuple[str, bytes]]:
    """A file the policy names, or every regular file under a directory it names,
    as (repository-relative path, bytes); each inside the repository. Symlinked
    directories are not entered; a symlinked file must still resolve inside."""
    full = inside(repo, rel, what)
    if not os.path.isdir(full):
        data = read_inside(repo, rel, what)
        return [] if data is None else [(rel, data)]
    out = []
    for top, dirs, files in os.walk(full):
        dirs.sort()
        for name in sorted(files):
            path = os.path.relpath(os.path.join(top, name), repo.root).replace(os.sep, '/')
            data = read_inside(repo, path, what)
            if data is not None:
                out.append((path, data))
    return out


def _shown(repo: Repo | None, found: str) -> str:
    if repo is not None:
        try:
            rel = os.path.relpath(os.path.abspath(found), repo.root)
        except ValueError:
            return found
        if not rel.startswith('..'):
            return rel
    return found


def repo_relative(
    repo: Repo, path: str, why: str = 'only files of the repository are checked'
) -> str:
    """A path named on the command line, relative to the repository root; one
    outside the repository is a ConfigError saying `why` it must be inside."""
    full = os.path.abspath(path)
    try:
        rel = os.path.relpath(full, os.path.realpath(repo.root))
        if rel.startswith('..'):
            rel = os.path.relpath(full, repo.root)
    except ValueError:  # another drive
        rel = full
    if rel == '..' or rel.startswith('..' + os.sep) or os.path.isabs(rel):
        raise ConfigError([f'{path}: is outside the repository ({repo.root}); {why}'])
    return rel.replace(os.sep, '/')


def _load_at_ref(repo: Repo, ref: str, path: str | None, env: Mapping[str, str] | None) -> Config:
    env = os.environ if env is None else env
    named = path or env.get(ENV_VAR) or None
    candidates = (
        [
            repo_relative(
                repo,
                named,
                'with --policy-ref the policy is read as '
                'committed, so it must be a file of the repository',
            )
        ]
        if named
        else list(CONFIG_NAMES)
    )
    repo.require(ref)
    for rel in candidates:
        data = repo.content_at(ref, rel)
        if data is not None:
            return parse(data, f'{ref}:{rel}')
    return Config(source=f'{ref}: no policy file, defaults')


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
