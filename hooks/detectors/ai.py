"""OpenAI, Anthropic and Hugging Face keys."""

from __future__ import annotations

import re

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import char_classes
from hooks.lazyre import rx


class OpenAIDetector(WardenPlugin):
    secret_type = 'OpenAI Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'openai'
    rotate = 'platform.openai.com/api-keys'
    rules = (
        Rule(
            # Every OpenAI key embeds T3BlbkFJ, base64 of "OpenAI".
            'openai-api-key',
            'OpenAI',
            'API key',
            rx(
                r'\bsk-(?:(?:proj|svcacct|admin)-)?'
                r'[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}' + _END,
            ),
        ),
        Rule(
            'openai-api-key',
            'OpenAI',
            'project API key',
            rx(r'\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}' + _END),
            min_entropy=4.0,
        ),
    )


class AnthropicDetector(WardenPlugin):
    secret_type = 'Anthropic API Key'  # noqa: S105 (a type name)
    keyword_group = 'anthropic'
    rotate = 'console.anthropic.com/settings/keys'
    rules = (
        Rule(
            'anthropic-api-key',
            'Anthropic',
            'API key',
            rx(r'\bsk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{80,120}' + _END),
        ),
    )


def _mixed_case(match: re.Match[str], context: Context) -> bool:
    # hf_ followed by 34 letters could be a long snake-less identifier;
    # a real token mixes upper and lower case.
    return char_classes(match.group(0)[3:]) >= 2 and not match.group(0)[3:].islower()


class HuggingFaceDetector(WardenPlugin):
    secret_type = 'Hugging Face Token'  # noqa: S105 (a type name)
    keyword_group = 'huggingface'
    rotate = 'huggingface.co/settings/tokens'
    rules = (
        Rule(
            'huggingface-token',
            'Hugging Face',
            'access token',
            rx(r'(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])'),
            check=_mixed_case,
            min_entropy=3.5,
        ),
        Rule(
            'huggingface-org-token',
            'Hugging Face',
            'organization API token',
            rx(r'(?<![A-Za-z0-9_])api_org_[A-Za-z]{34}(?![A-Za-z0-9_])'),
            min_entropy=3.5,
        ),
    )
