"""commit-warden's detectors as detect-secrets plugins.

    plugins=$(python -c 'import hooks.detectors.detect_secrets_plugins as m; print(m.__file__)')
    detect-secrets scan --plugin "$plugins"

detect-secrets finds plugins by looking for subclasses of its own plugin base
class in a file, so this module (and only this module) imports detect_secrets:
one ``Warden<Name>`` class per commit-warden detector, each a real
``RegexBasedDetector`` whose ``analyze_string`` asks the detector. The names
are prefixed so they never shadow a built-in plugin's settings. detect-secrets
maps each ``secret_type`` to exactly one plugin class, so a detector whose type
is a built-in plugin's (it extends that plugin, and commit-warden records its
findings under the built-in type) or is shared by several detectors is
registered here as ``<type> (commit-warden <Name>)``. Like every warden plugin,
none of them verifies over the network.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from detect_secrets.constants import VerifiedResult
from detect_secrets.plugins.base import RegexBasedDetector

from hooks.detectors import plugin_classes
from hooks.detectors.base import WardenPlugin
from hooks.lazyre import Regex

__all__ = ['adapter_classes']


def _builtin_types() -> frozenset[str]:
    import importlib
    import inspect
    import pkgutil

    import detect_secrets.plugins
    from detect_secrets.plugins.base import BasePlugin

    types = set()
    for info in pkgutil.iter_modules(detect_secrets.plugins.__path__):
        module = importlib.import_module(f'detect_secrets.plugins.{info.name}')
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BasePlugin)
                and not inspect.isabstract(value)
            ):
                types.add(str(value.secret_type))
    return frozenset(types)


def adapter_secret_type(cls: type[WardenPlugin]) -> str:
    """The type detect-secrets knows this detector's adapter by."""
    return _TYPES[cls.__name__]


def _adapter(cls: type[WardenPlugin], secret_type: str) -> type[RegexBasedDetector]:
    def analyze_string(self: RegexBasedDetector, string: str) -> Generator[str, None, None]:
        yield from cls().analyze_string(string)

    def verify(self: RegexBasedDetector, *args: Any, **kwargs: Any) -> VerifiedResult:
        return VerifiedResult.UNVERIFIED

    patterns = tuple(
        rule.pattern.compiled if isinstance(rule.pattern, Regex) else rule.pattern
        for rule in cls.rules
    )
    return type(
        f'Warden{cls.__name__}',
        (RegexBasedDetector,),
        {
            '__module__': __name__,
            '__doc__': cls.__doc__,
            'secret_type': secret_type,
            'denylist': patterns,
            'analyze_string': analyze_string,
            'verify': verify,
        },
    )


def adapter_classes() -> tuple[type[RegexBasedDetector], ...]:
    return tuple(_ADAPTERS.values())


def _types() -> dict[str, str]:
    builtin = _builtin_types()
    counts: dict[str, int] = {}
    for cls in plugin_classes():
        counts[cls.secret_type] = counts.get(cls.secret_type, 0) + 1
    return {
        cls.__name__: (
            cls.secret_type
            if cls.secret_type not in builtin and counts[cls.secret_type] == 1
            else f'{cls.secret_type} (commit-warden {cls.__name__})'
        )
        for cls in plugin_classes()
    }


_TYPES = _types()
_ADAPTERS = {
    f'Warden{cls.__name__}': _adapter(cls, _TYPES[cls.__name__]) for cls in plugin_classes()
}
globals().update(_ADAPTERS)
