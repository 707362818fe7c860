#!/usr/bin/env bash
# Fetches newer Django releases from Debian (trixie: 4.2 LTS, sid: 5.2 LTS) for the differential
# test, without installing them system-wide: each .deb is unpacked under .cache/django/<version>/
# and a small `python` wrapper puts it first on sys.path for Debian's /usr/bin/python3.
# Prints the comma-separated wrappers for AUDIT_DEPLOY_DJANGO_PYTHONS. Needs only Debian's mirror.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="$PWD/.cache/django"
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat > "$apt_dir/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian trixie main
deb http://deb.debian.org/debian sid main
SOURCES
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives" -o "APT::Get::List-Cleanup=0")
apt-get "${apt_opts[@]}" update -qq >&2

# fetch RELEASE NAME: the newest version of package NAME in RELEASE, unpacked into DEST.
fetch() {
  local release=$1 package=$2 dest=$3
  local version
  version=$(apt-cache "${apt_opts[@]}" madison "$package" | awk -v r="$release" '$0 ~ r"/main" {print $3; exit}')
  [ -n "$version" ] || { echo "no $package in $release" >&2; return 1; }
  (cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" download -qq "$package=$version" >&2)
  dpkg-deb -x "$apt_dir/archives/${package}_${version//:/%3a}_all.deb" "$dest"
}

wrappers=()
for spec in "trixie 4.2" "sid 5.2"; do
  set -- $spec
  release=$1 series=$2
  dest="$cache/$series"
  if [ ! -x "$dest/python" ]; then
    rm -rf "$dest" && mkdir -p "$dest/root"
    fetch "$release" python3-django "$dest/root"
    # Django 5.x needs asgiref >= 3.8 (bookworm has 3.6); sqlparse 0.4 from bookworm is recent enough.
    fetch "$release" python3-asgiref "$dest/root"
    cat > "$dest/python" <<WRAPPER
#!/bin/sh
PYTHONPATH="$dest/root/usr/lib/python3/dist-packages\${PYTHONPATH:+:\$PYTHONPATH}" exec /usr/bin/python3 "\$@"
WRAPPER
    chmod +x "$dest/python"
  fi
  if "$dest/python" -c 'import django' 2>/dev/null; then wrappers+=("$dest/python"); else echo "Django $series from $release does not import" >&2; fi
done
(IFS=,; echo "${wrappers[*]}")
