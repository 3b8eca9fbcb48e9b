#!/usr/bin/env bash
# Drives a served fake through its HTTP control plane with curl only, as a test suite in another
# language would: health, reset, seed, fault, send, read what was received.
# Usage: control_plane.sh PYTHON   (the interpreter that has trackapis[testing], to start the fake)
set -euo pipefail
python="${1:-python3}"
out="$(mktemp)"
"$python" -m trackapis.testing serve --api interakt --interakt-api-key shell-key >"$out" 2>&1 &
server=$!
trap 'status=$?; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -f "$out"; exit $status' EXIT

url=""
for _ in $(seq 1 300); do
    url="$(head -n 1 "$out" | grep -E '^http://127\.0\.0\.1:[0-9]+$' || true)"
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { echo "the fake did not start: $(cat "$out")" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "no URL from serve" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {  # expect NAME GOT WANTED_PATTERN
    printf '%s' "$2" | grep -Eq -- "$3" || fail "$1: got '$2', expected /$3/"
}

# serve printed the credentials the fake accepts and where its control plane is
expect "credentials line" "$(cat "$out")" "# interakt accepts api_key=shell-key"
expect "control plane line" "$(cat "$out")" "# interakt control plane: $url/__fake/"

expect "health" "$(curl -sS "$url/__fake/health")" '"status": ?"ok".*"api": ?"interakt"'

user() {  # user USER_ID -> "<status> <body>"
    curl -sS -o /dev/stderr -w '%{http_code}' -u shell-key: -H 'content-type: application/json' \
        -d "{\"userId\": \"$1\", \"traits\": {\"plan\": \"gold\"}}" "$url/v1/public/track/users/" 2>/dev/null
}

# reset
expect "first send" "$(user before-reset)" '^202$'
expect "reset" "$(curl -sS -X POST "$url/__fake/reset")" '"reset": ?true'
expect "received after reset" "$(curl -sS "$url/__fake/received")" '^\{"requests": ?\[\]\}$'

# fault: the next request to trackUser gets a 503 with Retry-After, the one after goes through
expect "fault" "$(curl -sS -H 'content-type: application/json' \
    -d '{"action": "fail_next", "count": 1, "status": 503, "retry_after": 7, "operations": ["trackUser"]}' \
    "$url/__fake/faults")" '"added": ?1'
headers="$(curl -sS -D - -o /dev/null -u shell-key: -H 'content-type: application/json' \
    -d '{"userId": "u1"}' "$url/v1/public/track/users/")"
expect "faulted status" "$headers" '^HTTP/1.1 503'
expect "faulted retry-after" "$headers" '[Rr]etry-[Aa]fter: 7'
expect "send after the fault" "$(user u1)" '^202$'

# a bad fault is refused with 400 and says why
expect "bad fault" "$(curl -sS -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d '{"action": "explode"}' "$url/__fake/faults")" '^400$'

# read received, filtered by path: both requests, their statuses and decoded bodies
received="$(curl -sS "$url/__fake/received?path=/v1/public/track/users/")"
expect "received statuses" "$received" '"status": ?503.*"status": ?202'
expect "received body" "$received" '"json": ?\{"userId": ?"u1", ?"traits": ?\{"plan": ?"gold"\}\}'
expect "filter by another path" "$(curl -sS "$url/__fake/received?path=/v1/public/track/events/")" \
    '^\{"requests": ?\[\]\}$'

# seed: users the fake knows before any request
expect "seed" "$(curl -sS -H 'content-type: application/json' \
    -d '{"users": [{"userId": "seeded", "traits": {"tier": 1}}]}' "$url/__fake/seed")" '"seeded": ?\["users"\]'
expect "unknown control endpoint" "$(curl -sS -o /dev/null -w '%{http_code}' "$url/__fake/nope")" '^404$'
echo "control plane: ok"
