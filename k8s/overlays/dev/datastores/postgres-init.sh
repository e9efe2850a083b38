#!/bin/sh
# Runs once, when the data volume is new: each service's two roles (migration 0013), with the
# passwords of the crm-postgres Secret (CRM_<ROLE>_PASSWORD). The migration finds them made,
# leaves them be and grants them their schema.
set -eu
for service in tenant conversation knowledge booking order billing analytics orchestrator messaging; do
    for role in "crm_${service}" "crm_${service}_platform"; do
        variable="$(echo "${role}_PASSWORD" | tr '[:lower:]' '[:upper:]')"
        password="$(printenv "$variable")"
        psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
            --set=role="$role" --set=password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'password';
SQL
    done
done
