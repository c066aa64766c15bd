#!/usr/bin/env bash
# Install Lotse and everything it needs on a fresh Debian machine (run as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# espeak-ng: the offline speech engine pyttsx3 drives.
if ! command -v espeak-ng >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq espeak-ng >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[dev]'
