#!/usr/bin/env bash
# Purpose: lay out the Function App's deployment package: the compiled app (dist/src), host.json, package.json and
# the production dependencies only (no simulator, tests, benchmarks, dev tools or source maps). azd zips the result
# (azure.yaml: dist + prepackage hook); a plain deployment zips it by hand (infra/README.md).
# Usage: scripts/stage-package.sh [--no-build] [--dist DIR] [--out DIR]
#   --no-build  use the compiled output as it is (default: run `npm run build` first)
#   --dist DIR  where the compiled output is (default: dist)
#   --out DIR   where the package goes, emptied first (default: dist/azure-package)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build=1
compiled="dist"
out="dist/azure-package"
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --dist) compiled="$2"; shift ;;
        --out) out="$2"; shift ;;
        *) echo "stage-package.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

if [ "$build" -eq 1 ]; then
    npm run build >&2
fi
if [ ! -d "$compiled/src" ]; then
    echo "stage-package.sh: no compiled app in $compiled/src; run npm run build first" >&2
    exit 2
fi

rm -rf "$out"
mkdir -p "$out/dist"
cp host.json package.json package-lock.json .funcignore "$out/"
# The app is dist/src (package.json "main": dist/src/functions/*.js); dist/tools (the demo) and dist/bench are not.
cp -R "$compiled/src" "$out/dist/src"
find "$out/dist" -name '*.map' -delete

# Production dependencies, copied from the installed tree (same versions as the lock file, no network): every
# package npm lists for the production graph, each at the path it has here so Node resolves it the same way.
# --workspaces=false: npm lists the workspace packages (the simulator, linked at node_modules/dataverse-sim) as
# the root's own; they are dev tools, not dependencies of the app.
npm ls --omit=dev --all --parseable --workspaces=false | while IFS= read -r dir; do
    rel="${dir#"$root"/}"
    case "$rel" in
        node_modules/*) ;;
        *) continue ;; # the project itself
    esac
    # A package nested inside one already copied came along with it.
    [ -e "$out/$rel" ] && continue
    mkdir -p "$(dirname "$out/$rel")"
    cp -R "$dir" "$out/$rel"
done
echo "stage-package.sh: deployment package in $out ($(du -sh "$out" | cut -f1))" >&2
