#!/bin/sh
# Waits for the Temporal frontend, creates the namespace if it is missing, and registers the
# migration search attributes. Every step is idempotent, so the compose job can run on every `up`.
# It runs in the temporalio/admin-tools image, whose `temporal` CLI it uses.
#
# Environment:
#   TEMPORAL_ADDRESS     frontend host:port (required)
#   TEMPORAL_NAMESPACE   namespace to create (default default)
#   NAMESPACE_RETENTION  how long closed workflows are kept, for example 72h (default 72h)
#   SEARCH_ATTRIBUTES    space-separated NAME=TYPE pairs, for example "WhmMigratePhase=Keyword"
#   TEMPORAL_CLI         the Temporal CLI (default temporal)
#   WAIT_ATTEMPTS        tries, 2 s apart, for the server and the namespace to answer (default 90)
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS to the Temporal frontend, for example temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${NAMESPACE_RETENTION:-72h}"
cli="${TEMPORAL_CLI:-temporal}"
attempts="${WAIT_ATTEMPTS:-90}"

# Runs "$@" until it succeeds, at most $attempts times, 2 s apart.
retry() {
  try=1
  until "$@" >/dev/null 2>&1; do
    if [ "$try" -ge "$attempts" ]; then
      echo "create-namespace: '$*' still failed after $attempts tries; check the temporal service's log" >&2
      "$@"
      exit 1
    fi
    try=$((try + 1))
    sleep 2
  done
}

echo "create-namespace: waiting for the Temporal server at $TEMPORAL_ADDRESS"
retry "$cli" operator cluster health --address "$TEMPORAL_ADDRESS"

if "$cli" operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$namespace" >/dev/null 2>&1; then
  echo "create-namespace: namespace $namespace exists"
else
  echo "create-namespace: creating namespace $namespace (retention $retention)"
  "$cli" operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$namespace" --retention "$retention"
fi

for attribute in ${SEARCH_ATTRIBUTES:-}; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  echo "create-namespace: search attribute $name ($type)"
  # A new namespace reaches every frontend within seconds; the CLI succeeds when the attribute exists with this type.
  retry "$cli" operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$namespace" --name "$name" --type "$type"
done
echo "create-namespace: done"
