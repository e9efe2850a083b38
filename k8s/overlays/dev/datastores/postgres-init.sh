#!/bin/sh
# Runs once, when the data volume is new: the services' own role, with its password.
# Migration 0008 finds the role made and leaves it be.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=password="$SERVICE_PASSWORD" <<'SQL'
CREATE ROLE crm_service LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL
