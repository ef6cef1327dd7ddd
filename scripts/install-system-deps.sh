#!/usr/bin/env bash
# Installs the Debian packages veche's tests use: Chromium (browser tests, driven by playwright-core;
# never a browser download), PostgreSQL (the production store), and libsodium-dev with a C toolchain
# (the optional native backend, built by node-gyp; its tests run when it builds), the DejaVu fonts
# (the credential letters' PDF, Latin and Cyrillic) and poppler-utils (pdftoppm/pdftotext: the tests
# render and read those PDFs back). Safe to run again.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/lib/postgresql/*/bin/initdb ] 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
pkg-config --exists libsodium 2>/dev/null || need+=(libsodium-dev pkg-config)
# node-gyp compiles with cc and links with c++ (its Makefiles' default), so both, and make.
command -v cc >/dev/null 2>&1 && command -v c++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || need+=(gcc g++ make libc6-dev)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || need+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages ready: $(chromium --version 2>/dev/null || echo 'no chromium'); $(ls /usr/lib/postgresql/ 2>/dev/null | sed 's/^/postgresql /' | tr '\n' ' ')libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo 'missing')"
