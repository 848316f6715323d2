#!/usr/bin/env bash
# What pip cannot install by itself: python-ldap (needed by django-auth-ldap) has no wheel on PyPI and
# compiles against OpenLDAP's and Cyrus SASL's headers with a C compiler. Installs them with apt-get when
# run as root on Debian/Ubuntu; otherwise says exactly what is missing.
set -euo pipefail
PYTHON=${1:-python3}
missing=()
[ -e /usr/include/lber.h ] || missing+=(libldap2-dev)
[ -e /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
command -v gcc >/dev/null || missing+=(gcc)
"$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || missing+=(python3-dev)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing build dependencies of python-ldap: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "python-ldap builds from source and needs: ${missing[*]}" >&2
  echo "install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run make again" >&2
  exit 1
fi
