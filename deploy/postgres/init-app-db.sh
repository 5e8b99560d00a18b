#!/bin/sh
# Creates the app's own database and role beside Temporal's (first start of the volume only).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE app LOGIN PASSWORD '${APP_DB_PASSWORD:-app}';
CREATE DATABASE app OWNER app;
SQL
