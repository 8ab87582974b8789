#!/usr/bin/env bash
# What the tests need from the operating system: Chromium (Playwright drives it and never
# downloads a browser), Java (the Nu HTML checker) and npm (axe-core, the checker) for the
# browser tests; redis-server for the scale-out test (tests/test_scale_out.py).
# Installs what is missing with apt when it can (root, or sudo without a password); otherwise
# stops at once and says what to install. Run by `make test`.
set -u

missing=()
packages=()
if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] || { echo "CHROMIUM=$CHROMIUM is not an executable file." >&2; exit 1; }
elif ! command -v chromium >/dev/null 2>&1; then
    missing+=(Chromium); packages+=(chromium chromium-driver)
fi
command -v java >/dev/null 2>&1 || { missing+=(Java); packages+=(default-jre-headless); }
command -v npm >/dev/null 2>&1 || { missing+=(npm); packages+=(nodejs npm); }
command -v redis-server >/dev/null 2>&1 || { missing+=(redis-server); packages+=(redis-server); }
((${#packages[@]})) || exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
fi
if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    list=$(printf '%s, ' "${missing[@]}"); list=${list%, }
    echo "make test needs $list for the browser and scale-out tests and cannot install them here (no apt, or not root and no sudo without a password)." >&2
    echo "Install them, e.g.: sudo apt-get install -y ${packages[*]}; or point CHROMIUM=/path/to/chromium at another Chromium." >&2
    exit 1
fi
echo "Installing ${packages[*]} for the browser and scale-out tests (about a minute)..."
$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
