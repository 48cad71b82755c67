#!/usr/bin/env bash
# Refresh the vendored front-end files (Bootstrap 5, htmx 2) from the npm registry.
# Usage: deploy/scripts/vendor-static.sh [BOOTSTRAP_SPEC] [HTMX_SPEC]   (defaults: bootstrap@5.3 htmx.org@2)
# Writes src/marketsync/web/static/vendor/{bootstrap,htmx}/ and prints the resolved versions; update
# static/vendor/README.md with them.
set -euo pipefail

BOOTSTRAP_SPEC="${1:-bootstrap@5.3}"
HTMX_SPEC="${2:-htmx.org@2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENDOR="$ROOT/src/marketsync/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "$BOOTSTRAP_SPEC" "$HTMX_SPEC" >/dev/null
mkdir bootstrap htmx
tar xzf bootstrap-*.tgz -C bootstrap
tar xzf htmx.org-*.tgz -C htmx

rm -rf "$VENDOR/bootstrap" "$VENDOR/htmx"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js" "$VENDOR/htmx"
cp bootstrap/package/dist/css/bootstrap.min.css "$VENDOR/bootstrap/css/"
cp bootstrap/package/dist/js/bootstrap.bundle.min.js "$VENDOR/bootstrap/js/"
cp bootstrap/package/LICENSE "$VENDOR/bootstrap/LICENSE"
cp htmx/package/dist/htmx.min.js "$VENDOR/htmx/"
cp htmx/package/LICENSE "$VENDOR/htmx/LICENSE"
# The source maps are not vendored: drop the references so browsers do not request them.
sed -i '/sourceMappingURL=/d' "$VENDOR/bootstrap/css/bootstrap.min.css" "$VENDOR/bootstrap/js/bootstrap.bundle.min.js"

version() { node -p "require('./$1/package/package.json').version"; }
echo "bootstrap $(version bootstrap)"
echo "htmx.org $(version htmx)"
