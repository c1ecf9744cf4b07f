"""Secrets the tests plant, one of each kind the credential engine knows, made up
at import time (no real credential is ever committed here). conftest.py checks
after every test that none of them left the process in full: not in what a hook
or command printed, nor in a report, an audit line or a cache file."""

from __future__ import annotations

import random
import string

_rng = random.Random(20261128)
_ALNUM = string.ascii_letters + string.digits


def _pick(alphabet: str, n: int) -> str:
    while True:
        value = ''.join(_rng.choice(alphabet) for _ in range(n))
        # Real-looking: every class present (the generic rules want it so).
        if (
            any(c.isdigit() for c in value)
            and any(c.islower() for c in value)
            and (not any(c.isupper() for c in alphabet) or any(c.isupper() for c in value))
        ):
            return value


GITHUB = 'ghp_' + _pick(_ALNUM, 36)
AWS_ID = 'AKIA' + ''.join(_rng.choice(string.ascii_uppercase + '234567') for _ in range(16))
_SLACK_IDS = f'{_rng.randrange(10**11, 10**12)}-{_rng.randrange(10**11, 10**12)}'
SLACK = f'xoxb-{_SLACK_IDS}-{_pick(_ALNUM, 24)}'
STRIPE = 'sk_live_' + _pick(_ALNUM, 24)
GITLAB = 'glpat-' + _pick(_ALNUM, 20)
# Generic: found by their name (password=, -p, user:password@), not by a prefix.
PASSWORD = _pick(_ALNUM, 7) + '#' + _pick(_ALNUM, 7)
# Short: a mixed word under 16 characters is no token to the old word heuristic.
MYSQL = _pick(_ALNUM, 11)
URL_PASSWORD = _pick(_ALNUM, 18)
# A bare token with no name or prefix: no credential to the engine; quoted text
# (commit subjects, tickets, policy errors) masks it too.
BARE = _pick(_ALNUM + '/+', 40)

PLANTED: dict[str, str] = {
    'github': GITHUB,
    'aws-id': AWS_ID,
    'slack': SLACK,
    'stripe': STRIPE,
    'gitlab': GITLAB,
    'password': PASSWORD,
    'mysql': MYSQL,
    'url-password': URL_PASSWORD,
    'bare': BARE,
}

# How each is written where text can carry it (a commit subject, a file's line).
IN_TEXT: dict[str, str] = {
    'github': f'token {GITHUB}',
    'aws-id': f'key id {AWS_ID}',
    'slack': f'slack {SLACK}',
    'stripe': f'stripe {STRIPE}',
    'gitlab': f'gitlab {GITLAB}',
    'password': f'set password="{PASSWORD}"',
    'mysql': f'mysql -uroot -p{MYSQL} prod',
    'url-password': f'clone https://deploy:{URL_PASSWORD}@git.acme-corp.io/app.git',
}
# The kinds a single word can carry (a branch name, a key, a ticket, a file name).
TOKENS = ('github', 'aws-id', 'slack', 'stripe', 'gitlab')


def leaked(text: str | bytes) -> list[str]:
    """The planted secrets `text` holds in full."""
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    return [name for name, secret in PLANTED.items() if secret in text]
