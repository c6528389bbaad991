#!/bin/sh
# Creates Temporal's two PostgreSQL databases, or brings their schema up to the version this
# admin-tools image carries: `temporal` (workflow histories, timers, task queues) and
# `temporal_visibility` (what the Temporal UI and list queries search).
#
# Run before every start of the Temporal server, so it is safe to repeat: an existing database is
# kept, setup-schema leaves an already versioned schema alone, and update-schema applies only the
# versions the database lacks. That last step is how a Temporal upgrade (newer server and
# admin-tools tags together) reaches the schema.
#
# The connection comes from the environment temporal-sql-tool reads itself: SQL_PLUGIN, SQL_HOST,
# SQL_PORT, SQL_USER, SQL_PASSWORD (kept out of the command line and so out of `ps`); the database
# names from DBNAME and VISIBILITY_DBNAME, which the server reads too.
set -eu

: "${SQL_HOST:?SQL_HOST names the PostgreSQL host}"
: "${SQL_USER:?SQL_USER names the PostgreSQL user}"
schema_root=${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}

# database, then the directory of its versioned schema under $schema_root
set_up() {
  echo "Temporal database $1: creating if missing, then updating its schema"
  temporal-sql-tool --database "$1" create-database
  temporal-sql-tool --database "$1" setup-schema --version 0.0
  temporal-sql-tool --database "$1" update-schema --schema-dir "$schema_root/$2/versioned"
}

set_up "${DBNAME:-temporal}" temporal
set_up "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "Temporal's databases are ready"
