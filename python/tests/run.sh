#!/usr/bin/env bash
# ctest entry of the Python tests: pytest on python/tests (or on the arguments: files, -k ...) with the package from python/.  Exit 77 (ctest:
# skipped) with a message when no python3 here has cffi, numpy and pytest (scripts/bootstrap.sh installs
# python3-cffi python3-numpy python3-pytest).  Env: SGDLAB_LIB (the shared library), SGDLAB_CLI (the binary).
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=
for cand in python3 /usr/bin/python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import cffi, numpy, pytest' 2>/dev/null; then
    py=$cand
    break
  fi
done
if [ -z "$py" ]; then
  echo "SKIP: no python3 with cffi, numpy and pytest (apt-get install python3-cffi python3-numpy python3-pytest)"
  exit 77
fi
export PYTHONPATH="$here/..${PYTHONPATH:+:$PYTHONPATH}"
[ $# -gt 0 ] || set -- "$here"   # arguments: what to test (pytest's), default every test here
exec "$py" -m pytest -q -p no:cacheprovider "$@"
