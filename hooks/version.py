"""The installed version, read from the package metadata (set only in pyproject.toml)."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version('commit-warden')
    except PackageNotFoundError:
        return '0+unknown'
