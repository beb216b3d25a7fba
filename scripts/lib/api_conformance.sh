# api_conformance RELAY_BINARY: schemathesis (from PyPI) against a live relay with an
# authenticated account, using docs/openapi.yaml (which the relay generates). Fails when the
# relay answers anything the document does not allow, a 5xx, or refuses a valid request.
# Not run here: /v1/ws (a WebSocket, not a request and an answer) and the federation routes
# (protobuf bodies signed by a peered relay); the Rust tests drive both with real peers.

schemathesis_version=4.32.5

ensure_schemathesis() {
    ensure_packages curl
    schemathesis_bin=$(ensure_pip_tool "schemathesis-$schemathesis_version" "schemathesis==$schemathesis_version" st)
}

api_conformance() {
    local relay=$1
    ensure_schemathesis || return 1
    local dir port pid status
    dir=$(mktemp -d "${TMPDIR:-/tmp}/isthmus-api-conformance.XXXXXX")
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Generous rate limits: the run makes thousands of requests from one address and account.
    cat >"$dir/relay.toml" <<TOML
domain = "meadow.example"
listen = "127.0.0.1:$port"
[limits]
ip_rate = { burst = 1000000, per_minute = 1000000 }
account_rate = { burst = 1000000, per_minute = 1000000 }
registration_rate = { burst = 1000000, per_minute = 1000000 }
missing_lookups_per_hour = 1000000
reports_per_account_per_hour = 1000000
TOML
    "$relay" run --config "$dir/relay.toml" --data-dir "$dir/data" >"$dir/relay.log" 2>&1 &
    pid=$!
    local url="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
        curl -fsS "$url/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    # One account with shape-valid keys: the relay checks shapes, clients check signatures.
    local secret
    secret=$(python3 - "$url" <<'PY'
import base64, json, os, sys, urllib.request
b64 = lambda b: base64.b64encode(b).decode()
ec = lambda: b64(b"\x05" + os.urandom(32))
kyber = b64(b"\x08" + os.urandom(1568))
body = {"name": "conformance", "registration_id": 1, "identity_key": ec(),
        "signed_prekey": {"id": 1, "public_key": ec(), "signature": b64(os.urandom(64))},
        "kyber_last_resort": {"id": 2, "public_key": kyber, "signature": b64(os.urandom(64))}}
request = urllib.request.Request(sys.argv[1] + "/v1/accounts", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request))["secret"])
PY
    ) || { echo "api conformance: could not register an account" >&2; cat "$dir/relay.log" >&2; kill "$pid"; return 1; }
    # One worker: with two threads, Hypothesis parses sources with `ast` concurrently, and
    # Debian's Python 3.11 then fails now and then with "AST constructor recursion depth
    # mismatch" (the recursion count of CPython's ast is not per thread there): a crash of the
    # tool, not a finding.
    (cd tests/api && "$schemathesis_bin" run ../../docs/openapi.yaml --url "$url" \
        --header "Authorization: Bearer conformance/1/$secret" \
        --exclude-path /v1/ws --exclude-path-regex '^/federation/' \
        --checks all --max-examples "${ISTHMUS_SCHEMATHESIS_EXAMPLES:-40}" --workers 1 \
        --generation-deterministic --no-color)
    status=$?
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ $status -eq 0 ] && rm -rf "$dir" || echo "api conformance: relay log in $dir/relay.log" >&2
    return $status
}
