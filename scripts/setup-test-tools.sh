#!/usr/bin/env bash
# Tools the tests need beyond Python packages: Debian's headless Chromium (report pages) and a
# Chinese font so that page screenshots show characters rather than boxes.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/truetype/wqy ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing ${missing[*]} (headless browser and fonts for the report tests)"
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: ${missing[*]} not found and no apt-get; browser tests will be skipped" >&2
    fi
fi
