#!/bin/sh
# Creates the Temporal server's two PostgreSQL databases and brings their schemas to the version the
# server needs, with temporal-sql-tool. Every step is idempotent: the script runs before each server
# start, and on an upgrade it applies only the new schema versions.
#
# It runs as the compose schema job (temporalio/admin-tools image) and from src/production, which
# sets TEMPORAL_SQL_TOOL and SCHEMA_DIR to a server built with go install.
#
# Environment (the names follow the temporalio/server image's config template):
#   POSTGRES_SEEDS     database host (required)
#   DB_PORT            database port (default 5432)
#   POSTGRES_USER      user that may create databases (required)
#   POSTGRES_PWD       its password (required; passed to the tool as SQL_PASSWORD, never as an argument)
#   DBNAME             default store database (default temporal)
#   VISIBILITY_DBNAME  visibility database (default temporal_visibility)
#   SQL_PLUGIN         postgres12 or postgres12_pgx (default postgres12)
#   TEMPORAL_SQL_TOOL  the tool (default temporal-sql-tool)
#   SCHEMA_DIR         directory with temporal/versioned and visibility/versioned
#                      (default /etc/temporal/schema/postgresql/v12, its place in admin-tools)
set -eu

: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER to a PostgreSQL user that may create databases}"
: "${POSTGRES_PWD:?set POSTGRES_PWD to the password of POSTGRES_USER}"
port="${DB_PORT:-5432}"
plugin="${SQL_PLUGIN:-postgres12}"
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema_dir="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
SQL_PASSWORD="$POSTGRES_PWD"
export SQL_PASSWORD

for target in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  database="${target%%:*}"
  schema="${target##*:}"
  if [ ! -d "$schema_dir/$schema/versioned" ]; then
    echo "setup-postgres-schema: $schema_dir/$schema/versioned is missing; set SCHEMA_DIR to the postgresql/v12 schema directory" >&2
    exit 1
  fi
  echo "setup-postgres-schema: database $database ($schema schema) on $POSTGRES_SEEDS:$port"
  # -q is left off on purpose: a failed step must stop the script with a non-zero exit.
  "$tool" --plugin "$plugin" --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database" create-database
  "$tool" --plugin "$plugin" --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database" setup-schema -v 0.0
  "$tool" --plugin "$plugin" --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database" update-schema -d "$schema_dir/$schema/versioned"
done
echo "setup-postgres-schema: done"
