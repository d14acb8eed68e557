#!/usr/bin/env bash
# Rebuilds the witness:plugin@0.1.0 plugins kept here from their sources at that version:
# the example plugin (fixtures/hello-plugin) and the SDKs of witness commit 75069e1, the last
# one whose plugin API was 0.1.0, built by that commit's own `witness plugin build` with the
# toolchains it pinned. Nobody needs to run this for the tests; it is how the components were
# made, and how to make them again if one is lost.
#
#   bash cli/tests/plugins/0.1.0/rebuild.sh [rust|js|python ...]   (default: all three)
#
# Needs git history (not a shallow clone), cargo, and for JS and Python what `witness plugin
# build` installs itself (npm, Python 3), and zstd. Set CARGO_TARGET_DIR to share compiled dependencies
# with a checkout of today's witness.
set -euo pipefail

commit=75069e1
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(rust js python)

worktree="$(mktemp -d)/witness-0.1.0"
cleanup() { git -C "$repo" worktree remove --force "$worktree" 2>/dev/null || true; }
trap cleanup EXIT
git -C "$repo" worktree add --detach "$worktree" "$commit" >/dev/null

target="${CARGO_TARGET_DIR:-$worktree/target}"
(cd "$worktree" && CARGO_TARGET_DIR="$target" cargo build --quiet -p witness)
for language in "${languages[@]}"; do
    out="$here/hello-$language.wasm"
    # Guests build under the worktree, whatever CARGO_TARGET_DIR says, so they never mix
    # with today's guests.
    (cd "$worktree" && env -u CARGO_TARGET_DIR "$target/debug/witness" plugin build \
        fixtures/hello-plugin --lang "$language" -o "$out")
    zstd -19 -q -f --rm "$out"
    echo "rebuilt $out.zst"
done
