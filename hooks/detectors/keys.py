"""Private keys (PEM, OpenSSH, PGP, PuTTY) and JSON Web Tokens."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator

from hooks.detectors.base import Hit
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import is_jwt_well_formed
from hooks.lazyre import rx

# A key body line: base64, or a PEM header of an encrypted key.
# A key body: a base64 run long enough to be key material (a 64-character PEM
# line), not an identifier in the code that tests for the header.
_BODY_RE = re.compile(r'[A-Za-z0-9+/]{48,}|^\s*(?:Proc-Type|DEK-Info|Comment|Version):')
_PEM_RE = re.compile(
    r'-{4,5} ?BEGIN (?P<label>(?:[A-Z0-9]+ )*?)PRIVATE KEY(?P<block> BLOCK)? ?-{4,5}',
)
_PUTTY_RE = re.compile(r'PuTTY-User-Key-File-[23]: ')
_B64_PEM_RE = re.compile(r'LS0tLS1CRUdJT[A-Za-z0-9+/=]{16,}')


def _has_body(after_header: str, context: Context) -> bool:
    """A header alone is a string constant in a parser or a doc; a key has a
    body: on the same line (a JSON string with literal \\n, a one-line PEM)
    or on one of the next lines (a PEM file, a YAML block scalar)."""
    if _BODY_RE.search(after_header[:200]):
        return True
    return any(_BODY_RE.search(line[:200]) for line in context.following[:3] if line.strip())


class PrivateKeyDetector(WardenPlugin):
    secret_type = 'Private Key'  # noqa: S105 (detect-secrets' type name)
    """Private keys, reported on their header line.

    The secret reported is the "BEGIN ... PRIVATE KEY" marker, as
    detect-secrets reports it, so its baselines keep matching.
    """

    keyword_group = 'private-key'
    rotate = 'replace the key pair wherever the public key is trusted, then revoke the old one'
    rules = (
        Rule('private-key', 'Private key', 'private key', _PEM_RE, min_entropy=0.0),
        Rule('private-key', 'Private key', 'PuTTY private key', _PUTTY_RE, min_entropy=0.0),
    )

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        for match in _PEM_RE.finditer(text):
            if not _has_body(text[match.end() :], context):
                continue
            label = match.group('label').strip()
            if match.group('block'):
                kind = 'PGP private key block'
            elif label:
                kind = f'{label} private key'
            else:
                kind = 'PKCS#8 private key'
            marker = f'BEGIN {label + " " if label else ""}PRIVATE KEY{match.group("block") or ""}'
            yield self.hit(self.rules[0], marker, match.start(), kind=kind)
        for match in _PUTTY_RE.finditer(text):
            yield self.hit(self.rules[1], match.group(0).rstrip(': '), match.start())
        for match in _B64_PEM_RE.finditer(text):
            # A Kubernetes Secret (or any config) carrying the PEM base64-encoded.
            if 'client-key-data' in text[: match.start()]:
                continue  # a kubeconfig's own rule names it better
            head = match.group(0)[:96]
            try:
                decoded = base64.b64decode(head[: len(head) // 4 * 4]).decode('ascii', 'replace')
            except (binascii.Error, ValueError):
                continue
            pem = _PEM_RE.search(decoded)
            if pem is None or len(match.group(0)) < 200:
                continue  # a header alone, or too short to hold a key
            label = pem.group('label').strip()
            marker = f'BEGIN {label + " " if label else ""}PRIVATE KEY{pem.group("block") or ""}'
            yield self.hit(
                self.rules[0],
                marker,
                match.start(),
                kind=f'base64-encoded {label + " " if label else ""}private key',
            )


def jwt_claims(token: str) -> dict[str, object]:
    """The payload of a JWT, or {} if it does not decode to a JSON object."""
    parts = token.split('.')
    if len(parts) < 2:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + '=' * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


_JWT_RULE = Rule(
    # Header and payload are both JSON objects ("eyJ" is base64 of
    # '{"'); an unsigned token (alg none) carries no secret.
    'jwt',
    'JWT',
    'JSON Web Token',
    rx(r'\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])'),
    check=lambda match, context: is_jwt_well_formed(match.group(0)),
)
_K8S_RULE = Rule(
    'kubernetes-service-account-token',
    'Kubernetes',
    'service account token',
    _JWT_RULE.pattern,
    rotate='delete the token Secret (or the ServiceAccount) and '
    'let Kubernetes issue a new one; shorten token lifetimes',
)
_SUPABASE_RULE = Rule(
    'supabase-service-role-key',
    'Supabase',
    'service_role key',
    _JWT_RULE.pattern,
    rotate='Supabase dashboard > Project settings > API keys (roll the JWT secret)',
)


class JWTDetector(WardenPlugin):
    """JSON Web Tokens; a Kubernetes service-account token or a Supabase
    service_role key is named as such (by its claims)."""

    secret_type = 'JSON Web Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'jwt'
    rotate = 'revoke the session or rotate the signing key of the issuer'
    rules = (_JWT_RULE,)

    @classmethod
    def all_rules(cls) -> tuple[Rule, ...]:
        return (_JWT_RULE, _K8S_RULE, _SUPABASE_RULE)

    def find(self, text: str, context: Context) -> Iterator[Hit]:
        for hit in super().find(text, context):
            claims = jwt_claims(hit.secret)
            issuer = str(claims.get('iss', ''))
            if issuer.startswith('kubernetes/') or any(
                str(k).startswith('kubernetes.io') for k in claims
            ):
                yield self.hit(_K8S_RULE, hit.secret, hit.start)
            elif 'supabase' in issuer and claims.get('role') == 'service_role':
                yield self.hit(_SUPABASE_RULE, hit.secret, hit.start)
            else:
                yield hit


_JWK_D_RE = rx(
    r'["\'](?P<member>d|p|q|dp|dq|qi|k)["\']\s*:\s*["\'](?P<secret>[A-Za-z0-9_-]{32,})["\']',
)
_JWK_MARKERS = ('"kty"', "'kty'", '"crv"', '"n"', '"x"', "'crv'", "'n'", "'x'")


def _in_a_jwk(match: re.Match[str], context: Context) -> bool:
    # "d" is a private member only in a JSON Web Key: its "kty" (or the public
    # members beside it) sits on the same line or a few lines around it.
    if match.group('member') != 'd':
        return False  # p, q, dp... always come with "d"; report the key once
    around = (*context.preceding, context.line or match.string, *context.following)
    return any(marker in line for line in around for marker in _JWK_MARKERS)


class JWKDetector(WardenPlugin):
    """A JSON Web Key holding its private part ("d")."""

    secret_type = 'JSON Web Key'  # noqa: S105 (a type name)
    keyword_group = 'jwk'
    rotate = 'generate a new key pair, publish its public JWK, and remove the old key from the JWKS'
    rules = (
        Rule(
            'jwk-private-key',
            'Private key',
            'JSON Web Key with its private member ("d")',
            _JWK_D_RE,
            group='secret',
            check=_in_a_jwk,
            min_entropy=3.5,
        ),
    )
