# Shared by the scripts: paths, PATH and a step timer. Source it; do not run it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# cargo-installed tools (trunk, wasm-bindgen) and npm's wasm-opt (binaryen 132).
export PATH="$HOME/.cargo/bin:$ROOT/tests/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

step() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
  STEP_STARTED=$(date +%s)
}

done_step() {
  printf '    (%ss)\n' "$(( $(date +%s) - STEP_STARTED ))"
}

# The wasm-bindgen version the lock file pins; the CLI and Trunk.toml must match it.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
