"""Whether an unsigned merge commit is exactly git's own conflict-free merge of its parents.

`allow_unsigned_merges` lets an unsigned merge through only when nobody chose its
content: its tree must be what `git merge-tree --write-tree` (git >= 2.38, the same
"ort" merge `git merge` runs) produces for its two parents, with no conflict. A
conflict resolution, even one that takes one side verbatim, and a merge that drops
or adds a change, is content someone wrote, and needs a signature. Octopus merges and
older gits: always content.

merge-tree writes the merged trees as objects; they go to a temporary object directory
(the repository's objects are only read, as an alternate), so nothing is added to the
repository.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from collections.abc import Sequence

from hooks.git import Repo
from hooks.gitproc import run_git


@functools.lru_cache(maxsize=1)
def git_version() -> tuple[int, ...]:
    out = run_git('version').stdout
    m = re.search(rb'(\d+)\.(\d+)(?:\.(\d+))?', out)
    return tuple(int(g) for g in m.groups(default=b'0')) if m else ()


def can_check() -> bool:
    return git_version() >= (2, 38)


def clean_merges(repo: Repo, merges: Mapping[str, tuple[str, Sequence[str]]]) -> set[str]:
    """The merges (commit -> (tree, parents)) whose tree is git's conflict-free merge
    of their two parents."""
    if not merges or not can_check():
        return set()
    objects = (
        repo.git('rev-parse', '--path-format=absolute', '--git-path', 'objects')
        .stdout.decode('utf-8', 'surrogateescape')
        .strip()
    )
    scratch = tempfile.mkdtemp(prefix='cw-merge-')
    # The repository's objects, and any alternates already in force (a quarantine
    # during a push), stay readable; new objects land in the scratch directory.
    alternates = os.pathsep.join(
        p for p in (objects, os.environ.get('GIT_ALTERNATE_OBJECT_DIRECTORIES', '')) if p
    )
    run_env = {
        **os.environ,
        'GIT_OBJECT_DIRECTORY': scratch,
        'GIT_ALTERNATE_OBJECT_DIRECTORIES': alternates,
    }
    clean: set[str] = set()
    try:
        for commit, (tree, parents) in merges.items():
            if len(parents) != 2:
                continue
            # Parents are object ids read from the commit itself, never options.
            proc = run_git(
                'merge-tree',
                '--write-tree',
                '--no-messages',
                parents[0],
                parents[1],
                cwd=repo.root,
                env=run_env,
                ok=range(256),
            )
            if proc.returncode != 0:
                continue  # a conflict (1) or a merge git cannot redo: content
            merged = proc.stdout.split(b'\n', 1)[0].decode('ascii', 'replace').strip()
            if merged == tree:
                clean.add(commit)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return clean
