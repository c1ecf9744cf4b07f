"""commit-warden's detect-secrets plugins, one module per provider family.

Importing this package is cheap: the plugin modules (which import
detect_secrets) load only when ``plugin_classes()`` is first called, and the
prefilter tables live in ``hooks.detectors.keywords``, which never imports
detect_secrets.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from hooks.detectors.base import WardenPlugin

# Order is the order findings of equal priority are reported in.
MODULES = (
    'cloud',
    'vcs',
    'chat',
    'payments',
    'ai',
    'saas',
    'infra',
    'registries',
    'catalogue',
    'keys',
    'configfiles',
    'urls',
    'generic',
    'commands',
)


# Which module holds the plugins of each keyword group, so a scan imports (and
# compiles the regexes of) only the modules whose keywords occurred. A test
# checks this table against the plugins' own `keyword_group`.
_STATIC_GROUP_MODULES = {
    'aws': 'cloud',
    'gcp': 'cloud',
    'azure': 'cloud',
    'github': 'vcs',
    'gitlab': 'vcs',
    'atlassian': 'vcs',
    'slack': 'chat',
    'discord': 'chat',
    'telegram': 'chat',
    'stripe': 'payments',
    'square': 'payments',
    'shopify': 'payments',
    'braintree': 'payments',
    'openai': 'ai',
    'anthropic': 'ai',
    'huggingface': 'ai',
    'twilio': 'saas',
    'sendgrid': 'saas',
    'mailgun': 'saas',
    'mailchimp': 'saas',
    'datadog': 'saas',
    'newrelic': 'saas',
    'heroku': 'infra',
    'digitalocean': 'infra',
    'hashicorp': 'infra',
    'databricks': 'infra',
    'npm': 'registries',
    'pypi': 'registries',
    'private-key': 'keys',
    'jwt': 'keys',
    'jwk': 'keys',
    'kubernetes-secret': 'configfiles',
    'kubernetes-secret-string': 'configfiles',
    'config-file': 'configfiles',
    'url': 'urls',
    'connection-string': 'urls',
    'generic': 'generic',
    'command-line': 'commands',
    'sql': 'commands',
}


@functools.cache
def group_modules() -> dict[str, str]:
    # Every provider of the catalogue is a group of its own ('p-<name>'); the
    # catalogue is read on first need, not whenever hooks.detectors is imported.
    from hooks.detectors.prefilter import CATALOGUE_GROUPS

    return {**_STATIC_GROUP_MODULES, **{group: 'catalogue' for group in CATALOGUE_GROUPS}}


def __getattr__(name: str) -> Any:
    if name == 'GROUP_MODULES':
        return group_modules()
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


@functools.cache
def module_plugin_classes(name: str) -> tuple[type[WardenPlugin], ...]:
    from hooks.detectors.base import WardenPlugin

    if name == 'catalogue':
        from hooks.detectors.catalogue import provider_classes

        return provider_classes()
    module = importlib.import_module(f'{__name__}.{name}')
    return tuple(
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, WardenPlugin)
        and value.__module__ == module.__name__
        and value.keyword_group
    )


@functools.lru_cache(maxsize=1)
def plugin_classes() -> tuple[type[WardenPlugin], ...]:
    return tuple(cls for name in MODULES for cls in module_plugin_classes(name))
