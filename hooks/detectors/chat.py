"""Slack, Discord and Telegram tokens and webhooks."""

from __future__ import annotations

import base64
import binascii
import re

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.lazyre import rx


class SlackDetector(WardenPlugin):
    secret_type = 'Slack Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'slack'
    rotate = 'api.slack.com/apps > (app) > OAuth & Permissions / Incoming Webhooks'
    rules = (
        Rule(
            'slack-bot-token',
            'Slack',
            'bot token',
            rx(r'\bxoxb-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{20,34}' + _END),
        ),
        Rule(
            # Older bot tokens have two parts: the bot's id and the secret.
            'slack-bot-token',
            'Slack',
            'bot token (two-part, legacy)',
            rx(r'\bxoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}(?![A-Za-z0-9_-])'),
        ),
        Rule(
            'slack-user-token',
            'Slack',
            'user token',
            rx(r'\bxoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{28,34}' + _END),
        ),
        Rule(
            'slack-config-token',
            'Slack',
            'configuration token',
            rx(r'\bxoxe\.xox[bp]-\d-[A-Za-z0-9]{100,180}' + _END),
        ),
        Rule(
            'slack-config-refresh-token',
            'Slack',
            'configuration refresh token',
            rx(r'\bxoxe-\d-[A-Za-z0-9]{100,180}' + _END),
        ),
        Rule(
            'slack-app-token',
            'Slack',
            'app-level token',
            rx(r'\bxapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-z0-9]{32,80}' + _END),
        ),
        Rule(
            'slack-legacy-token',
            'Slack',
            'legacy/workspace token',
            rx(r'\bxox[aorsr]-(?:[0-9]{1,13}-){1,4}[A-Za-z0-9]{8,64}' + _END),
        ),
        Rule(
            'slack-webhook-url',
            'Slack',
            'incoming webhook URL',
            rx(
                r'https?://hooks\.slack\.com/(?:services|workflows|triggers)/'
                r'T[A-Za-z0-9_]{6,12}/[A-Za-z0-9_/]{8,}[A-Za-z0-9_]',
            ),
        ),
    )


def _discord_id_part(match: re.Match[str], context: Context) -> bool:
    # The first part is the bot's numeric user id, base64-encoded: a cheap
    # structural check that a random dotted string fails.
    first = match.group('id')
    try:
        decoded = base64.urlsafe_b64decode(first + '=' * (-len(first) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.isdigit() and 15 <= len(decoded) <= 20


class DiscordDetector(WardenPlugin):
    secret_type = 'Discord Bot Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'discord'
    rotate = 'discord.com/developers/applications > Bot > Reset Token (or delete the webhook)'
    rules = (
        Rule(
            'discord-bot-token',
            'Discord',
            'bot token',
            rx(
                r'(?<![A-Za-z0-9_-])(?P<id>[MNO][A-Za-z0-9_-]{23,25})'
                r'\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}' + _END,
            ),
            check=_discord_id_part,
        ),
        Rule(
            'discord-webhook-url',
            'Discord',
            'webhook URL',
            rx(
                r'https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/'
                r'\d{17,20}/[A-Za-z0-9_-]{60,70}' + _END,
            ),
        ),
    )


class TelegramDetector(WardenPlugin):
    secret_type = 'Telegram Bot Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'telegram'
    rotate = '@BotFather: /revoke'
    rules = (
        Rule(
            'telegram-bot-token',
            'Telegram',
            'bot token',
            # Bot API tokens: <bot id>:<35 chars>, the secret part starting "AA".
            rx(r'(?<![A-Za-z0-9_])[0-9]{8,10}:AA[A-Za-z0-9_-]{33}' + _END),
        ),
    )
