#!/bin/sh
# Install what the tests start or drive: Debian's Chromium, CJK fonts for the screenshots
# and Playwright for Python (tests/test_viz_browser.py); Debian's Virtuoso Open Source
# (tests/test_parity.py, tests/test_push.py start their own instance on loopback; the
# package's system service is never used). The Oxigraph server comes from PyPI with the
# test extra. Never runs `playwright install` (it downloads its own browser); the tests
# drive /usr/bin/chromium. Safe to run again: it does nothing when everything is there.
set -eu

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi

need_apt=""
[ -x /usr/bin/chromium ] || need_apt="yes"
command -v virtuoso-t >/dev/null 2>&1 || need_apt="yes"
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" \
    || need_apt="yes"

if [ -n "$need_apt" ]; then
    # Update the package lists only when they were never fetched or chromium is unknown.
    if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$')" ] \
        || ! apt-cache show chromium >/dev/null 2>&1 \
        || ! apt-cache show virtuoso-opensource >/dev/null 2>&1; then
        $SUDO apt-get update
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
        chromium fonts-noto-cjk virtuoso-opensource
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    "$PYTHON" -m pip install playwright
fi

/usr/bin/chromium --version
dpkg-query -W virtuoso-opensource
"$PYTHON" -c "import importlib.metadata as m; print('playwright', m.version('playwright'))"
