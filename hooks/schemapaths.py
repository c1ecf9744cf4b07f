"""The option types that name things in the repository: gitignore-style globs, branch
globs and repository paths, each checked at load so a bad one cannot reach a hook.
Imported with hooks.schema, only when a policy file is read or the schema is asked for."""

from __future__ import annotations

from typing import Any

import yaml

from hooks.schema import INVALID
from hooks.schema import Str
from hooks.yamlsafe import Problems


class _Checked(Str):
    """A string with a check of its own; `accept` returns (value, problem)."""

    def accept(self, value: str) -> tuple[str, str | None]:
        raise NotImplementedError

    def check(self, node: yaml.Node, path: str, problems: Problems) -> Any:
        value = super().check(node, path, problems)
        if value is INVALID:
            return value
        value, error = self.accept(value)
        if error is not None:
            problems.add(node, path, error)
            return INVALID
        return value


class Glob(_Checked):
    """A gitignore-style glob, checked at load so a bad one cannot crash a hook."""

    def __init__(self) -> None:
        super().__init__(what='a glob pattern')

    def accept(self, value: str) -> tuple[str, str | None]:
        from hooks.globs import check_glob

        return value, check_glob(value)


class RepoPath(_Checked):
    """A path inside the repository, normalised (`./x` is `x`), so the same file has
    one name when read at a trusted ref and when watched for policy changes. With
    `git_dir`, `.git/...` names the git dir; with `root`, `.` is the root itself
    (and the value is kept as written: a directory's trailing `/` means something).
    Symlinks that lead out are refused where the file is read (config.inside)."""

    def __init__(self, *, git_dir: bool = False, root: bool = False) -> None:
        self.git_dir = git_dir
        self.root = root
        what = 'a path inside the repository' + (' (or .git/)' if git_dir else '')
        super().__init__(what=what)

    def accept(self, value: str) -> tuple[str, str | None]:
        import posixpath

        norm = posixpath.normpath(value.replace('\\', '/'))
        bad = (
            norm.startswith(('/', '../'))
            or norm == '..'
            or '\0' in value
            or (norm == '.' and not self.root)
            or (posixpath.isabs(value))
            or (not self.git_dir and (norm == '.git' or norm.startswith('.git/')))
            or (len(value) > 1 and value[1] == ':')
        )  # a Windows drive
        if bad:
            return value, f'expected {self.what}, got {value!r}'
        return (value if self.root else norm), None


GLOB = Glob()
BRANCH_GLOB = Str(what='a branch name or glob')
