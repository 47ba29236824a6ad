#!/usr/bin/env bash
# Installs the pinned dbt toolchain (dbt/requirements.txt) into a virtual environment under
# ~/.cache/rcsync, named after the pins' hash so that changing a pin builds a new one and
# every checkout on the machine shares it. Prints the environment's folder. Idempotent.
# With --path it only prints where the environment is (or would be), installing nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/dbt/requirements.txt"
hash="$(sha256sum "$requirements" | cut -c1-12)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/rcsync/dbt-$hash"
if [ "${1:-}" = --path ]; then echo "$venv"; exit 0; fi
[ $# -eq 0 ] || { echo "unknown argument $1: run scripts/setup-dbt.sh without arguments, or with --path" >&2; exit 2; }
# The marker is written last, so an interrupted install is redone rather than trusted.
# (A venv cannot be built elsewhere and renamed: its scripts hard-code its path.)
if [ -f "$venv/.installed" ]; then echo "$venv"; exit 0; fi
python="$(command -v python3 || true)"
[ -n "$python" ] || { echo "python3 not found: install Python 3.10-3.13 (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
"$venv/bin/python" -c "import dbt.adapters.postgres" >&2
touch "$venv/.installed"
echo "$venv"
