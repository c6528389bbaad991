#!/bin/sh
# Makes the Temporal namespace AutoHub runs in and registers AutoHub's search attributes on it (all
# Keyword), then waits until the server accepts a query naming them, so that the API and workers
# started after this never see them refused. Safe to repeat: what exists is kept as it is.
#
# TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: where; AUTOHUB_SEARCH_ATTRIBUTES: the names, space-separated;
# TEMPORAL_RETENTION: how long closed workflows are kept, for a namespace created here.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS names the Temporal frontend (host:port)}"
: "${TEMPORAL_NAMESPACE:?TEMPORAL_NAMESPACE names the namespace}"
: "${AUTOHUB_SEARCH_ATTRIBUTES:?AUTOHUB_SEARCH_ATTRIBUTES lists the search attributes}"
attempts=${SETUP_ATTEMPTS:-90}
pause=${SETUP_PAUSE_SECONDS:-2}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Runs "$@" until it succeeds, $attempts times at most. The server's port opens before its services
# have joined their membership ring, and a new namespace or search attribute reaches every part of
# the server only after a while: each step below is retried rather than failing the deployment.
until_ok() {
  what=$1
  shift
  n=1
  until "$@" >"$out" 2>&1; do
    if [ "$n" -ge "$attempts" ]; then
      echo "gave up after $attempts attempts: $what" >&2
      cat "$out" >&2
      return 1
    fi
    n=$((n + 1))
    sleep "$pause"
  done
}

t() {
  temporal --address "$TEMPORAL_ADDRESS" "$@"
}

namespace_exists() {
  t operator namespace describe --namespace "$TEMPORAL_NAMESPACE"
}

ensure_namespace() {
  namespace_exists || t operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "${TEMPORAL_RETENTION:-72h}"
}

# Adds the attributes the namespace does not list yet (listing first: creating an existing one fails).
ensure_search_attributes() {
  listed=$(t operator search-attribute list --namespace "$TEMPORAL_NAMESPACE") || return 1
  for name in $AUTOHUB_SEARCH_ATTRIBUTES; do
    printf '%s\n' "$listed" | grep -qw -- "$name" ||
      t operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type Keyword || return 1
  done
}

# A list query naming every attribute is refused until the server knows them all.
search_attributes_usable() {
  query=""
  for name in $AUTOHUB_SEARCH_ATTRIBUTES; do
    query="${query:+$query AND }$name = 'setup-probe'"
  done
  t workflow list --namespace "$TEMPORAL_NAMESPACE" --query "$query" --limit 1
}

echo "Waiting for Temporal at $TEMPORAL_ADDRESS"
until_ok "Temporal at $TEMPORAL_ADDRESS is serving" t operator cluster health
until_ok "namespace $TEMPORAL_NAMESPACE exists" ensure_namespace
until_ok "the namespace is visible" namespace_exists
until_ok "search attributes $AUTOHUB_SEARCH_ATTRIBUTES are registered" ensure_search_attributes
until_ok "queries on $AUTOHUB_SEARCH_ATTRIBUTES are accepted" search_attributes_usable
echo "Namespace $TEMPORAL_NAMESPACE is ready with search attributes $AUTOHUB_SEARCH_ATTRIBUTES"
