"""detect-secrets' part of the baseline: its plugins and filters, our plugin's path, its scan.

A baseline lists detect-secrets' own plugins and filters (its hook runs exactly
those) and commit-warden's engine as a custom plugin loaded from a file path
(hooks/credentials/detect_secrets_plugin.py). Where the file already names them, a
person chose them and they stay; where it does not, they are what `detect-secrets
scan --no-verify` writes. detect-secrets' own findings come from its own CLI, run
over the index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hooks import config as cfg
from hooks.errors import FatalError
from hooks.git import Repo

PLUGIN_NAME = 'CommitWardenDetector'
PLUGIN_FILE = Path(__file__).with_name('detect_secrets_plugin.py')
VERIFY_FILTER = 'detect_secrets.filters.common.is_ignored_due_to_verification_policies'

Entry = dict[str, Any]


def default_settings(creds: cfg.CredentialsConfig) -> tuple[list[Entry], list[Entry]]:
    """(plugins_used, filters_used) as `detect-secrets scan --no-verify` writes them,
    with the entropy limits of the policy (commit-warden's and detect-secrets'
    defaults are the same)."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import Settings

    plugins = []
    plugin_class: Any
    for plugin_class in get_mapping_from_secret_type_to_class().values():
        if not plugin_class.__module__.startswith('detect_secrets.plugins.'):
            continue  # only its own: a custom plugin is listed where a person put it
        entry = dict(plugin_class().json())
        if entry['name'] == 'Base64HighEntropyString':
            entry['limit'] = creds.entropy_base64_limit
        elif entry['name'] == 'HexHighEntropyString':
            entry['limit'] = creds.entropy_hex_limit
        plugins.append(entry)
    settings = Settings()
    filters = [{'path': path} for path in settings.filters if path not in settings.DEFAULT_FILTERS]
    return (
        sorted(plugins, key=lambda p: str(p['name']).lower()),
        sorted(filters, key=lambda f: str(f['path']).lower()),
    )


def _resolve_plugin_path(value: object, root: Path) -> Path | None:
    if not isinstance(value, str) or not value.startswith('file://'):
        return None
    path = Path(value[len('file://') :])
    return path if path.is_absolute() else root / path


def plugin_path(
    root: Path,
    plugins: Sequence[Entry],
    override: str | None = None,
) -> tuple[str, str | None]:
    """Where detect-secrets is told to load commit-warden's plugin from, and a note
    if that path will not be the same on other machines.

    An existing entry whose file is there is kept (someone may have pointed it at a
    path every machine has); else this installation's file, relative to the
    repository when it lies inside it, as detect-secrets reads relative paths from
    the directory it runs in (pre-commit runs it at the top level).
    """
    if override:
        return (override if override.startswith('file://') else f'file://{override}'), None
    for p in plugins:
        if p.get('name') == PLUGIN_NAME:
            found = _resolve_plugin_path(p.get('path'), root)
            if found is not None and found.is_file():
                return str(p['path']), None
    here = PLUGIN_FILE.resolve()
    for base in (root, root.resolve()):
        try:
            return f'file://{here.relative_to(base).as_posix()}', None
        except ValueError:
            continue
    return f'file://{here}', (
        f"detect-secrets will load commit-warden's plugin from {here}, outside the "
        'repository: where commit-warden is installed elsewhere, detect-secrets stops with '
        '"No such file or directory" (it changes nothing). Name a path every machine '
        'has with `--plugin-path`.'
    )


def settings(
    old: dict[str, Any] | None, creds: cfg.CredentialsConfig, root: Path, override: str | None
) -> tuple[str, list[Entry], list[Entry], str | None]:
    """(version, plugins_used, filters_used, note): the existing file's where it has
    them (a person chose them), detect-secrets' defaults where it does not."""
    from detect_secrets.__version__ import VERSION

    old = old or {}
    version = old.get('version') if isinstance(old.get('version'), str) else VERSION
    defaults: tuple[list[Entry], list[Entry]] | None = None
    plugins = [dict(p) for p in old.get('plugins_used') or ()]
    filters = [dict(f) for f in old.get('filters_used') or ()]
    if not [p for p in plugins if p.get('name') != PLUGIN_NAME]:
        defaults = default_settings(creds)
        plugins = [*defaults[0], *plugins]
    if not filters:
        filters = (defaults or default_settings(creds))[1]
    path, note = plugin_path(root, plugins, override)
    plugins = [p for p in plugins if p.get('name') != PLUGIN_NAME]
    plugins.append({'name': PLUGIN_NAME, 'path': path})
    plugins.sort(key=lambda p: str(p.get('name', '')).lower())
    return str(version), plugins, filters, note


def detect_secrets_scan(
    repo: Repo,
    index: dict[str, tuple[str, str]],
    version: str,
    plugins: Sequence[Entry],
    filters: Sequence[Entry],
    baseline_name: str,
) -> tuple[dict[str, list[Entry]], frozenset[str]]:
    """detect-secrets' own findings in the index, through its own CLI (`detect-secrets
    scan --all-files --no-verify --baseline`), and the types its plugins report.

    The files are written out as the index holds them (what its hook sees under
    pre-commit) into a directory under .git/commit-warden/, removed afterwards.
    commit-warden's plugin is left out (its findings are known exactly already), and
    so is network verification (it can only remove findings).
    """
    import tempfile

    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    names = {str(p.get('name')) for p in plugins if 'path' not in p}
    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    types = frozenset(t for t, c in mapping.items() if c.__name__ in names)
    # detect-secrets' hook skips any file named like its baseline (pre-commit passes
    # `--baseline .secrets.baseline`): so does this scan.
    entries = {
        p: e
        for p, e in index.items()
        if e[0] in ('100644', '100755') and p.rsplit('/', 1)[-1] != baseline_name
    }
    repo.state_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='baseline-scan-', dir=repo.state_dir) as tmp:
        tree = Path(tmp, 'tree')
        tree.mkdir()
        by_oid: dict[str, list[str]] = {}
        for path, (_, oid) in entries.items():
            by_oid.setdefault(oid, []).append(path)
        for oid, data in repo.read_blobs(by_oid):
            for path in by_oid[oid]:
                out = tree / path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
        settings = Path(tmp, baseline_name)
        settings.write_text(
            json.dumps(
                {
                    'version': version,
                    'plugins_used': [p for p in plugins if p.get('name') != PLUGIN_NAME],
                    'filters_used': [f for f in filters if f.get('path') != VERIFY_FILTER],
                    'results': {},
                }
            )
        )
        proc = subprocess.run(
            [
                sys.executable,
                '-m',
                'detect_secrets',
                'scan',
                '--all-files',
                '--no-verify',
                '--baseline',
                str(settings),
                '.',
            ],
            cwd=tree,
            capture_output=True,
            text=True,
            errors='replace',
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ['(no message)'])[-1]
            raise FatalError(
                f"detect-secrets could not scan with the baseline's settings "
                f'(exit {proc.returncode}): {last[:300]}; nothing was written'
            )
        doc = json.loads(settings.read_text())
    results = {os.path.normpath(p).replace(os.sep, '/'): v for p, v in doc['results'].items()}
    return results, types
