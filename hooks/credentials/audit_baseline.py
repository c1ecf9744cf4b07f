"""`commit-warden baseline --audit`: detect-secrets' own audit of the baseline, able
to read commit-warden's entries.

`detect-secrets audit` (1.5) cannot read a baseline holding an entry of a type only
a custom plugin reports (Yelp/detect-secrets#611, open): it maps types to plugins
while parsing its arguments, before it has read the baseline that names the custom
plugins, and stops on the first such entry with a KeyError or TypeError, losing the
session's labels. This runs the same audit code after the baseline is loaded,
with that map rebuilt and commit-warden's types pointing at its plugin.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from hooks.errors import FatalError


def _with_engine(builtin: Any, engine: Any) -> Any:
    """The built-in plugin, also finding what commit-warden records under its type
    (commit-warden's GitHub entries hash the whole token; detect-secrets' the prefix).
    Same name, so detect-secrets saves its settings unchanged."""
    from detect_secrets.util.inject import get_injectable_variables

    wanted = get_injectable_variables(builtin.analyze_line)[1:]

    def analyze_line(
        self: Any,
        filename: str,
        line: str,
        line_number: int = 0,
        context: Any = None,
        enable_eager_search: bool = False,
    ) -> set[Any]:
        given = {
            'filename': filename,
            'line': line,
            'line_number': line_number,
            'context': context,
            'enable_eager_search': enable_eager_search,
        }
        found = set(builtin.analyze_line(self, **{k: given[k] for k in wanted if k in given}))
        if not hasattr(self, '_engine'):
            self._engine = engine()
        found |= {
            s
            for s in self._engine.analyze_line(
                filename, line, line_number, context, enable_eager_search
            )
            if s.type == builtin.secret_type
        }
        return found

    return type(
        builtin.__name__,
        (builtin,),
        {'analyze_line': analyze_line, '__module__': builtin.__module__},
    )


def _prepare(path: str) -> Any:
    from detect_secrets.core import baseline
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.exceptions import UnableToReadBaselineError
    from detect_secrets.settings import get_settings

    from hooks.credentials.detect_secrets_compat import PLUGIN_NAME

    get_settings().clear()  # the file's settings alone (in a process that ran others)
    try:
        secrets = baseline.load(baseline.load_from_file(path), path)
    except (UnableToReadBaselineError, KeyError) as e:
        raise FatalError(f'{path}: detect-secrets cannot read it as a baseline') from e
    get_mapping_from_secret_type_to_class.cache_clear()
    mapping: dict[str, Any] = get_mapping_from_secret_type_to_class()
    engine = next((c for c in mapping.values() if c.__name__ == PLUGIN_NAME), None)
    if engine is not None:
        for secret_type, plugin in list(mapping.items()):
            if plugin.__module__.startswith('detect_secrets.plugins.'):
                mapping[secret_type] = _with_engine(plugin, engine)
        for _, secret in secrets:
            mapping.setdefault(secret.type, engine)
    unknown = sorted({s.type for _, s in secrets if s.type not in mapping})
    if unknown:
        raise FatalError(
            f'{path}: no plugin it names reports {", ".join(unknown)}: '
            'detect-secrets cannot audit those entries'
        )
    return secrets


def audit(path: str, *, stats: bool = False, as_json: bool = False) -> int:
    """Label the entries interactively (detect-secrets' prompts; it saves the labels
    in the file), or print its statistics of the labels."""
    import json

    from detect_secrets import audit as ds_audit

    secrets = _prepare(path)
    if stats:
        result = ds_audit.analytics.calculate_statistics_for_baseline(path)
        print(json.dumps(result.json(), indent=2) if as_json else str(result).rstrip())
        return 0
    from detect_secrets.audit.audit import _classify_secrets
    from detect_secrets.audit.iterator import get_secret_iterator
    from detect_secrets.core.baseline import save_to_file
    from detect_secrets.core.secrets_collection import SecretsCollection

    # detect-secrets' audit_baseline() first drops every entry of a file that is not
    # in the work tree (a deleted file, a commit message: what a history sweep
    # records). Those are left out of the session instead, and saved as they were.
    present = SecretsCollection()
    for filename in secrets.files:
        if os.path.isfile(filename):
            present[filename] = secrets[filename]
    if any(not s.line_number for _, s in present):
        raise FatalError(
            f"{path}: detect-secrets' interactive audit needs line numbers: "
            'write them with `commit-warden baseline --line-numbers` first'
        )
    try:
        changed = _classify_secrets(get_secret_iterator(present))
    except EOFError as e:
        raise FatalError('the input ended before the audit did: no label was saved') from e
    if changed:
        print('Saving progress...')
        save_to_file(secrets, path)
    skipped = sum(len(secrets[f]) for f in secrets.files - present.files)
    if skipped:
        print(
            f'{skipped} entr{"ies" if skipped != 1 else "y"} of files not in the work tree '
            'left as they were'
        )
    sys.stdout.flush()
    return 0
