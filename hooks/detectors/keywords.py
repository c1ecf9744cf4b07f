"""Prefilter keyword tables: which lines can hold a secret at all.

This module must never import detect_secrets: the engine decides from these
tables alone whether a change needs the (slow to import) detectors, so a clean
change never pays for ``import detect_secrets``.

Each detector plugin names its group here; a line reaches a plugin only when
one of the group's keywords occurs in the lowercased line (or, for the few
formats that have no literal prefix, when a group's structural pattern
matches).  The union of all keywords is the engine's one-pass prefilter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping

# Keywords are matched against the *lowercased* line, so they are lowercase.
# The catalogue's providers (hooks.detectors.providers) add a group each: see
# keyword_table(). The regex built from them all is generated ahead of time
# into hooks/detectors/prefilter.py (`python -m hooks.detectors.keywords`), so a
# clean commit neither reads the catalogue nor builds the trie.
KEYWORDS: Mapping[str, tuple[str, ...]] = {
    'aws': (
        'akia',
        'asia',
        'abia',
        'acca',
        'a3t',
        'aws',
        'secret_access_key',
        'secretaccesskey',
        'secret-access-key',
        'da2-',
        'absk',
        'bedrock-api-key-',
    ),
    'gcp': ('aiza', 'gocspx-', 'private_key_id'),
    'azure': ('accountkey', 'sharedaccesskey', 'sig=', 'q~', 'storage'),
    'github': ('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'),
    'gitlab': (
        'glpat-',
        'gldt-',
        'glrt-',
        'glptt-',
        'glcbt-',
        'glft-',
        'glimt-',
        'glagent-',
        'glsoat-',
        'gloas-',
        'glffct-',
        'gr1348941',
    ),
    'atlassian': ('atatt3', 'atlassian', 'jira', 'confluence'),
    'slack': ('xox', 'xapp-', 'hooks.slack.com'),
    # Bot tokens have no prefix: STRUCTURAL finds their shape; 'token' and 'bot'
    # would send half of all code to the detectors.
    'discord': ('discord',),
    'telegram': (':aa',),
    'stripe': ('sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'whsec_'),
    'square': ('sq0atp-', 'sq0csp-', 'eaaa'),
    'shopify': ('shpat_', 'shpca_', 'shppa_', 'shpss_'),
    'braintree': ('access_token$production$',),
    'openai': ('t3blbkfj', 'sk-proj-', 'sk-svcacct-', 'sk-admin-'),
    'anthropic': ('sk-ant-',),
    'huggingface': ('hf_', 'api_org_'),
    # 'ls0tls1crudjt' is base64 of '-----BEGIN' (a Kubernetes Secret's data).
    'private-key': ('private key', 'putty-user-key-file', 'ls0tls1crudjt'),
    'jwt': ('eyj',),
    # A JSON Web Key's private member ("d"), its factors and exponents.
    'jwk': ('"d"', "'d'"),
    # Given by where a line sits (hooks.scan), not by its words.
    'kubernetes-secret': (),
    'kubernetes-secret-string': (),
    'url': ('://',),
    'connection-string': ('password', 'pwd', 'passwd'),
    'twilio': ('twilio',),
    'sendgrid': ('sg.',),
    'mailgun': ('key-', 'mailgun'),
    'mailchimp': ('-us',),
    'datadog': ('datadog', 'dd_api', 'dd_app', 'dd-api', 'dd-app', 'ddapi', 'ddapp'),
    'newrelic': ('nrak-', 'nrii-', 'nriq-', 'nrjs-', 'nral', 'newrelic', 'new_relic', '-nrma'),
    'heroku': ('heroku', 'hrku-'),
    'digitalocean': ('dop_v1_', 'doo_v1_', 'dor_v1_'),
    'hashicorp': ('hvs.', 'hvb.', 'hvr.', 'vault', '.atlasv1.'),
    'databricks': ('dapi', 'dose'),
    'npm': ('npm_', '_authtoken', '_auth', '_password'),
    'pypi': ('pypi-',),
    'config-file': (
        'password',
        'passwd',
        '_auth',
        '"auth"',
        'identitytoken',
        'token',
        'client-key-data',
        'machine',
        '://',
    ),
    'command-line': (
        'curl',
        'wget',
        'sshpass',
        'mysql',
        'http',
        'login',
        'redis-cli',
        'ldap',
        'mongo',
        'sqlcmd',
        'htpasswd',
        'smbclient',
    ),
    'sql': ('identified', 'password'),
    'generic': (
        'pass',
        'pwd',
        'secret',
        'token',
        'key',
        'cred',
        'auth',
        'bearer',
        'private',
        'sign',
    ),
}

# Formats with no literal prefix.  Matched against the original (not
# lowercased) text; each starts with a literal (SK, a dot) so the regex
# engine can skip ahead, because each is a pass over every added character.
STRUCTURAL: Mapping[str, str] = {
    'twilio': r'SK[0-9a-f]{32}',
    'discord': r'\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}',
}


@functools.lru_cache(maxsize=1)
def keyword_table() -> dict[str, tuple[str, ...]]:
    """Every keyword group: the built-in ones and one per catalogue provider."""
    from hooks.detectors.providers import PROVIDERS

    return {**KEYWORDS, **{p.group: p.keywords for p in PROVIDERS}}


@functools.lru_cache(maxsize=1)
def structural_table() -> tuple[tuple[str, str], ...]:
    """(group, regex) for every format without a usable literal keyword."""
    from hooks.detectors.providers import PROVIDERS

    return (
        *STRUCTURAL.items(),
        *((p.group, t.structural) for p in PROVIDERS for t in p.tokens if t.structural),
    )


# Groups whose keywords are common words ('pass', 'token', 'password'): a line
# reaches their plugins only if it also passes the group's gate, a cheap
# necessary condition of every rule in the group. Most code says `pass` or
# `token` without assigning a secret, and this keeps it from importing
# detect_secrets at all.
CONFIG_FILE_KINDS = frozenset(
    ('npmrc', 'pypirc', 'netrc', 'git-credentials', 'docker-config', 'kubeconfig')
)
_CONFIG_ANYWHERE = ('_auth', '"auth"', 'machine', 'client-key-data', '_password')
_CONNECTION_RE = re.compile(r'(?:password|passwd|pwd|pass)\s*=')


_PROSE_GATE_RE = re.compile(r'(?<![\w.-])(?:api[_-]?)?(?:key|token|secret)\s*[=:]')


def _gate_generic(text: str, lowered: str, kind: str) -> bool:
    from hooks.detectors.names import has_secret_name

    if kind in ('markdown', 'message', 'log') and _PROSE_GATE_RE.search(lowered):
        return True  # `key=…` in a log line or a note
    return has_secret_name(text)


def _gate_config_file(text: str, lowered: str, kind: str) -> bool:
    return kind in CONFIG_FILE_KINDS or any(k in lowered for k in _CONFIG_ANYWHERE)


_CLI_FLAGS = (' -u', '--user', ' -p', ' -a', '--auth', '--password', ' -w', ' -b')


def _gate_command_line(text: str, lowered: str, kind: str) -> bool:
    # curl -u / --user, sshpass -p, mysql -p<password>: a flag must be there.
    return any(flag in lowered for flag in _CLI_FLAGS)


_SQL_GATE_RE = re.compile(r"identified\s+(?:with\s+\w+\s+)?by\s|password\s*=?\s*n?['\"]")


def _gate_sql(text: str, lowered: str, kind: str) -> bool:
    return _SQL_GATE_RE.search(lowered) is not None


def _gate_url(text: str, lowered: str, kind: str) -> bool:
    # user:password@host: an '@' somewhere after the scheme.
    scheme = lowered.find('://')
    return scheme != -1 and '@' in lowered[scheme:]


def _gate_connection_string(text: str, lowered: str, kind: str) -> bool:
    return _CONNECTION_RE.search(lowered) is not None


GATES: Mapping[str, Callable[[str, str, str], bool]] = {
    'generic': _gate_generic,
    'config-file': _gate_config_file,
    'connection-string': _gate_connection_string,
    'url': _gate_url,
    'command-line': _gate_command_line,
    'sql': _gate_sql,
}


def gated(groups: set[str], text: str, lowered: str, kind: str) -> set[str]:
    """`groups` less those whose gate the line does not pass."""
    return {g for g in groups if g not in GATES or GATES[g](text, lowered, kind)}


class _Node(dict[str, '_Node']):
    """A trie node: character -> child; '' marks the end of a keyword."""


def _trie_regex(words: Iterable[str], *, longest: bool = False) -> str:
    """An alternation shaped as a trie, so the regex engine gives up on a
    position after a character or two instead of trying every keyword.

    longest=False: a keyword that extends a shorter one is dropped (enough
    for a yes/no prefilter); longest=True: the longest keyword at a position
    matches.
    """
    trie = _Node()
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, _Node())
        node[''] = _Node()

    def render(node: _Node) -> str:
        optional = '' in node
        if optional and (len(node) == 1 or not longest):
            return ''
        alternatives = []
        for ch in sorted(k for k in node if k):
            alternatives.append(re.escape(ch) + render(node[ch]))
        if optional:
            alternatives.append('')
        if len(alternatives) == 1:
            return alternatives[0]
        return '(?:' + '|'.join(alternatives) + ')'

    return render(trie)


def all_keywords() -> frozenset[str]:
    return frozenset(k for group in keyword_table().values() for k in group)


def prefilter_source() -> str:
    """The prefilter regex: the shortest keyword at a position is enough to
    choose a line, and a pattern that starts with a literal alternation lets the
    regex engine skip ahead (a lookahead would make it try every position)."""
    return _trie_regex(all_keywords())


def _tables() -> dict[str, object]:
    """Everything the engine looks keywords up in, computed from the tables."""
    from hooks.detectors.providers import PROVIDERS

    table = keyword_table()
    words = sorted(all_keywords())
    # A match of "password" also stands for "pass", "pwd"... contained in it.
    groups = {
        w: tuple(sorted({g for g, kws in table.items() for k in kws if k and k in w}))
        for w in words
    }
    longer = {w: tuple(k for k in words if k != w and k.startswith(w)) for w in words}
    name_groups: dict[str, set[str]] = {}
    for provider in PROVIDERS:
        for word in provider.name_words:
            name_groups.setdefault(word, set()).add(provider.group)
    return {
        'SOURCE': prefilter_source(),
        'STRUCTURAL': tuple(structural_table()),
        'GROUPS': groups,
        'LONGER': {w: ks for w, ks in longer.items() if ks},
        'NAME_WORDS': _trie_regex(name_groups, longest=True),
        'NAME_GROUPS': {w: tuple(sorted(g)) for w, g in sorted(name_groups.items())},
        'CATALOGUE_GROUPS': tuple(p.group for p in PROVIDERS),
    }


def generated_module() -> str:
    """The text of hooks/detectors/prefilter.py."""
    import pprint

    body = ''.join(
        f'{name} = {pprint.pformat(value, width=99, sort_dicts=False)}\n'
        for name, value in _tables().items()
    )
    return (
        '"""Generated by `python -m hooks.detectors.keywords` from the keyword tables;\n'
        'a test fails when it is out of date. Do not edit."""\n'
        '# ruff: noqa: E501\n' + body
    )


