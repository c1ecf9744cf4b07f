"""Stripe, Square, Shopify and Braintree keys."""

from __future__ import annotations

import re

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.lazyre import rx


def _not_paystack(match: re.Match[str], context: Context) -> bool:
    # Paystack's secret keys share the prefix; theirs are 40 lowercase hex.
    return re.fullmatch(r'sk_(?:live|test)_[a-f0-9]{40}', match.group(0)) is None


class StripeDetector(WardenPlugin):
    secret_type = 'Stripe Access Key'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'stripe'
    rotate = 'dashboard.stripe.com/apikeys (roll the key)'
    rules = (
        Rule(
            'stripe-secret-key',
            'Stripe',
            'live secret key',
            rx(r'\bsk_live_[0-9a-zA-Z]{24,247}' + _END),
            check=_not_paystack,
        ),
        Rule(
            'stripe-secret-key',
            'Stripe',
            'test secret key',
            rx(r'\bsk_test_[0-9a-zA-Z]{24,247}' + _END),
            check=_not_paystack,
        ),
        Rule(
            'stripe-restricted-key',
            'Stripe',
            'restricted key',
            rx(r'\brk_(?:live|test|prod)_[0-9a-zA-Z]{24,247}' + _END),
        ),
        Rule(
            'stripe-webhook-secret',
            'Stripe',
            'webhook signing secret',
            rx(r'\bwhsec_[0-9a-zA-Z]{32,64}' + _END),
        ),
    )


class SquareDetector(WardenPlugin):
    secret_type = 'Square OAuth Secret'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'square'
    rotate = 'developer.squareup.com/apps > Credentials'
    rules = (
        Rule(
            'square-access-token',
            'Square',
            'access token',
            rx(r'\bsq0atp-[0-9A-Za-z_-]{22}' + _END),
        ),
        Rule(
            'square-access-token',
            'Square',
            'access token',
            rx(r'\bEAAA[0-9A-Za-z_-]{60}' + _END),
        ),
        Rule(
            'square-oauth-secret',
            'Square',
            'OAuth application secret',
            rx(r'\bsq0csp-[0-9A-Za-z_-]{43}' + _END),
        ),
    )


class ShopifyDetector(WardenPlugin):
    secret_type = 'Shopify Token'  # noqa: S105 (a type name)
    keyword_group = 'shopify'
    rotate = 'Shopify admin > Apps > Develop apps > (app) > API credentials'
    rules = (
        Rule(
            'shopify-access-token',
            'Shopify',
            'Admin API access token',
            rx(r'\bshpat_[a-zA-Z0-9]{32,64}\b'),
        ),
        Rule(
            'shopify-custom-app-token',
            'Shopify',
            'custom app access token',
            rx(r'\bshpca_[a-zA-Z0-9]{32,64}\b'),
        ),
        Rule(
            'shopify-private-app-token',
            'Shopify',
            'private app access token',
            rx(r'\bshppa_[a-zA-Z0-9]{32,64}\b'),
        ),
        Rule(
            'shopify-shared-secret',
            'Shopify',
            'app shared secret',
            rx(r'\bshpss_[a-zA-Z0-9]{32,64}\b'),
        ),
    )


class BraintreeDetector(WardenPlugin):
    secret_type = 'Braintree Access Token'  # noqa: S105 (a type name)
    keyword_group = 'braintree'
    rotate = 'Braintree Control Panel > Settings > API'
    rules = (
        Rule(
            'braintree-access-token',
            'PayPal Braintree',
            'production access token',
            rx(r'access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}'),
        ),
    )
