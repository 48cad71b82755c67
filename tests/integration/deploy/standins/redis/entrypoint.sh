#!/bin/sh
# As the official image: the server reachable from the other containers (Debian's build keeps protected mode on).
set -eu
if [ "${1:-}" = "redis-server" ]; then
  shift
  exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
