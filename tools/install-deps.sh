#!/bin/sh
# Installs the Debian packages rewind needs to build and test, if any is missing.
# Idempotent: prints nothing and does nothing when everything is installed.
set -eu

PACKAGES="gcc make libzstd-dev libsodium-dev libcapstone-dev pkg-config gdb python3 sqlite3 zstd golang-go delve
coreutils diffutils procps util-linux"

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case $status in
    "install ok installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps.sh: missing packages:$missing (run as root or install sudo)" >&2
    exit 1
fi

echo "install-deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing
