#!/bin/sh
# Vendors the fonts that ctg's PDF documents embed and its DOCX documents
# name: Liberation Sans 2 (SIL Open Font License 1.1, which allows
# embedding them in documents and redistributing them with software;
# see LICENSE). Metric-compatible with Arial, so that a DOCX opened where
# Liberation Sans is not installed keeps its line breaks.
#
# The fonts come from Debian's package fonts-liberation2 at a pinned
# version, checked against its SHA-256. Run it from anywhere:
#   sh internal/docgen/fonts/update.sh
# then commit the .ttf files, LICENSE and VERSIONS if they changed.
set -eu

VERSION=2.1.5-1
DEB_SHA256=35ffaa54f117e633e89a5da89af235a073b34dbe582726fbf6989568f7fd9bda
STYLES="Regular Bold Italic"

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp" # apt-get download runs as _apt
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
apt-get download "fonts-liberation2=$VERSION" >/dev/null
deb=$(ls fonts-liberation2_*.deb)
echo "$DEB_SHA256  $deb" | sha256sum -c - >/dev/null
dpkg-deb -x "$deb" x

for s in $STYLES; do
	cp "x/usr/share/fonts/truetype/liberation2/LiberationSans-$s.ttf" "$here/"
done
cp x/usr/share/doc/fonts-liberation2/copyright "$here/LICENSE"

{
	echo "# Liberation Sans $VERSION (Debian fonts-liberation2), SIL Open Font License 1.1: see LICENSE."
	echo "# Written by update.sh; sha256 of each file."
	cd "$here"
	sha256sum LiberationSans-*.ttf
} >"$here/VERSIONS"
echo "Liberation Sans $VERSION vendored in $here"
