"""Heroku, DigitalOcean, HashiCorp Vault / Terraform Cloud and Databricks tokens."""

from __future__ import annotations

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.lazyre import rx

_ASSIGN = r'["\']?\]?\s*(?::=|=>|[:=])\s*[\'"]?'


class HerokuDetector(WardenPlugin):
    secret_type = 'Heroku API Key'  # noqa: S105 (a type name)
    keyword_group = 'heroku'
    rotate = 'dashboard.heroku.com/account/applications (or `heroku authorizations:revoke`)'
    rules = (
        Rule(
            'heroku-api-key',
            'Heroku',
            'platform API key',
            rx(r'\bHRKU-[A-Za-z0-9_-]{60}' + _END),
        ),
        Rule(
            # Legacy keys are bare UUIDs: only the name they are stored under
            # tells them from any other UUID.
            'heroku-api-key',
            'Heroku',
            'API key (legacy)',
            rx(
                r'(?i)heroku[\w.-]{0,20}(?:key|token|secret|pass|auth)[\w.-]{0,10}'
                + _ASSIGN
                + r'(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b',
            ),
            group='secret',
        ),
    )


class DigitalOceanDetector(WardenPlugin):
    secret_type = 'DigitalOcean Token'  # noqa: S105 (a type name)
    keyword_group = 'digitalocean'
    rotate = 'cloud.digitalocean.com/account/api/tokens'
    rules = (
        Rule(
            'digitalocean-pat',
            'DigitalOcean',
            'personal access token',
            rx(r'\bdop_v1_[a-f0-9]{64}\b'),
        ),
        Rule(
            'digitalocean-oauth-token',
            'DigitalOcean',
            'OAuth access token',
            rx(r'\bdoo_v1_[a-f0-9]{64}\b'),
        ),
        Rule(
            'digitalocean-refresh-token',
            'DigitalOcean',
            'OAuth refresh token',
            rx(r'\bdor_v1_[a-f0-9]{64}\b'),
        ),
    )


class HashiCorpDetector(WardenPlugin):
    secret_type = 'HashiCorp Token'  # noqa: S105 (a type name)
    keyword_group = 'hashicorp'
    rotate = '`vault token revoke` / app.terraform.io/app/settings/tokens'
    rules = (
        Rule(
            'vault-service-token',
            'HashiCorp Vault',
            'service token',
            rx(r'\bhvs\.[A-Za-z0-9_-]{90,120}' + _END),
        ),
        Rule(
            'vault-batch-token',
            'HashiCorp Vault',
            'batch token',
            rx(r'\bhvb\.[A-Za-z0-9_-]{138,300}' + _END),
        ),
        Rule(
            'vault-recovery-token',
            'HashiCorp Vault',
            'recovery token',
            rx(r'\bhvr\.[A-Za-z0-9_-]{90,120}' + _END),
        ),
        Rule(
            # Before Vault 1.10 tokens were "s." + 24 characters: too short a
            # prefix to trust without the name it is stored under.
            'vault-service-token',
            'HashiCorp Vault',
            'service token (legacy)',
            rx(
                r'(?i)vault[\w.-]{0,20}'
                + _ASSIGN
                + r'(?P<secret>s\.[A-Za-z0-9]{24})(?![A-Za-z0-9])',
            ),
            group='secret',
            min_entropy=3.5,
        ),
        Rule(
            'terraform-cloud-token',
            'HashiCorp Terraform Cloud',
            'API token',
            rx(r'\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}' + _END),
        ),
    )


class DatabricksDetector(WardenPlugin):
    secret_type = 'Databricks Token'  # noqa: S105 (a type name)
    keyword_group = 'databricks'
    rotate = 'workspace > User settings > Developer > Access tokens'
    rules = (
        Rule(
            'databricks-token',
            'Databricks',
            'personal access token',
            rx(r'\bdapi[a-fA-F0-9]{32}(?:-\d)?\b'),
            min_entropy=3.0,
        ),
        Rule(
            'databricks-oauth-secret',
            'Databricks',
            'service principal OAuth secret',
            rx(r'\bdose[a-f0-9]{32}(?:-\d)?\b'),
            min_entropy=3.0,
        ),
    )
