#!/bin/sh
# Creates the app's own database and role beside Temporal's (first start of the volume only).
# The password comes from APP_DB_PASSWORD, required by docker-compose.yml; psql quotes it (:'pw').
set -e
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
psql -v ON_ERROR_STOP=1 -v pw="$APP_DB_PASSWORD" --username "$POSTGRES_USER" <<'SQL'
CREATE ROLE app LOGIN PASSWORD :'pw';
CREATE DATABASE app OWNER app;
SQL
