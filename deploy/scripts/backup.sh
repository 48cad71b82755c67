#!/usr/bin/env bash
# Dump the MarketSync database into BACKUP_DIR and keep the newest BACKUP_KEEP dumps (`marketsync backup create`).
# MARKETSYNC names the command, e.g. MARKETSYNC="docker compose exec -T web marketsync" from the compose folder.
# Nightly from the host's crontab:
#   15 3 * * * cd /opt/marketsync && deploy/scripts/backup.sh >> /var/log/marketsync-backup.log 2>&1
# Extra arguments pass through: --dir FOLDER, --keep N.
set -euo pipefail

read -r -a command <<< "${MARKETSYNC:-marketsync}"
"${command[@]}" backup create "$@"
