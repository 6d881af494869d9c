# Installing what a fresh machine lacks, shared by scripts/test, scripts/bench and
# scripts/screenshots (each sources this file from the project's root). Every function returns
# non-zero when it fails; the caller says what failed and stops.

# Runs "$@" as root: directly when root, else through sudo (without a terminal, `sudo -n`:
# a password prompt would wait for ever).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif ! command -v sudo >/dev/null; then
    echo "need root (or sudo) to run: $*" >&2
    return 1
  elif [ -t 0 ]; then
    sudo "$@"
  else
    sudo -n "$@"
  fi
}

# Installs Debian packages "$@" with apt-get (the package lists are updated once per run).
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# Debian's chromium, the only browser the tests and scripts drive (never a downloaded one).
chromium_installed() {
  [ -x /usr/bin/chromium ] && return 0
  echo "installing Debian's chromium (apt-get)"
  apt_install chromium
}

# The npm packages of package-lock.json (`npm ci`), unless node_modules holds them already: a
# stamp there keeps the hash of package.json and package-lock.json they were installed from.
npm_packages() {
  local hash stamp=node_modules/.ernguide-lock-hash
  hash="$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    return 0
  fi
  echo "installing npm packages (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund </dev/null || return 1
  echo "$hash" >"$stamp"
}
