#!/usr/bin/env bash
# Provisions what the editor tests need on a fresh Debian 12 machine, and is quick when it is
# all there already: Debian's Chromium (the headless browser), ripgrep and krb5 headers, and
# code-server (a real VS Code with a Node extension host, from the npm registry) in a git-ignored
# cache folder inside the repo. See /work/shared/notes/real-vscode-offline.md for why.
#
# Usage: bash scripts/ci/provision.sh        (from anywhere; prints where code-server is)
# Env:   CONV_LENS_CODE_SERVER_DIR  install prefix (default: <repo>/.cache/code-server)
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall downloads rg from
# GitHub unless it finds this archive in its cache folder first.
readonly RIPGREP_PKG_VERSION=1.15.11
readonly RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
readonly APT_PACKAGES=(libkrb5-dev ripgrep chromium)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${CONV_LENS_CODE_SERVER_DIR:-$repo_root/.cache/code-server}"
marker="$prefix/.provisioned-$CODE_SERVER_VERSION"
started=$SECONDS

log() { printf '[provision] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_apt_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$pkg"
    fi
  done
}

install_apt_packages() {
  local missing
  mapfile -t missing < <(missing_apt_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt packages already installed: ${APT_PACKAGES[*]}"
    return
  fi
  log "installing apt packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# Puts Debian's rg where @vscode/ripgrep's postinstall looks before it tries to download.
seed_ripgrep_cache() {
  local cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  local archive="$cache_dir/$RIPGREP_ARCHIVE"
  if [ -s "$archive" ]; then
    return
  fi
  local staging
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  mkdir -p "$cache_dir"
  tar -czf "$archive.partial" -C "$staging" rg
  mv "$archive.partial" "$archive"
  rm -rf "$staging"
  log "seeded ripgrep cache: $archive"
}

code_server_installed() {
  [ -f "$marker" ] && [ -f "$prefix/node_modules/code-server/out/node/entry.js" ]
}

# npm installs on a shared development machine take a lock so they never run concurrently.
with_npm_lock() {
  if command -v flock >/dev/null 2>&1; then flock /tmp/npm.lock "$@"; else "$@"; fi
}

install_code_server() {
  if code_server_installed; then
    log "code-server $CODE_SERVER_VERSION already installed in $prefix"
    return
  fi
  seed_ripgrep_cache
  log "installing code-server $CODE_SERVER_VERSION into $prefix (about 80 s)"
  rm -f "$prefix"/.provisioned-*
  mkdir -p "$prefix"
  # npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which otherwise waits at a prompt.
  with_npm_lock env npm_config_yes=true npm install --prefix "$prefix" --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" --unsafe-perm </dev/null
  local installed
  installed="$(node -p "require('$prefix/node_modules/code-server/package.json').version")"
  if [ "$installed" != "$CODE_SERVER_VERSION" ]; then
    log "expected code-server $CODE_SERVER_VERSION, found $installed" >&2
    exit 1
  fi
  # code-server's own postinstall installs VS Code's dependencies; check that it really did.
  local vscode_modules="$prefix/node_modules/code-server/lib/vscode/node_modules"
  if [ ! -x "$vscode_modules/@vscode/ripgrep/bin/rg" ] || [ ! -f "$vscode_modules/node-pty/build/Release/pty.node" ]; then
    log "code-server's postinstall did not finish (no rg or node-pty in $vscode_modules)" >&2
    exit 1
  fi
  touch "$marker"
}

install_apt_packages
install_code_server
log "chromium: $(command -v chromium)"
log "code-server: $prefix/node_modules/code-server/out/node/entry.js"
log "done in $((SECONDS - started)) s"
