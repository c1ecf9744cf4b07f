"""Twilio, SendGrid, Mailgun, Mailchimp, Datadog and New Relic keys."""

from __future__ import annotations

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.lazyre import rx


def _named(prefix: str, infix: str = '') -> str:
    """A key name (prefix, then infix somewhere after it), an assignment and
    an optional quote: what stands before a value known only by its name."""
    name = rf'(?i:{prefix})[\w.-]{{0,20}}' + (rf'(?i:{infix})[\w.-]{{0,10}}' if infix else '')
    return name + r'["\']?\]?\s*(?::=|=>|[:=])\s*[\'"]?'


class TwilioDetector(WardenPlugin):
    secret_type = 'Twilio API Key'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'twilio'
    rotate = 'console.twilio.com > Account > API keys & tokens'
    rules = (
        Rule('twilio-api-key', 'Twilio', 'API key SID', rx(r'\bSK[0-9a-f]{32}\b'), min_entropy=3.0),
        Rule(
            # An Account SID (AC...) is an identifier; what it needs to be
            # used is the auth token, known by the name it is stored under.
            'twilio-auth-token',
            'Twilio',
            'auth token',
            rx(_named('twilio', 'auth|token|secret') + r'(?P<secret>[0-9a-f]{32})\b'),
            group='secret',
            min_entropy=3.0,
        ),
    )


class SendGridDetector(WardenPlugin):
    secret_type = 'SendGrid API Key'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'sendgrid'
    rotate = 'app.sendgrid.com/settings/api_keys'
    rules = (
        Rule(
            'sendgrid-api-key',
            'SendGrid',
            'API key',
            rx(r'\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}' + _END),
        ),
    )


class MailgunDetector(WardenPlugin):
    secret_type = 'Mailgun API Key'  # noqa: S105 (a type name)
    keyword_group = 'mailgun'
    rotate = 'app.mailgun.com > Settings > API Keys'
    rules = (
        # "pubkey-..." is the public validation key: the lookbehind skips it.
        Rule(
            'mailgun-api-key',
            'Mailgun',
            'private API key',
            rx(
                r'(?<![A-Za-z0-9_-])key-[0-9a-f]{32}\b',
            ),
            min_entropy=3.0,
        ),
        Rule(
            'mailgun-api-key',
            'Mailgun',
            'API key',
            rx(_named('mailgun') + r'(?P<secret>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b'),
            group='secret',
        ),
    )


class MailchimpDetector(WardenPlugin):
    secret_type = 'Mailchimp Access Key'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'mailchimp'
    rotate = 'Mailchimp > Profile > Extras > API keys'
    rules = (
        Rule(
            'mailchimp-api-key',
            'Mailchimp',
            'API key',
            rx(r'\b[0-9a-f]{32}-us[0-9]{1,2}\b'),
            min_entropy=3.0,
        ),
    )


class DatadogDetector(WardenPlugin):
    secret_type = 'Datadog Key'  # noqa: S105 (a type name)
    keyword_group = 'datadog'
    rotate = 'app.datadoghq.com/organization-settings/api-keys'
    rules = (
        Rule(
            'datadog-api-key',
            'Datadog',
            'API key',
            rx(_named(r'(?:datadog|dd)[_.-]?api[_.-]?key') + r'(?P<secret>[0-9a-f]{32})\b'),
            group='secret',
            min_entropy=3.0,
        ),
        Rule(
            'datadog-app-key',
            'Datadog',
            'application key',
            rx(
                _named(r'(?:datadog|dd)[_.-]?(?:app|application)[_.-]?key')
                + r'(?P<secret>[0-9a-f]{40})\b',
            ),
            group='secret',
            min_entropy=3.0,
        ),
        Rule(
            'datadog-api-key',
            'Datadog',
            'API key',
            rx(_named('datadog', 'key') + r'(?P<secret>[0-9a-f]{32})\b'),
            group='secret',
            min_entropy=3.0,
        ),
    )


class NewRelicDetector(WardenPlugin):
    secret_type = 'New Relic Key'  # noqa: S105 (a type name)
    keyword_group = 'newrelic'
    rotate = 'one.newrelic.com > API keys'
    rules = (
        Rule('newrelic-user-api-key', 'New Relic', 'user API key', rx(r'\bNRAK-[A-Z0-9]{27}\b')),
        Rule(
            'newrelic-insert-key',
            'New Relic',
            'Insights insert key',
            rx(r'\bNRII-[A-Za-z0-9_-]{32}' + _END),
        ),
        Rule(
            'newrelic-query-key',
            'New Relic',
            'Insights query key',
            rx(r'\bNRIQ-[A-Za-z0-9_-]{32}' + _END),
        ),
        Rule('newrelic-browser-key', 'New Relic', 'browser API key', rx(r'\bNRJS-[a-f0-9]{19}\b')),
        Rule(
            'newrelic-mobile-token',
            'New Relic',
            'mobile app token',
            rx(r'\bAA[a-f0-9]{40}-NRMA\b'),
            min_entropy=3.0,
        ),
        Rule(
            'newrelic-license-key',
            'New Relic',
            'ingest license key',
            rx(r'\b[a-f0-9]{36}NRAL\b'),
            min_entropy=3.0,
        ),
        Rule(
            'newrelic-license-key',
            'New Relic',
            'license key',
            rx(_named(r'new[_.-]?relic', 'key') + r'(?P<secret>[a-f0-9]{40})\b'),
            group='secret',
            min_entropy=3.0,
        ),
    )
