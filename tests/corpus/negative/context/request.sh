#!/usr/bin/env bash
# Every credential comes from the environment or a file.
curl -fsS -H "X-Api-Key: $REPORTS_API_KEY" https://reports.internal.net/v2/exports
curl -fsS -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com/user
curl -fsS -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.internal.net/service/rest/v1/status
docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
docker login -u ci --password-stdin registry.internal.net < /run/secrets/registry
redis-cli -h cache -a "$REDIS_PASSWORD" ping
mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e 'SELECT 1'
