"""Package registry tokens: npm and PyPI."""

from __future__ import annotations

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.lazyre import rx


class NpmDetector(WardenPlugin):
    secret_type = 'NPM tokens'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'npm'
    rotate = 'npmjs.com > Access Tokens (or `npm token revoke`)'
    rules = (Rule('npm-access-token', 'npm', 'access token', rx(r'\bnpm_[A-Za-z0-9]{36}\b')),)


class PyPIDetector(WardenPlugin):
    secret_type = 'PyPI Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'pypi'
    rotate = 'pypi.org/manage/account/token/'
    rules = (
        # Macaroons whose first caveat is the issuer: "pypi.org" / "test.pypi.org".
        Rule(
            'pypi-token',
            'PyPI',
            'API token',
            rx(r'\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}' + _END),
        ),
        Rule(
            'pypi-token',
            'TestPyPI',
            'API token',
            rx(r'\bpypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,}' + _END),
        ),
    )
