#!/usr/bin/env bash
# Installs what is missing, builds mnemod (release) and runs it in the
# foreground on the embedded default: data under ./var, socket ./var/mnemo.sock.
# Extra arguments go to mnemod (e.g. --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product mnemod
swift build -c release --product mnemo
mkdir -p var
exec .build/release/mnemod --config daemon.conf "$@"
