#!/usr/bin/env bash
# Install the Debian packages that tests/slurm/cluster.sh needs (slurm-wlm, munge).
# Exits 0 at once when they are already installed. Needs root.
set -euo pipefail

readonly PACKAGES=(slurm-wlm munge)

installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [[ $status == "install ok installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
    echo "install.sh: ${PACKAGES[*]} already installed"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "install.sh: error: must run as root to install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh container has no package lists; refresh them only then (or when
# they do not know the packages), since 'apt-get update' costs time and network.
needs_update=0
for pkg in "${missing[@]}"; do
    candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z $candidate || $candidate == "(none)" ]]; then
        needs_update=1
    fi
done
if ((needs_update)); then
    apt-get update -q
fi
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install.sh: installed ${missing[*]}"
