#!/usr/bin/env bash
# Write nginx's site for DOMAIN from deploy/nginx/marketsync.conf.template, enable it, reload nginx.
# Usage: deploy/scripts/generate-nginx-conf.sh DOMAIN        (run once per domain; Cyrillic names welcome)
#   writes   ${NGINX_DIR:-/etc/nginx}/sites-available/<punycode domain>.conf
#   links    ${NGINX_DIR}/sites-enabled/<punycode domain>.conf to it
#   certs    ${CERT_ROOT:-/etc/letsencrypt/live}/<punycode domain>/{fullchain.pem,privkey.pem}
#   reloads  nginx (after `nginx -t`) unless NGINX_RELOAD=0
# Also: UPSTREAM (default 127.0.0.1:8080, compose's web), ACME_ROOT (default /var/www/certbot, certbot's webroot).
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 DOMAIN" >&2
  exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATE="$HERE/../nginx/marketsync.conf.template"
NGINX_DIR="${NGINX_DIR:-/etc/nginx}"
CERT_ROOT="${CERT_ROOT:-/etc/letsencrypt/live}"
UPSTREAM="${UPSTREAM:-127.0.0.1:8080}"
ACME_ROOT="${ACME_ROOT:-/var/www/certbot}"
NGINX_RELOAD="${NGINX_RELOAD:-1}"

domain="$("$HERE/idn-to-ascii.sh" "$1")"
available="$NGINX_DIR/sites-available/$domain.conf"
enabled="$NGINX_DIR/sites-enabled/$domain.conf"

mkdir -p "$NGINX_DIR/sites-available" "$NGINX_DIR/sites-enabled"
# Written beside the target then renamed: nginx never reads a half-written site.
tmp="$(mktemp "$available.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
sed -e "s|__DOMAIN__|$domain|g" \
    -e "s|__CERT_DIR__|$CERT_ROOT/$domain|g" \
    -e "s|__UPSTREAM__|$UPSTREAM|g" \
    -e "s|__ACME_ROOT__|$ACME_ROOT|g" \
    "$TEMPLATE" >"$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$available"
# Relative, as it stays right wherever NGINX_DIR is (or is later moved or mounted).
ln -sfn "../sites-available/$domain.conf" "$enabled"
echo "wrote $available (enabled as $enabled)"

if [ "$NGINX_RELOAD" != "0" ]; then
  nginx -t
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl reload nginx
  else
    nginx -s reload
  fi
  echo "nginx reloaded"
fi
