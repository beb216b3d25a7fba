# A throwaway PostgreSQL for the tests of the relay's PostgreSQL store. Sourced, not run; needs
# setup.sh (ensure_packages, need_root) sourced first.
#
# start_test_postgres: unless ISTHMUS_TEST_POSTGRES_URL names a database already, installs
# Debian's postgresql when missing, creates a cluster in a temporary folder, starts it on a free
# port on 127.0.0.1 only, and exports ISTHMUS_TEST_POSTGRES_URL. The server also speaks TLS, with
# a certificate for localhost and 127.0.0.1 from a CA made for this run (openssl), whose
# certificate it exports as ISTHMUS_TEST_POSTGRES_CA. Either way it exports
# ISTHMUS_REQUIRE_POSTGRES=1, so the PostgreSQL tests fail instead of skipping. The server is
# stopped and its folder deleted when the calling shell exits, whatever the tests did
# (`at_exit` in setup.sh).
#
# initdb and postgres refuse to run as root; as root (CI) they run as the `postgres` user the
# Debian package creates, in a folder that user owns.

test_postgres_dir=""
test_postgres_as=()
test_postgres_tls=""

# A CA and a server certificate signed by it, in $test_postgres_dir/tls; sets the server's TLS
# settings. The key is the server user's alone: PostgreSQL refuses a key others can read.
make_test_postgres_tls() {
    ensure_packages openssl
    local tls="$test_postgres_dir/tls"
    mkdir -p "$tls"
    (
        cd "$tls" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Isthmus test CA" \
            -keyout ca.key -out ca.crt 2>/dev/null &&
            openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr \
                2>/dev/null &&
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext &&
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
                -extfile server.ext -out server.crt 2>/dev/null
    ) || {
        echo "error: making the test PostgreSQL's certificates failed" >&2
        return 1
    }
    chmod 600 "$tls/server.key"
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$tls"
    chmod 755 "$tls"
    chmod 644 "$tls/ca.crt"
    test_postgres_tls="-c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key"
    export ISTHMUS_TEST_POSTGRES_CA="$tls/ca.crt"
}

stop_test_postgres() {
    [ -n "$test_postgres_dir" ] || return 0
    if [ -f "$test_postgres_dir/data/postmaster.pid" ]; then
        "${test_postgres_as[@]}" "$test_postgres_bin/pg_ctl" -D "$test_postgres_dir/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$test_postgres_dir"
    test_postgres_dir=""
}

# A TCP port nothing listens on right now (the server's start is retried if it was taken since).
free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

start_test_postgres() {
    export ISTHMUS_REQUIRE_POSTGRES=1
    if [ -n "${ISTHMUS_TEST_POSTGRES_URL:-}" ]; then
        echo "== PostgreSQL: using ISTHMUS_TEST_POSTGRES_URL" >&2
        return 0
    fi
    ensure_packages postgresql
    # The newest installed major version; Debian keeps its binaries out of PATH.
    test_postgres_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ ! -x "$test_postgres_bin/initdb" ]; then
        echo "error: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
        return 1
    fi
    test_postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/isthmus-test-postgres.XXXXXX")
    at_exit stop_test_postgres
    local user
    if [ "$(id -u)" -eq 0 ]; then
        user=postgres
        chown postgres: "$test_postgres_dir"
        test_postgres_as=(runuser -u postgres --)
    else
        user=$(id -un)
        test_postgres_as=(env)
    fi
    # Trust on loopback only: the server listens on nothing else, and lives for one test run.
    "${test_postgres_as[@]}" "$test_postgres_bin/initdb" -D "$test_postgres_dir/data" -U "$user" \
        --auth=trust --encoding=UTF8 --no-sync >"$test_postgres_dir/initdb.log" 2>&1 || {
        cat "$test_postgres_dir/initdb.log" >&2
        return 1
    }
    make_test_postgres_tls || return 1
    local port started=false
    for _ in 1 2 3 4 5; do
        port=$(free_port) || break
        # No fsync: a crash of a throwaway server loses nothing anyone keeps.
        if "${test_postgres_as[@]}" "$test_postgres_bin/pg_ctl" -D "$test_postgres_dir/data" -w -t 60 \
            -l "$test_postgres_dir/server.log" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $test_postgres_dir -c fsync=off -c max_connections=200 $test_postgres_tls" \
            start >/dev/null; then
            started=true
            break
        fi
    done
    if [ "$started" != true ]; then
        echo "error: the test PostgreSQL did not start" >&2
        cat "$test_postgres_dir/server.log" >&2 2>/dev/null
        return 1
    fi
    export ISTHMUS_TEST_POSTGRES_URL="postgres://$user@127.0.0.1:$port/postgres"
    echo "== PostgreSQL: a throwaway server on 127.0.0.1:$port" >&2
}
