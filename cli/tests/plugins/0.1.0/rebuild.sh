#!/usr/bin/env bash
# Rebuilds the witness:plugin@0.1.0 plugins kept here from their sources at that version:
# the example plugin (fixtures/hello-plugin) and the SDKs of witness commit 75069e1, the last
# one whose plugin API was 0.1.0, built by that commit's own `witness plugin build` with the
# toolchains it pinned. Nobody needs to run this for the tests; it is how the components were
# made, and how to make them again if one is lost.
#
#   bash cli/tests/plugins/0.1.0/rebuild.sh [rust|js|python ...]   (default: all three)
#
# Needs git history (not a shallow clone), cargo, zstd, and for JS and Python what `witness
# plugin build` installs itself (npm, Python 3). The old witness builds in a target directory
# of its own (CARGO_TARGET_DIR is ignored, so today's binaries are never overwritten); the
# plugin_versions test checks that each component is a witness:plugin@0.1.0 plugin.
set -euo pipefail

commit=75069e1
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(rust js python)

scratch="$(mktemp -d)"
worktree="$scratch/witness-0.1.0"
cleanup() {
    git -C "$repo" worktree remove --force "$worktree" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
git -C "$repo" worktree add --detach "$worktree" "$commit" >/dev/null

unset CARGO_TARGET_DIR
(cd "$worktree" && cargo build --quiet -p witness)
for language in "${languages[@]}"; do
    out="$here/hello-$language.wasm"
    # Guests build under the worktree, so they never mix with today's guests.
    (cd "$worktree" && "$worktree/target/debug/witness" plugin build \
        fixtures/hello-plugin --lang "$language" -o "$out")
    zstd -19 -q -f --rm "$out"
    echo "rebuilt $out.zst"
done
