#!/usr/bin/env bash
# Restore a dump made by backup.sh into an EMPTY database, then bring its schema to this release.
#   deploy/scripts/restore.sh DUMP [TARGET_DATABASE_URL]
# Without a URL the dump goes into DATABASE_URL, which must then be a freshly created, empty database.
# MARKETSYNC names the command as in backup.sh (through docker compose exec, DATABASE_URL below stays on the
# host: give the container the target with `exec -e DATABASE_URL=...` instead of the second argument).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DUMP [TARGET_DATABASE_URL]" >&2
    exit 2
fi
read -r -a command <<< "${MARKETSYNC:-marketsync}"
dump=$1
if [[ $# -eq 2 ]]; then
    "${command[@]}" backup restore "$dump" --to "$2"
    DATABASE_URL=$2 "${command[@]}" migrate
else
    "${command[@]}" backup restore "$dump"
    "${command[@]}" migrate
fi
