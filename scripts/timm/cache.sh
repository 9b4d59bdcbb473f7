#!/bin/sh
# Recreates the git-ignored cache of timm's source that scripts/timm/compare.py measures against:
#   .cache/timm/<version>/timm   (importable with PYTHONPATH=.cache/timm/<version>)
#
#   scripts/timm/cache.sh PATH_TO_TIMM_CLONE [VERSION ...]
#
# PATH_TO_TIMM_CLONE is any local clone or bare mirror of github.com/huggingface/pytorch-image-models
# that holds the release tags. VERSION defaults to the two pinned releases (docs/timm-baseline.md
# says why these two). timm's code never enters this repository; only this cache holds it.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH_TO_TIMM_CLONE [VERSION ...]" >&2
  exit 2
fi
clone=$1
shift
if [ $# -eq 0 ]; then
  set -- 0.9.16 1.0.28
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
for version in "$@"; do
  target="$root/.cache/timm/$version"
  rm -rf "$target"
  mkdir -p "$target"
  git -C "$clone" archive "v$version" timm | tar -x -C "$target"
  echo "timm $version -> .cache/timm/$version/timm"
done
