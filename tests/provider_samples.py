"""Fake values in a provider's documented format, for tests and the corpus.

A sample template (hooks.detectors.providers) is filled with random characters
from a seeded generator, so a value is the same on every run and never real.
"""

from __future__ import annotations

import random
import re
import string
import uuid

ALPHABETS = {
    'a': string.ascii_letters + string.digits,
    'h': '0123456789abcdef',
    'H': '0123456789ABCDEF',
    'u': string.ascii_uppercase + string.digits,
    'l': string.ascii_lowercase + string.digits,
    'd': string.digits,
    'w': string.ascii_letters + string.digits + '_-',
    'b': string.ascii_letters + string.digits + '+/',
    's': string.ascii_lowercase + '234567',
    'age': 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
}
_FIELD = re.compile(r'\{(?:(?P<cls>[a-zA-Z]+):(?P<n>\d+)|(?P<uuid>uuid))\}')


def fill(template: str, seed: str) -> str:
    rng = random.Random(seed)

    def one(match: re.Match[str]) -> str:
        if match.group('uuid'):
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        alphabet = ALPHABETS[match.group('cls')]
        # Every class present, so a value never looks like a word or a run.
        return ''.join(rng.choice(alphabet) for _ in range(int(match.group('n'))))

    return _FIELD.sub(one, template)
