#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Unix socket only, no password
# (trust), superuser and database `mnemo`, fsync off. Installs the server
# package with apt-get when it is missing.
#
#   scripts/postgres.sh start      prints the cluster's directory; its socket is DIR/.s.PGSQL.5432
#   scripts/postgres.sh stop DIR   stops it and deletes DIR
set -euo pipefail

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
    local initdb
    initdb=$(command -v initdb || true)
    [ -n "$initdb" ] && dirname "$(readlink -f "$initdb")"
    return 0
}

# Runs a server program as the cluster's owner: PostgreSQL refuses to run as root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    bin=$(find_bin)
    if [ -z "$bin" ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo=sudo
        echo "postgres.sh: installing postgresql" >&2
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        bin=$(find_bin)
    fi
    [ -n "$bin" ] || { echo "postgres.sh: no initdb after installing postgresql" >&2; exit 1; }
    dir=$(mktemp -d /tmp/mnemo-pg.XXXXXX)
    # Whatever fails from here on, nothing is left behind: no server, no directory.
    trap 'as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$dir"' ERR
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U mnemo --auth=trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; false; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; false; }
    "$bin/createdb" -h "$dir" -U mnemo mnemo
    trap - ERR
    echo "$dir"
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: scripts/postgres.sh start | stop DIR" >&2
    exit 64
    ;;
esac
