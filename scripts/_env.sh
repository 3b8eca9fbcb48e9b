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
