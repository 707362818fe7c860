#!/usr/bin/env bash
# Fetches Debian bookworm packages that ship Django applications (and nginx's own configuration,
# nginx-common), for test/real-packages.test.ts:
# each .deb is unpacked (never installed) under .cache/real-packages/<package>/, which the test audits
# as a repository. Their settings, Apache sites, systemd units and scripts are the real-world inputs
# that found false alarms (README, Limits). Needs only Debian's mirror; a package already unpacked is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="$PWD/.cache/real-packages"
apt_dir="$cache/.apt"
packages=(mailman3-web graphite-web lava-server ara-server dicoweb wims-lti omnidb-common autoradio freedombox python3-django-hyperkitty python3-django-horizon nginx-common)
missing=()
for p in "${packages[@]}"; do [ -f "$cache/.done/$p" ] || missing+=("$p"); done
[ ${#missing[@]} -gt 0 ] || exit 0
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
echo 'deb http://deb.debian.org/debian bookworm main' > "$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir" -o "Dir::Cache::archives=$apt_dir/archives" -o "APT::Get::List-Cleanup=0")
apt-get "${apt_opts[@]}" update -qq >&2
# Each package at the version bookworm's main archive holds (not an installed one: CI installs nginx).
versions=()
for p in "${missing[@]}"; do
  v=$(apt-cache "${apt_opts[@]}" madison "$p" | awk '{print $3; exit}')
  [ -n "$v" ] || { echo "no $p in bookworm" >&2; exit 1; }
  versions+=("$p=$v")
done
(cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" download -qq "${versions[@]}" >&2)
for p in "${missing[@]}"; do
  rm -rf "${cache:?}/$p" && mkdir -p "$cache/$p"
  debs=("$apt_dir"/archives/"${p}"_*.deb)
  dpkg-deb -x "${debs[0]}" "$cache/$p"
  mkdir -p "$cache/.done" && touch "$cache/.done/$p"
done
