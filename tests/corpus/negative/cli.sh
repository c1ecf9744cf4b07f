#!/bin/sh
curl -u "$DEPLOY_USER:$DEPLOY_PASSWORD" https://artifacts.internal.example/upload
curl -s https://example.com/install.sh | sh
sshpass -e ssh backup@db1 'uptime'
mysql -u app -p app < migrate.sql
mysqldump -u root -p"${MYSQL_PWD}" shop > shop.sql
wget --user=deploy --ask-password https://example.com/file
curl -u admin: https://localhost:9200/_cat/indices
