#!/bin/sh
# update.sh regenerates the embedded reference of territories in data/.
#
# It fetches the tarball of @etalab/decoupage-administratif at the version
# below with `npm pack` (no install, no scripts run) into a temporary folder,
# and hands it to the Go generator in gen/, which reads it directly and
# rewrites every file of data/. Building and running ctg need neither npm nor
# network; only this script does.
#
# To move to a new vintage: change VERSION here and Version in refdata.go,
# run the script from anywhere in the repository, run
# `go test ./internal/refdata/... ./internal/territory/...`, review the
# generator's notes and the diff, and commit.
#
# Usage: sh internal/refdata/update.sh
set -eu

PACKAGE=@etalab/decoupage-administratif
VERSION=6.0.0

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here" && git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" | tail -n 1)
cd "$root"
go run ./internal/refdata/gen -tgz "$work/$tarball" -out internal/refdata/data -want "$PACKAGE@$VERSION"
