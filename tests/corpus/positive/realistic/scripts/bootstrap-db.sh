#!/usr/bin/env bash
set -euo pipefail

psql "host=db.internal.net user=postgres" <<'SQL'
CREATE USER grafana WITH ENCRYPTED PASSWORD 'q33otA3h8KQKrDyN';
GRANT pg_read_all_stats TO grafana;
SQL

mysql -h mysql.internal.net -u root <<EOF
ALTER USER 'app'@'%' IDENTIFIED BY 'VhCYb1t!sAReQk';
FLUSH PRIVILEGES;
EOF

curl -fsS -u admin:aH2DUMN7KbKC https://nexus.internal.net/service/rest/v1/status
sshpass -p 'dSa9RuZMHG' ssh deploy@10.0.4.12 'systemctl restart app'
