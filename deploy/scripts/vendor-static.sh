#!/usr/bin/env bash
# Refresh the vendored front-end files (Bootstrap 5, htmx 2, Chart.js 4) from the npm registry.
# Usage: deploy/scripts/vendor-static.sh [BOOTSTRAP_SPEC] [HTMX_SPEC] [CHARTJS_SPEC]
#        (defaults: bootstrap@5.3 htmx.org@2 chart.js@4.5)
# Writes src/marketsync/web/static/vendor/{bootstrap,htmx,chartjs}/ and prints the resolved versions; update
# static/vendor/README.md with them.
set -euo pipefail

BOOTSTRAP_SPEC="${1:-bootstrap@5.3}"
HTMX_SPEC="${2:-htmx.org@2}"
CHARTJS_SPEC="${3:-chart.js@4.5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENDOR="$ROOT/src/marketsync/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "$BOOTSTRAP_SPEC" "$HTMX_SPEC" "$CHARTJS_SPEC" >/dev/null
mkdir bootstrap htmx chartjs
tar xzf bootstrap-*.tgz -C bootstrap
tar xzf htmx.org-*.tgz -C htmx
tar xzf chart.js-*.tgz -C chartjs

rm -rf "$VENDOR/bootstrap" "$VENDOR/htmx" "$VENDOR/chartjs"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js" "$VENDOR/htmx" "$VENDOR/chartjs"
cp bootstrap/package/dist/css/bootstrap.min.css "$VENDOR/bootstrap/css/"
cp bootstrap/package/dist/js/bootstrap.bundle.min.js "$VENDOR/bootstrap/js/"
cp bootstrap/package/LICENSE "$VENDOR/bootstrap/LICENSE"
cp htmx/package/dist/htmx.min.js "$VENDOR/htmx/"
cp htmx/package/LICENSE "$VENDOR/htmx/LICENSE"
cp chartjs/package/dist/chart.umd.min.js "$VENDOR/chartjs/"
cp chartjs/package/LICENSE.md "$VENDOR/chartjs/LICENSE.md"
# The source maps are not vendored: drop the references so browsers do not request them.
sed -i '/sourceMappingURL=/d' "$VENDOR/bootstrap/css/bootstrap.min.css" "$VENDOR/bootstrap/js/bootstrap.bundle.min.js" \
  "$VENDOR/chartjs/chart.umd.min.js"

version() { node -p "require('./$1/package/package.json').version"; }
echo "bootstrap $(version bootstrap)"
echo "htmx.org $(version htmx)"
echo "chart.js $(version chartjs)"
