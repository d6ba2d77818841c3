#!/usr/bin/env bash
# Sourced by test.sh and bench scripts: pg_temp_start starts a throwaway
# PostgreSQL server in a new temporary directory on a free loopback port and
# sets PG_TEMP_URL; pg_temp_stop stops it and removes the directory.
# initdb refuses to run as root, so as root the server runs as the
# unprivileged "postgres" user (created by Debian's package) or, failing
# that, a system user made for the purpose.

pg_temp_bindir() {
	local d
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
		pg_config --bindir
		return
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return
		fi
	done
	dirname "$(command -v initdb)"
}

pg_temp_free_port() {
	local port
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	echo "pg-temp: no free port found" >&2
	return 1
}

pg_temp_start() {
	local bindir port user
	bindir="$(pg_temp_bindir)"
	PG_TEMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/jigsaw-pg.XXXXXX")"
	chmod 755 "$PG_TEMP_DIR"
	PG_TEMP_AS=()
	if [ "$(id -u)" -eq 0 ]; then
		user=postgres
		if ! id "$user" >/dev/null 2>&1; then
			user=jigsaw-test
			id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
		fi
		chown "$user" "$PG_TEMP_DIR"
		PG_TEMP_AS=(runuser -u "$user" --)
	fi
	"${PG_TEMP_AS[@]}" "$bindir/initdb" -D "$PG_TEMP_DIR/data" -U jigsaw -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TEMP_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_TEMP_DIR/initdb.log" >&2; return 1; }
	# The test server trades durability for speed (losing it loses nothing);
	# PG_TEMP_DURABLE=1 keeps PostgreSQL's defaults, for benchmarks of
	# durable writes. PG_TEMP_OPTS adds server settings ("-c name=value ...").
	local opts attempt
	# A port found free may be taken before the server binds it (another
	# test run starting at the same moment): then try another.
	for attempt in 1 2 3 4 5; do
		port="$(pg_temp_free_port)"
		opts="-c listen_addresses=127.0.0.1 -p $port -k $PG_TEMP_DIR -c max_connections=300"
		if [ "${PG_TEMP_DURABLE:-}" != 1 ]; then
			opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		fi
		opts="$opts ${PG_TEMP_OPTS:-}"
		if "${PG_TEMP_AS[@]}" "$bindir/pg_ctl" -D "$PG_TEMP_DIR/data" -l "$PG_TEMP_DIR/server.log" -w -t 60 start -o "$opts" >/dev/null; then
			break
		fi
		if [ "$attempt" = 5 ] || ! grep -q "could not create any TCP/IP sockets" "$PG_TEMP_DIR/server.log"; then
			cat "$PG_TEMP_DIR/server.log" >&2
			return 1
		fi
	done
	PG_TEMP_BINDIR="$bindir"
	PG_TEMP_URL="postgres://jigsaw@127.0.0.1:$port/postgres?sslmode=disable"
	export PG_TEMP_URL
	echo "pg-temp: $("$bindir/postgres" --version) on 127.0.0.1:$port" >&2
}

pg_temp_stop() {
	[ -n "${PG_TEMP_DIR:-}" ] || return 0
	"${PG_TEMP_AS[@]}" "$PG_TEMP_BINDIR/pg_ctl" -D "$PG_TEMP_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$PG_TEMP_DIR"
	PG_TEMP_DIR=""
}
