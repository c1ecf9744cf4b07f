"""AWS, Google Cloud and Azure credentials."""

from __future__ import annotations

import re

from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.detectors.values import Context
from hooks.detectors.values import char_classes
from hooks.detectors.values import shannon_entropy
from hooks.lazyre import rx

_ASSIGN = r'["\']?\]?\s*(?::=|=>|[:=]|,)\s*[\'"]?'


def _random_40(match: re.Match[str], context: Context) -> bool:
    # AWS secret keys are 40 random base64 characters: well above 4 bits and
    # never a single case (unlike a 40-character identifier or hex digest).
    secret = match.group('secret')
    return shannon_entropy(secret) >= 4.0 and char_classes(secret) >= 3


class AWSDetector(WardenPlugin):
    secret_type = 'AWS Access Key'  # noqa: S105 (detect-secrets' type name)
    """AWS access key ids and, by their key name, secret access keys."""

    keyword_group = 'aws'
    rotate = 'IAM console > Users > Security credentials (deactivate, then delete the key)'
    rules = (
        Rule(
            'aws-access-key-id',
            'AWS',
            'access key id',
            # AKIA long-term, ASIA temporary (STS), ABIA STS service bearer,
            # ACCA context-specific; A3T is an older prefix.
            rx(r'(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])'),
        ),
        Rule(
            'aws-appsync-api-key',
            'AWS',
            'AppSync GraphQL API key',
            rx(r'\bda2-[a-z0-9]{26}\b'),
            min_entropy=3.0,
        ),
        Rule(
            'aws-bedrock-api-key',
            'AWS',
            'Bedrock API key',
            rx(
                r'\bABSK[A-Za-z0-9+/]{109,269}={0,2}'
                r'|\bbedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/%=&._-]{40,}'
            ),
        ),
        Rule(
            'aws-secret-access-key',
            'AWS',
            'secret access key',
            rx(
                r'(?i)(?:aws[\w.-]{0,20}?(?:secret|key|pwd|password|pass|token)'
                r'|secret[_.-]?access[_.-]?key)[\w.-]{0,20}'
                + _ASSIGN
                + r'(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])',
            ),
            group='secret',
            check=_random_40,
        ),
    )


class GoogleCloudDetector(WardenPlugin):
    """Google API keys, OAuth client secrets, service-account key ids."""

    secret_type = 'Google Cloud Credential'  # noqa: S105 (a type name)
    keyword_group = 'gcp'
    rotate = (
        'console.cloud.google.com > APIs & Services > Credentials '
        '(or IAM > Service accounts > Keys)'
    )
    rules = (
        Rule('gcp-api-key', 'Google', 'API key', rx(r'\bAIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])')),
        Rule(
            'gcp-oauth-client-secret',
            'Google',
            'OAuth client secret',
            rx(r'\bGOCSPX-[0-9A-Za-z_-]{28}(?![A-Za-z0-9_-])'),
        ),
        Rule(
            'gcp-service-account-key',
            'Google Cloud',
            'service account private key id',
            rx(r'"private_key_id"\s*:\s*"(?P<secret>[0-9a-f]{40})"'),
            group='secret',
        ),
    )


def _not_other_azure_product(match: re.Match[str], context: Context) -> bool:
    # Batch and Cosmos DB account keys have the same shape; their own rules name them.
    name = match.string[max(match.start() - 30, 0) : match.start('secret')].lower()
    return not any(word in name for word in ('batch', 'cosmos', 'documentdb'))


def _sas_context(match: re.Match[str], context: Context) -> bool:
    # sig= alone is common (OAuth signatures, S3 pre-signed URLs use
    # X-Amz-Signature); an Azure SAS also carries its version and expiry.
    line = context.line or match.string
    return ('sv=' in line or 'sp=' in line) and ('se=' in line or 'st=' in line)


class AzureDetector(WardenPlugin):
    secret_type = 'Azure Storage Account access key'  # noqa: S105 (detect-secrets' type name)
    """Azure storage keys, connection strings, SAS tokens, AD client secrets."""

    keyword_group = 'azure'
    rotate = (
        'Azure portal > (resource) > Access keys / '
        'Entra ID > App registrations > Certificates & secrets'
    )
    rules = (
        Rule(
            'azure-storage-account-key',
            'Azure',
            'storage account key (connection string)',
            # The whole AccountKey=... is the secret, as detect-secrets reports it.
            rx(r'AccountKey=[a-zA-Z0-9+/]{86}=='),
        ),
        Rule(
            'azure-storage-account-key',
            'Azure',
            'storage account key',
            rx(
                r'(?i)(?:storage|account|azure)[\w.-]{0,30}key[\w.-]{0,10}'
                + _ASSIGN
                + r'(?P<secret>[a-zA-Z0-9+/]{86}==)',
            ),
            group='secret',
            check=_not_other_azure_product,
        ),
        Rule(
            'azure-shared-access-key',
            'Azure',
            'Service Bus / Event Hubs shared access key',
            rx(r'SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,44}=)'),
            group='secret',
        ),
        Rule(
            'azure-sas-token',
            'Azure',
            'shared access signature (SAS) token',
            rx(r'[?&;]sig=(?P<secret>[A-Za-z0-9%+/=]{40,100})(?![A-Za-z0-9%+/=])'),
            group='secret',
            check=_sas_context,
        ),
        Rule(
            'azure-ad-client-secret',
            'Azure',
            'Entra ID (AD) client secret',
            rx(
                r'(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])'
            ),
        ),
    )
