#!/usr/bin/env bash
# Runs the whole test suite (installs missing system packages first, and
# starts a throwaway PostgreSQL cluster for the PostgreSQL tests: see
# scripts/postgres.sh; it is stopped and deleted when the tests end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The code is as the formatter leaves it (.swift-format; swift format ships
# with the toolchain): `swift format -i -r Sources Tests Benchmarks Package.swift`.
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift
swift build --build-tests
postgres=$(scripts/postgres.sh start)
trap 'scripts/postgres.sh stop "$postgres"' EXIT
export MNEMO_TEST_POSTGRESQL="$postgres/.s.PGSQL.5432"
swift test --skip-build "$@"
# The store's suite and the end-to-end suites again, every store a replica
# of a space in PostgreSQL and every daemon keeping its spaces there
# (storage = postgresql): the same statements must give the same answers.
# (Not when the caller picked tests with arguments of its own.)
if [ "$#" -eq 0 ]; then
    MNEMO_TEST_STORAGE=postgresql swift test --skip-build \
        --filter 'MnemoStoreTests|MnemoServerTests|MnemoClientTests|MnemoMCPTests|QueriesTests'
fi
