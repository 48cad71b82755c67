#!/usr/bin/env bash
# Print a domain in its ASCII (punycode) form: мои-товары.рф -> xn----8sbfwtmcso8g.xn--p1ai; ASCII names pass
# through lower-cased. nginx's server_name, certbot's -d and BASE_URL all need this form.
# Usage: deploy/scripts/idn-to-ascii.sh DOMAIN
# Uses Debian's idn2 (apt-get install idn2) or else python3 with the `idna` package (IDNA 2008 + UTS #46 both).
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DOMAIN" >&2
  exit 2
fi
domain="${1%.}"  # a trailing root dot is not part of a certificate's or server_name's name

if command -v idn2 >/dev/null 2>&1; then
  ascii="$(idn2 --quiet -- "$domain" 2>/dev/null)" || { echo "not a valid domain name: $1" >&2; exit 1; }
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import idna' >/dev/null 2>&1; then
  ascii="$(python3 -c 'import sys, idna; print(idna.encode(sys.argv[1], uts46=True).decode())' "$domain" 2>/dev/null)" \
    || { echo "not a valid domain name: $1" >&2; exit 1; }
else
  echo "need idn2 (apt-get install idn2) or python3 with the idna package to convert $1" >&2
  exit 1
fi
# A name nginx and certbot can take: letters, digits, hyphens and dots only.
if ! printf '%s' "$ascii" | grep -Eq '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'; then
  echo "not a valid domain name: $1" >&2
  exit 1
fi
printf '%s\n' "$ascii"
