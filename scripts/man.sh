#!/usr/bin/env bash
# Regenerates man/mnemo.1 and man/mnemod.1 from the programs' own help, with
# swift-argument-parser's manual plugin (ManPagesTests fails when they lag).
# Install: cp man/*.1 /usr/local/share/man/man1/ && mandb -q
set -euo pipefail
cd "$(dirname "$0")/.."
swift package generate-manual --date "$(date -u +%Y-%m-%d)" --authors "the Mnemo authors"
mkdir -p man
for tool in mnemo mnemod; do
    cp ".build/plugins/GenerateManual/outputs/$tool/$tool.1" "man/$tool.1"
done
echo "man/mnemo.1 man/mnemod.1 written"
