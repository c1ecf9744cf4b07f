#!/bin/sh
# nightly export (runbook)
curl -u deploy:cLq0tI1jkszp88 https://artifacts.internal.example/upload
sshpass -p 'r7fYkDc96kVncL' ssh backup@db1 'pg_dumpall'
mysqldump -u root -pVPFjTTZ2bdC37H shop > shop.sql
