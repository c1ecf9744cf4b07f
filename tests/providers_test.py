"""The provider catalogue: every documented format is found wherever it sits,
under the provider's own rule, and the catalogue, README and detectors agree.

Values are generated from each format's sample template (tests/provider_samples.py);
assertions name the rule and file type, never the value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks.detectors.catalogue import provider_classes
from hooks.detectors.providers import PROVIDERS
from hooks.detectors.providers import Named
from hooks.detectors.providers import Provider
from hooks.detectors.providers import Token
from hooks.scan import Scanner
from tests.conftest import slow_after
from tests.provider_samples import fill

ROOT = Path(__file__).resolve().parent.parent

TOKENS = [(p, t) for p in PROVIDERS for t in p.tokens]
NAMED = [(p, n) for p in PROVIDERS for n in p.named]


def _found(path: str, text: str) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in Scanner().scan_text(path, text)]


# A known-format token, wherever it sits.
TOKEN_PLACES = {
    'app.py': 'client = Client(token="{v}")\n',
    'settings.yaml': 'service:\n  credentials:\n    - {v}\n',
    'deploy.sh': 'curl -sS -H "X-Custom: {v}" https://api.internal/v1/run\n',
    'NOTES.md': 'Use `{v}` for the staging run.\n',
    'server.log': '2026-03-02T10:00:01Z INFO started with {v} loaded\n',
    'fetch.js': "fetch('https://api.internal/x?access={v}&page=2')\n",
    'out.ipynb': '   "outputs": [{{"text": ["{v}\\n"]}}],\n',
}


def context_word(token: Token, value: str) -> str:
    """The word a token needs beside it when its format has no prefix of its own
    to find it by (the provider's name), or ''."""
    lowered = value.lower()
    if token.structural or any(k in lowered for k in token.keywords):
        return ''
    return token.keywords[0]


# The quick loop: ten formats in one place (corpus_test finds every rule in its
# planted files); the full run: every format in every place.
@pytest.mark.parametrize(
    ('provider', 'token'), slow_after(10, TOKENS, several=True), ids=[t.id for _, t in TOKENS]
)
@pytest.mark.parametrize('place', slow_after(1, sorted(TOKEN_PLACES)))
def test_token_found_wherever_it_sits(provider: Provider, token: Token, place: str) -> None:
    value = fill(token.sample, token.id)
    word = context_word(token, value)
    # A format without a prefix needs its provider named on the line.
    text = TOKEN_PLACES[place].format(v=f'{word} {value}' if word else value)
    found = _found(place, text)
    line = 3 if place == 'settings.yaml' else 1
    assert found == [(line, token.id)], (provider.name, place)


def _names(provider: Provider, named: Named) -> tuple[str, str, str]:
    word = provider.words[0].strip('_-.')
    if any(part in word for part in ('key', 'token', 'secret', 'pass', 'write')):
        snake = word.replace('-', '_')
    else:
        snake = f'{word}_{"password" if "password" in named.id else "api_key"}'
    camel = re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), snake)
    return snake.upper(), snake, camel


@pytest.mark.parametrize(
    ('provider', 'named'), slow_after(10, NAMED, several=True), ids=[n.id for _, n in NAMED]
)
def test_named_secret_found_in_three_file_types(provider: Provider, named: Named) -> None:
    value = fill(named.sample, named.id)
    upper, snake, camel = _names(provider, named)
    places = {
        '.env': f'{upper}={value}\n',
        'config.yaml': f'{snake}: "{value}"\n',
        'main.py': f'{snake} = "{value}"\n',
        'config.json': f'{{"{camel}": "{value}"}}\n',
    }
    for path, text in places.items():
        assert _found(path, text) == [(1, named.id)], (provider.name, path)


@pytest.mark.parametrize(
    ('provider', 'named'), slow_after(10, NAMED, several=True), ids=[n.id for _, n in NAMED]
)
def test_named_value_needs_the_providers_name(provider: Provider, named: Named) -> None:
    # The same value under an unremarkable name is not attributed to the provider.
    value = fill(named.sample, named.id)
    found = _found('main.py', f'checksum_label = "{value}"\n')
    assert [rule for _, rule in found if rule == named.id] == []


@pytest.mark.parametrize(
    ('provider', 'token'), slow_after(10, TOKENS, several=True), ids=[t.id for _, t in TOKENS]
)
def test_token_filler_is_not_reported(provider: Provider, token: Token) -> None:
    # The format's shape filled with one repeated character is documentation.
    filler = re.sub(r'\{[a-zA-Z]+:(\d+)\}', lambda m: 'x' * int(m.group(1)), token.sample)
    filler = filler.replace('{uuid}', '00000000-0000-0000-0000-000000000000')
    word = context_word(token, fill(token.sample, token.id))
    assert _found('app.py', f'{word}token = "{filler}"\n') == []


def test_at_least_150_providers() -> None:
    from hooks.detectors.listing import catalogue

    # Kinds of secret rather than services (Generic, Private key...) do not count.
    kinds = {'Generic', 'Private key', 'JWT', 'netrc', 'Git', 'Custom'}
    providers = {entry.provider for entry in catalogue()} - kinds
    assert len(providers) >= 150, len(providers)


def test_every_provider_has_a_rotation_place_and_a_detector() -> None:
    names = {cls.provider.name for cls in provider_classes()}
    assert names == {p.name for p in PROVIDERS}
    for p in PROVIDERS:
        assert p.rotate.strip(), p.name
        assert p.tokens or p.named, p.name
        for t in p.tokens:
            assert t.sample and (t.keywords or t.structural), t.id
        for n in p.named:
            assert n.sample and p.words, n.id


def test_readme_lists_every_provider_and_rule_id() -> None:
    from hooks.detectors.listing import markdown_table

    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    start = readme.index('<!-- rules-table -->\n') + len('<!-- rules-table -->\n')
    end = readme.index('<!-- /rules-table -->')
    assert readme[start:end] == markdown_table(), (
        'regenerate the README table: python -c "from hooks.detectors.listing import '
        "markdown_table; print(markdown_table(), end='')\""
    )


def test_rules_listing_names_id_provider_kind_and_rotation() -> None:
    from hooks.detectors.listing import catalogue
    from hooks.detectors.listing import text_listing

    entries = catalogue()
    assert all(e.id and e.provider and e.kind and e.rotate for e in entries)
    lines = text_listing().splitlines()
    assert len(lines) == len(entries)
    assert lines[0].split('\t')[0] == entries[0].id
