"""GitHub, GitLab and Atlassian tokens."""

from __future__ import annotations

from hooks.detectors.base import VALUE_END as _END
from hooks.detectors.base import Rule
from hooks.detectors.base import WardenPlugin
from hooks.lazyre import rx


class GitHubDetector(WardenPlugin):
    secret_type = 'GitHub Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'github'
    rotate = "github.com/settings/tokens (or the app's settings)"
    rules = (
        Rule(
            'github-token',
            'GitHub',
            'personal access token (classic)',
            rx(r'\bghp_[A-Za-z0-9]{36,251}\b'),
        ),
        Rule('github-token', 'GitHub', 'OAuth access token', rx(r'\bgho_[A-Za-z0-9]{36,251}\b')),
        Rule(
            'github-token',
            'GitHub',
            'GitHub App user-to-server token',
            rx(r'\bghu_[A-Za-z0-9]{36,251}\b'),
        ),
        Rule(
            'github-token',
            'GitHub',
            'GitHub App installation (server-to-server) token',
            rx(r'\bghs_[A-Za-z0-9]{36,251}\b'),
        ),
        Rule('github-token', 'GitHub', 'refresh token', rx(r'\bghr_[A-Za-z0-9]{36,251}\b')),
        Rule(
            # Installation tokens issued as ghs_<app installation id>_<JWT>.
            'github-token',
            'GitHub',
            'GitHub App installation (server-to-server) token',
            rx(r'\bghs_\d{1,12}_eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}'),
        ),
        Rule(
            'github-fine-grained-pat',
            'GitHub',
            'fine-grained personal access token',
            rx(r'\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b'),
        ),
    )


def _gitlab(rule_id: str, kind: str, pattern: str) -> Rule:
    return Rule(rule_id, 'GitLab', kind, rx(pattern + _END))


class GitLabDetector(WardenPlugin):
    secret_type = 'GitLab Token'  # noqa: S105 (detect-secrets' type name)
    keyword_group = 'gitlab'
    rotate = 'GitLab > User settings > Access tokens (or the project/group/runner settings)'
    rules = (
        # Routable tokens (GitLab 17.x+) append .01.<base36>; older ones are 20 chars.
        _gitlab(
            'gitlab-pat',
            'personal access token',
            r'\bglpat-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?',
        ),
        _gitlab('gitlab-deploy-token', 'deploy token', r'\bgldt-[A-Za-z0-9_-]{20,}'),
        _gitlab(
            'gitlab-runner-token',
            'runner authentication token',
            r'\bglrt-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?',
        ),
        _gitlab(
            'gitlab-runner-registration-token',
            'runner registration token',
            r'\bGR1348941[A-Za-z0-9_-]{20,50}',
        ),
        _gitlab(
            'gitlab-pipeline-trigger-token',
            'pipeline trigger token',
            r'\bglptt-[A-Za-z0-9_-]{40}',
        ),
        _gitlab(
            'gitlab-ci-job-token',
            'CI/CD job token',
            r'\bglcbt-(?:[0-9a-fA-F]{1,5}_)?[A-Za-z0-9_-]{20,50}',
        ),
        _gitlab('gitlab-feed-token', 'feed token', r'\bglft-[A-Za-z0-9_-]{20,}'),
        _gitlab('gitlab-incoming-mail-token', 'incoming mail token', r'\bglimt-[A-Za-z0-9_-]{25}'),
        _gitlab(
            'gitlab-agent-token',
            'Kubernetes agent token',
            r'\bglagent-[A-Za-z0-9_-]{50,1024}',
        ),
        _gitlab('gitlab-scim-token', 'SCIM/OAuth token', r'\bglsoat-[A-Za-z0-9_-]{20,}'),
        _gitlab(
            'gitlab-oauth-app-secret',
            'OAuth application secret',
            r'\bgloas-[A-Za-z0-9_-]{64}',
        ),
        _gitlab(
            'gitlab-feature-flag-token',
            'feature flags client token',
            r'\bglffct-[A-Za-z0-9_-]{20,}',
        ),
    )


class AtlassianDetector(WardenPlugin):
    secret_type = 'Atlassian API Token'  # noqa: S105 (a type name)
    keyword_group = 'atlassian'
    rotate = 'id.atlassian.com/manage-profile/security/api-tokens'
    rules = (
        Rule(
            'atlassian-api-token',
            'Atlassian',
            'API token',
            rx(r'\bATATT3[A-Za-z0-9_=-]{186}' + _END),
        ),
        Rule(
            # Tokens issued before 2023 have no prefix: 24 characters, known
            # only by the name they are stored under.
            'atlassian-api-token',
            'Atlassian',
            'API token (legacy)',
            rx(
                r'(?i)(?:atlassian|jira|confluence)[\w.-]{0,20}(?:token|key|secret|pass)'
                r'[\w.-]{0,10}["\']?\s*(?::=|=>|[:=])\s*[\'"]?(?P<secret>[A-Za-z0-9]{24})'
                r'(?![A-Za-z0-9])',
            ),
            group='secret',
            min_entropy=3.5,
        ),
    )
