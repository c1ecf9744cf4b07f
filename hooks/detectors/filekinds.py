"""File kinds: what a path's name says its content is (lock, binary, env, YAML...).

Rules whose syntax depends on the file (quoted or bare values, comments) ask
file_kind(); pure functions over paths, no detect_secrets import.
"""

from __future__ import annotations

import functools
import os


def is_lock_file(path: str) -> bool:
    return os.path.basename(path).lower() in _LOCK_FILES


_LOCK_FILES = frozenset(
    (
        'brewfile.lock.json',
        'cartfile.resolved',
        'composer.lock',
        'gemfile.lock',
        'package.resolved',
        'package-lock.json',
        'npm-shrinkwrap.json',
        'podfile.lock',
        'yarn.lock',
        'pipfile.lock',
        'poetry.lock',
        'cargo.lock',
        'packages.lock.json',
        'pnpm-lock.yaml',
        'go.sum',
        'uv.lock',
        'pdm.lock',
        'mix.lock',
        'flake.lock',
        'bun.lock',
        'gradle.lockfile',
        'conan.lock',
    )
)

_BINARY_EXTENSIONS = frozenset(
    (
        '.7z',
        '.bin',
        '.bmp',
        '.bz2',
        '.class',
        '.dmg',
        '.doc',
        '.eot',
        '.exe',
        '.gif',
        '.gz',
        '.ico',
        '.jar',
        '.jpg',
        '.jpeg',
        '.mo',
        '.pdf',
        '.png',
        '.psd',
        '.rar',
        '.tar',
        '.tif',
        '.tiff',
        '.ttf',
        '.otf',
        '.webp',
        '.woff',
        '.woff2',
        '.xls',
        '.xlsx',
        '.zip',
        '.so',
        '.dll',
        '.dylib',
        '.pyc',
        '.whl',
    )
)

_KIND_BY_EXTENSION = {
    '.env': 'env',
    '.ini': 'ini',
    '.cfg': 'ini',
    '.conf': 'ini',
    '.properties': 'ini',
    '.toml': 'ini',
    '.yaml': 'yaml',
    '.yml': 'yaml',
    '.json': 'json',
    '.ipynb': 'json',
    '.xml': 'xml',
    '.config': 'xml',
    '.csproj': 'xml',
    '.plist': 'xml',
    '.sh': 'shell',
    '.bash': 'shell',
    '.zsh': 'shell',
    '.ps1': 'shell',
    '.md': 'markdown',
    '.rst': 'markdown',
    '.txt': 'markdown',
    '.tf': 'hcl',
    '.http': 'ini',
    '.rest': 'ini',
    '.log': 'log',
    '.tfvars': 'hcl',
    '.hcl': 'hcl',
    '.css': 'asset',
    '.svg': 'asset',
    '.map': 'asset',
}


@functools.lru_cache(maxsize=1024)
def file_kind(path: str) -> str:
    """A coarse file type, for the rules whose syntax depends on it.

    One of: binary, lock, asset, message, npmrc, pypirc, netrc, git-credentials,
    docker-config, kubeconfig, env, ini, yaml, json, xml, shell, markdown, hcl,
    code.
    """
    if path.startswith('<') and path.endswith('>'):
        return 'message'
    normalized = path.replace('\\', '/')
    base = os.path.basename(normalized).lower()
    _, ext = os.path.splitext(base)
    if base in _LOCK_FILES or ext in ('.lock', '.sum'):
        return 'lock'
    if ext in _BINARY_EXTENSIONS:
        return 'binary'
    if base == '.npmrc' or base == 'npmrc' or base == '.yarnrc.yml':
        return 'npmrc'
    if base in ('.pypirc', 'pypirc'):
        return 'pypirc'
    if base in ('.netrc', '_netrc', 'netrc'):
        return 'netrc'
    if base in ('.git-credentials', 'git-credentials'):
        return 'git-credentials'
    if base == 'config.json' and ('.docker/' in normalized or 'docker' in normalized.lower()):
        return 'docker-config'
    if 'kubeconfig' in base or normalized.lower().endswith('.kube/config'):
        return 'kubeconfig'
    if base == '.env' or base.startswith('.env.') or base.endswith('.env'):
        return 'env'
    if base == 'dockerfile' or base.startswith('dockerfile.') or base.endswith('.dockerfile'):
        return 'shell'
    return _KIND_BY_EXTENSION.get(ext, 'code')


# Kinds whose values are written without quotes (KEY=value, key: value).
UNQUOTED_KINDS = frozenset(
    (
        'env',
        'ini',
        'yaml',
        'shell',
        'markdown',
        'message',
        'npmrc',
        'pypirc',
        'netrc',
        'kubeconfig',
        'hcl',
        'log',
    )
)
