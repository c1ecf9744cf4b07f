#!/bin/sh
export DB_PASSWORD="$(vault read -field=password secret/db)"
TOKEN=$(cat /run/secrets/token)
read -s -p "Password: " PASSWORD
docker login -u "$USER" --password-stdin < token.txt
curl -u "$USER:$PASS" https://x
export GITHUB_TOKEN="${GITHUB_TOKEN:?missing}"
aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"
