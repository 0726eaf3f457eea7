#!/usr/bin/env bash
# Runs the whole test suite (installs missing system packages first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The code is as the formatter leaves it (.swift-format; swift format ships
# with the toolchain): `swift format -i -r Sources Tests Benchmarks Package.swift`.
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift
swift build --build-tests
swift test --skip-build "$@"
