#!/usr/bin/env bash
# First certificates from Let's Encrypt for one or more domains (Cyrillic ones too), served by the host's nginx.
# Usage: LETSENCRYPT_EMAIL=ops@example.ru deploy/scripts/init-letsencrypt.sh DOMAIN [DOMAIN...]
# For each domain (as punycode, the only form certbot and nginx take):
#   1. a one-day self-signed certificate where none exists yet, so nginx can load the HTTPS site at all;
#   2. the site from generate-nginx-conf.sh, then a reload, so the ACME challenge is served over HTTP;
#   3. the placeholder removed and `certbot certonly --webroot` run; 4. nginx reloaded on the real certificate.
# Then the renewal cron line is installed (CRON_FILE, default /etc/cron.d/marketsync-certbot).
# Env: LETSENCRYPT_EMAIL (required), STAGING=1 (Let's Encrypt's staging CA, for trials), CERT_ROOT, NGINX_DIR,
#      ACME_ROOT, UPSTREAM (as generate-nginx-conf.sh), CRON_FILE.
set -euo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: LETSENCRYPT_EMAIL=you@example.ru $0 DOMAIN [DOMAIN...]" >&2
  exit 2
fi
: "${LETSENCRYPT_EMAIL:?set LETSENCRYPT_EMAIL: the CA mails there before a certificate expires}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CERT_ROOT="${CERT_ROOT:-/etc/letsencrypt/live}"
ACME_ROOT="${ACME_ROOT:-/var/www/certbot}"
CRON_FILE="${CRON_FILE:-/etc/cron.d/marketsync-certbot}"
export CERT_ROOT ACME_ROOT

for tool in certbot nginx openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed (apt-get install certbot nginx openssl)" >&2; exit 1; }
done
staging=()
if [ "${STAGING:-0}" = "1" ]; then staging=(--staging); fi

mkdir -p "$ACME_ROOT"
for name in "$@"; do
  domain="$("$HERE/idn-to-ascii.sh" "$name")"
  live="$CERT_ROOT/$domain"
  echo "== $name ($domain)"
  placeholder=0
  if [ ! -s "$live/fullchain.pem" ]; then
    mkdir -p "$live"
    openssl req -x509 -nodes -newkey rsa:2048 -days 1 -subj "/CN=$domain" \
      -keyout "$live/privkey.pem" -out "$live/fullchain.pem" 2>/dev/null
    placeholder=1
  fi
  "$HERE/generate-nginx-conf.sh" "$name"
  if [ "$placeholder" = "1" ]; then
    # certbot will not write into a live/ folder it did not create.
    rm -rf "$live"
  fi
  certbot certonly --webroot -w "$ACME_ROOT" -d "$domain" --email "$LETSENCRYPT_EMAIL" --agree-tos \
    --non-interactive --keep-until-expiring "${staging[@]}"
  nginx -t
  nginx -s reload
  echo "$domain: certificate in $live; BASE_URL=https://$domain"
done

# Twice a day, as certbot advises; a renewed certificate reloads nginx (the deploy hook runs only then).
cron_line="17 3,15 * * * root certbot renew --quiet --deploy-hook 'nginx -t && nginx -s reload'"
printf '# MarketSync: renew the Let'"'"'s Encrypt certificates (deploy/scripts/init-letsencrypt.sh)\n%s\n' \
  "$cron_line" >"$CRON_FILE"
echo "renewal: $CRON_FILE"
