#!/usr/bin/env bash
# Make sure the tools `make demo` / `make test` need are here: a C compiler,
# Python 3 with venv, gfortran, cmake, and a CBLAS to link (OpenBLAS, for the
# `system-blas` build that `make test-blas` checks). Missing ones are installed with
# apt-get when running as root; otherwise this prints the exact command and
# fails. Then it creates .venv with the pinned Python test packages.
set -euo pipefail
cd "$(dirname "$0")/.."

want_venv=${1:-}
missing=()
command -v cc >/dev/null || command -v gcc >/dev/null || missing+=(gcc)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v gfortran >/dev/null || missing+=(gfortran)
command -v cmake >/dev/null || missing+=(cmake)
command -v pkg-config >/dev/null || missing+=(pkg-config)
if command -v cc >/dev/null && ! echo 'int main(void){return 0;}' \
        | cc -x c - -lopenblas -o /dev/null >/dev/null 2>&1; then
    missing+=(libopenblas-dev)
fi
if ! command -v python3 >/dev/null; then
    missing+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        echo "bootstrap: installing ${missing[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: missing ${missing[*]}. Install them with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

if [[ $want_venv == --venv ]]; then
    req=python/requirements-test.txt
    stamp=.venv/.requirements.stamp
    if [[ ! -x .venv/bin/python ]] || ! cmp -s "$req" "$stamp"; then
        echo "bootstrap: creating .venv with $(tr '\n' ' ' <"$req")"
        rm -rf .venv
        python3 -m venv .venv
        .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
        cp "$req" "$stamp"
    fi
fi
