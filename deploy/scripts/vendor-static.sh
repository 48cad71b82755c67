#!/usr/bin/env bash
# Refresh the vendored front-end files (Bootstrap 5, htmx 2, Chart.js 4, and Swagger UI / ReDoc for /docs and
# /redoc) from the npm registry.
# Usage: deploy/scripts/vendor-static.sh [BOOTSTRAP_SPEC] [HTMX_SPEC] [CHARTJS_SPEC]
#        (defaults: bootstrap@5.3 htmx.org@2 chart.js@4.5)
# The API docs' packages are pinned here and changed on purpose only (env SWAGGER_UI_SPEC, REDOC_SPEC).
# Writes src/marketsync/web/static/vendor/{bootstrap,htmx,chartjs,swagger-ui,redoc}/ and prints the resolved
# versions; update static/vendor/README.md with them.
set -euo pipefail

BOOTSTRAP_SPEC="${1:-bootstrap@5.3}"
HTMX_SPEC="${2:-htmx.org@2}"
CHARTJS_SPEC="${3:-chart.js@4.5}"
SWAGGER_UI_SPEC="${SWAGGER_UI_SPEC:-swagger-ui-dist@5.36.0}"
REDOC_SPEC="${REDOC_SPEC:-redoc@2.5.4}"
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

# /docs and /redoc (marketsync.web.api_docs): Swagger UI's bundle, style and icon, ReDoc's standalone bundle.
npm pack --silent "$SWAGGER_UI_SPEC" "$REDOC_SPEC" >/dev/null
mkdir swagger-ui redoc
tar xzf swagger-ui-dist-*.tgz -C swagger-ui
tar xzf redoc-*.tgz -C redoc
rm -rf "$VENDOR/swagger-ui" "$VENDOR/redoc"
mkdir -p "$VENDOR/swagger-ui" "$VENDOR/redoc"
cp swagger-ui/package/{swagger-ui-bundle.js,swagger-ui.css,favicon-32x32.png,LICENSE,NOTICE} "$VENDOR/swagger-ui/"
cp swagger-ui/package/swagger-ui-bundle.js.LICENSE.txt "$VENDOR/swagger-ui/"
cp redoc/package/bundles/redoc.standalone.js redoc/package/LICENSE "$VENDOR/redoc/"
# Only whole-line map comments go: ReDoc's bundle mentions sourceMappingURL inside its code too.
sed -i -E '/^(\/\/|\/\*)# sourceMappingURL=/d' \
  "$VENDOR/swagger-ui/swagger-ui-bundle.js" "$VENDOR/swagger-ui/swagger-ui.css" "$VENDOR/redoc/redoc.standalone.js"

version() { node -p "require('./$1/package/package.json').version"; }
echo "bootstrap $(version bootstrap)"
echo "htmx.org $(version htmx)"
echo "chart.js $(version chartjs)"
echo "swagger-ui-dist $(version swagger-ui)"
echo "redoc $(version redoc)"
