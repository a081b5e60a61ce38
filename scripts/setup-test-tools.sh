#!/usr/bin/env bash
# Tools the tests need beyond Python packages: Debian's headless Chromium (report pages).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing chromium (headless browser for the report tests)"
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    else
        echo "setup: chromium not found and no apt-get; browser tests will be skipped" >&2
    fi
fi
