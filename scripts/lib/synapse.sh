# A throwaway Matrix homeserver for the tests of the Matrix bridge: Synapse, from PyPI, with
# SQLite in a temporary folder, on a free port on 127.0.0.1. Sourced, not run; needs setup.sh
# and postgres.sh (free_port) sourced first. scripts/synapse runs a lasting one for testers.
#
# start_test_synapse: unless ISTHMUS_TEST_MATRIX_URL names a server already, installs Synapse
# into a virtual environment in the cache when missing, starts it and exports
# ISTHMUS_TEST_MATRIX_URL (http://127.0.0.1:PORT), ISTHMUS_TEST_MATRIX_SHARED_SECRET (for the
# shared-secret registration of the admin API, /_synapse/admin/v1/register) and
# ISTHMUS_TEST_MATRIX_SERVER_NAME (localhost). Either way it exports ISTHMUS_REQUIRE_MATRIX=1,
# so the Matrix tests fail instead of skipping. The server stops and its folder is deleted when
# the calling shell exits.

synapse_version=1.163.2
synapse_pid=""

# ensure_synapse: prints the path of Synapse's homeserver program, installed when missing.
ensure_synapse() {
    ensure_pip_tool "matrix-synapse-$synapse_version" "matrix-synapse==$synapse_version" synapse_homeserver
}

# write_synapse_config DIR PORT: the homeserver's configuration in DIR/homeserver.yaml, for
# server name `localhost` and a plain HTTP client listener on 127.0.0.1:PORT, keeping all its
# state in DIR. Rewritten on every start (the port may change); the registration secret
# (DIR/shared_secret) is made once and kept, and Synapse makes the signing key on its first start.
write_synapse_config() {
    local dir=$1 port=$2
    if [ ! -s "$dir/shared_secret" ]; then
        (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dir/shared_secret") || return 1
    fi
    cat >"$dir/log.yaml" <<EOF
version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s'
filters:
  context:
    (): synapse.logging.context.LoggingContextFilter
handlers:
  file:
    class: logging.FileHandler
    filename: '$dir/homeserver.log'
    formatter: precise
    filters: [context]
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
EOF
    # Rate limits far above what a test sends: tests register, log in, create rooms and send
    # messages in bursts that Synapse's defaults (a few a second, less for some) would throttle.
    local rate='{per_second: 1000, burst_count: 1000}'
    cat >"$dir/homeserver.yaml" <<EOF
server_name: localhost
pid_file: '$dir/homeserver.pid'
listeners:
  - port: $port
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: '$dir/homeserver.db'
log_config: '$dir/log.yaml'
media_store_path: '$dir/media_store'
signing_key_path: '$dir/localhost.signing.key'
registration_shared_secret_path: '$dir/shared_secret'
enable_registration: false
report_stats: false
# Talks to no other server: no key servers, no federation, no URL previews.
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
url_preview_enabled: false
presence:
  enabled: true
# The lowest bcrypt cost: every registration and password log-in would otherwise spend a
# quarter of a second of CPU on hashing.
bcrypt_rounds: 4
rc_message: $rate
rc_registration: $rate
rc_registration_token_validity: $rate
rc_login:
  address: $rate
  account: $rate
  failed_attempts: $rate
rc_admin_redaction: $rate
rc_joins:
  local: $rate
  remote: $rate
rc_joins_per_room: $rate
rc_3pid_validation: $rate
rc_invites:
  per_room: $rate
  per_user: $rate
  per_issuer: $rate
rc_third_party_invite: $rate
rc_key_requests: $rate
rc_media_create: $rate
rc_presence:
  per_user: $rate
rc_delayed_event_mgmt: $rate
rc_room_creation: $rate
rc_reports: $rate
rc_user_directory: $rate
rc_profile: $rate
EOF
}

stop_synapse() {
    [ -n "$synapse_pid" ] || return 0
    kill "$synapse_pid" 2>/dev/null || true
    wait "$synapse_pid" 2>/dev/null || true
    synapse_pid=""
}

# start_synapse PROGRAM DIR PORT: starts the homeserver configured in DIR in the background
# (synapse_pid; stopped when the calling shell exits) and waits until it answers.
start_synapse() {
    local program=$1 dir=$2 port=$3
    ensure_packages curl
    write_synapse_config "$dir" "$port" || return 1
    # The log holds this run only. What Synapse prints before its logging is set up goes there
    # too. Missing files (the signing key on a first start) are generated: that is its default.
    : >"$dir/homeserver.log"
    "$program" -c "$dir/homeserver.yaml" >>"$dir/homeserver.log" 2>&1 &
    synapse_pid=$!
    at_exit stop_synapse
    # The first start creates the database schema, which takes seconds. A start that failed
    # (the port was taken, a bad setting) ends the process: no need to wait for the time-out.
    for _ in $(seq 300); do
        if curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/_matrix/client/versions"; then
            return 0
        fi
        kill -0 "$synapse_pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "error: the Matrix homeserver (Synapse) did not start" >&2
    cat "$dir/homeserver.log" >&2
    stop_synapse
    return 1
}

start_test_synapse() {
    export ISTHMUS_REQUIRE_MATRIX=1
    if [ -n "${ISTHMUS_TEST_MATRIX_URL:-}" ]; then
        echo "== Matrix: using ISTHMUS_TEST_MATRIX_URL" >&2
        return 0
    fi
    local program port dir
    program=$(ensure_synapse) || return 1
    port=$(free_port) || return 1
    dir=$(mktemp -d "${TMPDIR:-/tmp}/isthmus-test-synapse.XXXXXX")
    # Registered first, so it runs after the server has stopped.
    at_exit rm -rf "$dir"
    start_synapse "$program" "$dir" "$port" || return 1
    export ISTHMUS_TEST_MATRIX_URL="http://127.0.0.1:$port"
    ISTHMUS_TEST_MATRIX_SHARED_SECRET=$(cat "$dir/shared_secret")
    export ISTHMUS_TEST_MATRIX_SHARED_SECRET
    export ISTHMUS_TEST_MATRIX_SERVER_NAME=localhost
    echo "== Matrix: a throwaway Synapse on 127.0.0.1:$port" >&2
}
