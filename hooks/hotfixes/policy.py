"""The hotfix policy, compiled once, and which commits it makes hotfixes: branch
roles, message markers, production paths (the one glob dialect, hooks.globs),
and what a message says it reverts or ports."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from typing import NamedTuple

from hooks.config import HotfixesConfig
from hooks.git import Repo
from hooks.globs import matches
from hooks.userregex import UserRegex

_RECORD_EXTS = ('.md', '.markdown', '.yaml', '.yml')
_REVERT = re.compile(r'^This reverts commit ([0-9a-f]{7,64})\b', re.M)
_CHERRY = re.compile(r'\(cherry picked from commit ([0-9a-f]{7,64})\)')
_BACKPORT_OF = re.compile(r'^Backport-of:[ \t]*([0-9a-f]{7,64})\b', re.M | re.I)


class Policy(NamedTuple):
    config: HotfixesConfig
    tickets: tuple[UserRegex, ...]
    record_dir: str  # repository-relative, '/'-separated, ending in '/'

    @classmethod
    def of(cls, config: HotfixesConfig) -> Policy:
        record_dir = config.record_dir.replace(os.sep, '/').strip('/')
        record_dir = '' if record_dir in ('', '.') else record_dir + '/'
        return cls(config, tuple(UserRegex.compile(p) for p in config.ticket_patterns), record_dir)

    def find_tickets(self, message: str) -> tuple[str, ...]:
        """Every ticket reference in a message, in order of appearance, once each."""
        found: list[tuple[int, str]] = []
        for pattern in self.tickets:
            found.extend((m.start(), m.group(0)) for m in pattern.finditer(message))
        out: list[str] = []
        for _, ticket in sorted(found):
            if ticket not in out:
                out.append(ticket)
        return tuple(out)

    def marker(self, message: str) -> str | None:
        head = message.lstrip().lower()
        for marker in self.config.markers:
            if head.startswith(marker.lower()):
                return marker
        return None

    def is_record(self, path: str) -> bool:
        if not path.startswith(self.record_dir):
            return False
        name = path.rsplit('/', 1)[-1]
        # README.md, _template.md, .keep: documentation of the directory, not records.
        if name.startswith(('.', '_')) or name.lower().startswith('readme'):
            return False
        return name.lower().endswith(_RECORD_EXTS)

    def record_path(self, ticket: str) -> str:
        return f'{self.record_dir}{ticket}.md'

    def production_path(self, path: str) -> str | None:
        for glob in self.config.production_paths:
            if matches(path, (glob,)):
                return glob
        return None


def branch_role(config: HotfixesConfig, name: str) -> str | None:
    """'production' or 'hotfix' if a branch name matches the policy's globs."""
    for role, globs in (
        ('production', config.production_branches),
        ('hotfix', config.hotfix_branches),
    ):
        if any(fnmatch.fnmatchcase(name, g) for g in globs):
            return role
    return None


def short_branch(name: str, remotes: Iterable[str] = ()) -> str:
    """refs/heads/x, refs/remotes/origin/x and origin/x all name branch x."""
    if name.startswith('refs/heads/'):
        return name[len('refs/heads/') :]
    if name.startswith('refs/remotes/'):
        return name[len('refs/remotes/') :].split('/', 1)[-1]
    for remote in remotes:
        if name.startswith(remote + '/'):
            return name[len(remote) + 1 :]
    return name


def reverted_commit(message: str) -> str | None:
    m = _REVERT.search(message)
    return m.group(1) if m else None


def ported_from(message: str) -> list[str]:
    return [m.group(1) for m in (*_CHERRY.finditer(message), *_BACKPORT_OF.finditer(message))]


class Candidate(NamedTuple):
    """One commit (or the commit being made) and why it counts as a hotfix."""

    commit: str | None
    message: str
    reasons: tuple[str, ...]

    @property
    def derived_from(self) -> str | None:
        """The commit this one reverts or ports, if its message says so."""
        reverted = reverted_commit(self.message)
        if reverted:
            return reverted
        ported = ported_from(self.message)
        return ported[0] if ported else None


def hotfix_reasons(
    policy: Policy,
    *,
    message: str,
    paths: Iterable[str],
    branch: str | None,
    target: str | None,
    branch_counts: bool = True,
) -> tuple[str, ...]:
    reasons = []
    if branch_counts:
        for what, name in (('on', branch), ('going to', target)):
            if name:
                role = branch_role(policy.config, name)
                if role:
                    reasons.append(f'{what} {role} branch {name}')
    marker = policy.marker(message)
    if marker:
        reasons.append(f'message starts with {marker!r}')
    for path in paths:
        glob = policy.production_path(path)
        if glob:
            reasons.append(f'touches {path} (production_paths: {glob})')
            break
    return tuple(dict.fromkeys(reasons))


def remotes(repo: Repo) -> list[str]:
    return repo.out('remote').split()
