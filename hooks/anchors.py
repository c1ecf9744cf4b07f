"""Where a report shows a finding that has no file at the head.

Code scanning, workflow annotations and Code Quality place every finding on a file
of the repository, and show it best on a file the reviewer can open. A finding
about a commit (unsigned, no ticket) has no file; a token that a later commit
deleted names a file the head no longer has. Each is anchored to a file a reviewer
can act on:

1. a file the commit itself changed that the head still has (it is in the pull
   request's diff, so the annotation sits beside the change);
2. else the repository's README, else the first file of the head's tree that is
   not a dotfile.

Reports keep naming the commit (and the finding's own file and line) in the
message and, in SARIF, in a logical location. The policy file is an anchor only
for findings about the policy itself (`policy-changed` names it as its path).
"""

from __future__ import annotations

from collections.abc import Sequence

from hooks.findings import Finding
from hooks.git import Repo

_READMES = ('README.md', 'README.rst', 'README', 'README.txt')


def anchor_findings(repo: Repo, head: str, findings: Sequence[Finding]) -> list[Finding]:
    """`findings`, each whose place is not a file of `head` given an anchor there."""
    if not findings:
        return []
    tree = repo.ls_tree(head)
    # Not a dotfile (the policy, CI config) by the accident of sorting first.
    plain = [p for p in tree if not p.startswith('.')]
    fallback = next((r for r in _READMES if r in tree), min(plain or tree, default=None))
    touched: dict[str, str | None] = {}
    out = []
    for f in findings:
        if (f.path and f.path in tree) or not f.commit:
            out.append(f)  # in place, or nothing to go by: the reports' default
            continue
        if f.commit not in touched:
            touched[f.commit] = next((p for p in _changed(repo, f.commit) if p in tree), None)
        anchor = touched[f.commit] or fallback
        out.append(f._replace(anchor=anchor) if anchor else f)
    return out


def _changed(repo: Repo, commit: str) -> list[str]:
    info = repo.commit_infos([commit])
    if not info:
        return []
    parents = info[0].parents
    if not parents:
        return sorted(repo.ls_tree(commit))
    return repo.changed_paths(parents[0], commit)