@functools.lru_cache(maxsize=1)
def prefilter_regex() -> re.Pattern[str]:
    """One pass over the lowercased text finds every line worth scanning.

    The same regex finds the groups of a candidate line (groups_in). It and the
    tables below are generated ahead of time (hooks/detectors/prefilter.py): in a
    hook process, building them is a good part of what a commit would wait for.
    """
    from hooks.detectors.prefilter import SOURCE

    return re.compile(SOURCE)


@functools.lru_cache(maxsize=1)
def structural_regexes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # One regex per format (each starts with a literal, which the regex engine
    # searches for quickly); an alternation of them all is three times slower.
    from hooks.detectors.prefilter import STRUCTURAL as GENERATED

    return tuple((group, re.compile(source)) for group, source in GENERATED)


@functools.lru_cache(maxsize=1)
def _name_words() -> re.Pattern[str]:
    from hooks.detectors.prefilter import NAME_WORDS

    return re.compile(NAME_WORDS)


def groups_in(text: str, lowered: str, *, structural: bool = True) -> set[str]:
    """The keyword groups whose keywords (or, if asked, structural patterns) occur.

    A provider's name words count only on a line the prefilter chose: a secret
    stored under ALGOLIA_ADMIN_KEY is on a line that says "key" anyway.
    """
    from hooks.detectors.prefilter import GROUPS
    from hooks.detectors.prefilter import LONGER
    from hooks.detectors.prefilter import NAME_GROUPS

    found: set[str] = set()
    for word_match in _name_words().finditer(lowered):
        found.update(NAME_GROUPS[word_match.group(0)])
    for match in prefilter_regex().finditer(lowered):
        start, word = match.start(), match.group(0)
        found.update(GROUPS[word])
        for extended in LONGER.get(word, ()):
            if lowered.startswith(extended, start):
                found.update(GROUPS[extended])
    if structural:
        for group, pattern in structural_regexes():
            if group not in found and pattern.search(text):
                found.add(group)
    return found


if __name__ == '__main__':
    from pathlib import Path

    Path(__file__).with_name('prefilter.py').write_text(generated_module(), encoding='utf-8')
