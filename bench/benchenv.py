"""What every benchmark runs its commands with: the venv's executables, and an
environment with no git or pre-commit variables of the caller's, a fixed identity,
no system git config, and byte-compiled modules (as pip installs them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if not k.startswith(('GIT_', 'PRE_COMMIT'))}
# As an installed hook runs: pip compiles bytecode at install time.
ENV.pop('PYTHONDONTWRITEBYTECODE', None)
ENV.update(
    GIT_AUTHOR_NAME='b',
    GIT_AUTHOR_EMAIL='b@example.com',
    GIT_COMMITTER_NAME='b',
    GIT_COMMITTER_EMAIL='b@example.com',
    GIT_CONFIG_NOSYSTEM='1',
)
