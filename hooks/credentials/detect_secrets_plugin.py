"""commit-warden's whole engine as one detect-secrets plugin, so detect-secrets
keeps the entries `commit-warden baseline` records.

A baseline written by `commit-warden baseline` lists this file in `plugins_used`
(``{"name": "CommitWardenDetector", "path": "file://…/detect_secrets_plugin.py"}``).
detect-secrets loads a plugin named with a ``path`` from that file, and keeps a
baseline entry only while some plugin it runs finds it again: `detect-secrets-hook`
drops (and rewrites the file without) every entry of a file it scans that no plugin
re-finds, whatever its type. So commit-warden's findings survive only if
detect-secrets runs commit-warden.

This plugin runs the same scan as the hook (hooks/scan.py, the repository's policy,
the whole file so multi-line rules see their context) once per file, on the first
line detect-secrets hands it, and answers with every finding of the file at its own
line, under the type and sha1 hash commit-warden records. One plugin, not one per
detector: detect-secrets runs every plugin on every line, and the per-detector
adapters (hooks/detectors/detect_secrets_plugins.py) make its hook several times
slower.

detect-secrets' secret filters (UUID-shaped, "id" before the value, `$`-prefixed,
…) would second-guess a finding commit-warden already judged, and drop it from the
baseline; during a scan they are shown the finding's masked preview, never the
value. Its audit (which passes `enable_eager_search`) gets the value, to show the
person auditing where it is. Nothing here verifies over the network.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Generator
from typing import TYPE_CHECKING
from typing import Any

try:
    import hooks  # noqa: F401
except ImportError:  # detect-secrets runs from another environment: find commit-warden's
    sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from detect_secrets.constants import VerifiedResult
from detect_secrets.core.potential_secret import PotentialSecret
from detect_secrets.plugins.base import BasePlugin

from hooks.findings import mask

if TYPE_CHECKING:
    from hooks import config as cfg
    from hooks.scan import Detection

__all__ = ['CommitWardenDetector']

PLUGIN_NAME = 'CommitWardenDetector'


@functools.lru_cache(maxsize=1)
def _policy() -> tuple[str | None, cfg.CredentialsConfig]:
    """(repository root, the credentials policy) where detect-secrets runs: the
    repository around the working directory, as commit-warden's own hook reads it."""
    from hooks import config as cfg
    from hooks.errors import GitError
    from hooks.git import Repo

    try:
        repo = Repo.discover()
    except GitError:
        return None, cfg.load(None).credentials
    return str(repo.root), cfg.load(repo).credentials


def _relative(filename: str, root: str | None) -> str:
    if root is None:
        return filename.replace(os.sep, '/')
    full = os.path.abspath(filename)
    for base in (root, os.path.realpath(root)):
        rel = os.path.relpath(full, base)
        if not rel.startswith('..'):
            return rel.replace(os.sep, '/')
    return filename.replace(os.sep, '/')


@functools.lru_cache(maxsize=4)
def _scan(full: str, stamp: tuple[int, int]) -> tuple[Detection, ...]:
    from hooks.credentials.engine import GENERIC
    from hooks.credentials.engine import scan_options
    from hooks.credentials.plan import excluded
    from hooks.credentials.plan import work_of
    from hooks.scan import Scanner

    root, creds = _policy()
    rel = _relative(full, root)
    if excluded(rel, creds) or stamp[1] > creds.max_file_bytes:
        return ()
    with open(full, 'rb') as f:
        work = work_of(rel, f.read())
    found = Scanner(scan_options(creds)).scan(rel, work.lines)
    # Inside binary content only known token formats count, as in the hook.
    return tuple(d for d in found if not (work.binary and d.provider == GENERIC))


def detections(filename: str) -> tuple[Detection, ...]:
    """commit-warden's findings in a file on disk, under the repository's policy."""
    full = os.path.abspath(filename)
    st = os.stat(full)
    return _scan(full, (st.st_mtime_ns, st.st_size))


class CommitWardenDetector(BasePlugin):
    """Every commit-warden detector, with the policy of the repository it runs in."""

    # Its own type is never reported: each finding carries the type commit-warden
    # records for it (detect-secrets' own name where a built-in plugin finds the same).
    secret_type = 'commit-warden'  # noqa: S105 (a type name)

    def __init__(self, **_: Any) -> None:
        self._last: tuple[str, int] | None = None

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        yield from ()  # findings come whole-file, from analyze_line

    def analyze_line(
        self,
        filename: str,
        line: str,
        line_number: int = 0,
        context: Any = None,
        enable_eager_search: bool | None = None,
        **kwargs: Any,
    ) -> set[PotentialSecret]:
        # A file is scanned whole on the first line detect-secrets hands over (a new
        # file, or line numbers starting again); its other lines add nothing.
        last, self._last = self._last, (filename, line_number)
        if last is not None and last[0] == filename and 0 < last[1] < line_number:
            return set()
        try:
            found = detections(filename)
        except OSError:
            return set()
        auditing = enable_eager_search is not None
        output = set()
        for d in found:
            secret = PotentialSecret(
                type=d.secret_type, filename=filename, secret=d.secret, line_number=d.line
            )
            secret.secret_value = d.secret if auditing else mask(d.secret)
            output.add(secret)
        return output

    def verify(self, *args: Any, **kwargs: Any) -> VerifiedResult:
        return VerifiedResult.UNVERIFIED
