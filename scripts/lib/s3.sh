# A throwaway S3-compatible server for the tests of the relay's shared media store: moto's
# server, from PyPI, in memory, on a free port on 127.0.0.1. Sourced, not run; needs setup.sh
# and postgres.sh (free_port) sourced first.
#
# start_test_s3: unless ISTHMUS_TEST_S3_ENDPOINT names a server already, installs moto into a
# virtual environment in the cache when missing, starts it, creates the bucket `isthmus-test`
# and exports ISTHMUS_TEST_S3_ENDPOINT (http://127.0.0.1:PORT). Either way it exports
# ISTHMUS_REQUIRE_S3=1, so the S3 tests fail instead of skipping. The server stops when the
# calling shell exits.

moto_version=5.2.5
test_s3_pid=""

stop_test_s3() {
    [ -n "$test_s3_pid" ] || return 0
    kill "$test_s3_pid" 2>/dev/null || true
    wait "$test_s3_pid" 2>/dev/null || true
    test_s3_pid=""
}

start_test_s3() {
    export ISTHMUS_REQUIRE_S3=1
    if [ -n "${ISTHMUS_TEST_S3_ENDPOINT:-}" ]; then
        echo "== S3: using ISTHMUS_TEST_S3_ENDPOINT" >&2
        return 0
    fi
    ensure_packages curl
    local server port log
    server=$(ensure_pip_tool "moto-$moto_version" "moto[server]==$moto_version" moto_server) || return 1
    port=$(free_port) || return 1
    log=$(mktemp "${TMPDIR:-/tmp}/isthmus-test-s3.XXXXXX")
    "$server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    test_s3_pid=$!
    at_exit stop_test_s3
    at_exit rm -f "$log"
    for _ in $(seq 100); do
        if curl -sf -o /dev/null -X PUT "http://127.0.0.1:$port/isthmus-test"; then
            export ISTHMUS_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
            echo "== S3: a throwaway moto server on 127.0.0.1:$port" >&2
            return 0
        fi
        sleep 0.2
    done
    echo "error: the test S3 server did not start" >&2
    cat "$log" >&2
    return 1
}
