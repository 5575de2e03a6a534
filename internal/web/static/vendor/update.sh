#!/bin/sh
# update.sh refreshes the third-party browser files served from /static/vendor.
#
# The files are committed so that building and running ctg need no network and
# no npm. This script is the only place that fetches them: it downloads each
# package tarball at an exact version with `npm pack` (no install, no scripts
# run), copies the one file the product uses, and rewrites VERSIONS with the
# licence and sha256 of every file. Bump a version below, run the script, review
# the diff and commit it.
#
# Usage: sh internal/web/static/vendor/update.sh
set -eu

PICO_VERSION=2.1.1
HTMX_VERSION=2.0.11
ECHARTS_VERSION=6.1.0
AXE_VERSION=4.14.1

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$here/licenses"
mkdir -p "$here/licenses"

# fetch PACKAGE VERSION SOURCE_PATH DEST_NAME
# extracts package/SOURCE_PATH from the tarball into $here/DEST_NAME, and the
# package's licence and notice files into $here/licenses/NAME/, which the
# licences of these packages ask to ship along with the code.
fetch() {
	pkg=$1 version=$2 src=$3 dest=$4
	name=${pkg##*/}
	dir="$work/$name"
	mkdir -p "$dir"
	tarball=$(cd "$dir" && npm pack --silent "$pkg@$version" 2>/dev/null | tail -n 1)
	tar -xzf "$dir/$tarball" -C "$dir"
	cp "$dir/package/$src" "$here/$dest"
	mkdir -p "$here/licenses/$name"
	for f in "$dir"/package/LICENSE* "$dir"/package/NOTICE* "$dir"/package/licenses/*; do
		if [ -f "$f" ]; then cp "$f" "$here/licenses/$name/"; fi
	done
	licence=$(node -p "require('$dir/package/package.json').license" 2>/dev/null || echo unknown)
	sum=$(sha256sum "$here/$dest" | cut -d' ' -f1)
	printf '%-14s %-8s %-11s %s  %s\n' "$pkg" "$version" "$licence" "$sum" "$dest" >>"$work/VERSIONS"
}

fetch @picocss/pico "$PICO_VERSION" css/pico.min.css pico.min.css
fetch htmx.org "$HTMX_VERSION" dist/htmx.min.js htmx.min.js
fetch echarts "$ECHARTS_VERSION" dist/echarts.min.js echarts.min.js
fetch axe-core "$AXE_VERSION" axe.min.js axe.min.js

{
	echo "# Third-party files in this folder, written by update.sh; do not edit by hand."
	echo "# axe.min.js is used by the browser tests only. Licence texts: licenses/."
	echo "# package      version  licence     sha256                                                            file"
	cat "$work/VERSIONS"
} >"$here/VERSIONS"

cat "$here/VERSIONS"
