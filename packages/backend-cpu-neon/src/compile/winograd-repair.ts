/**
 * Exact non-finite positions under Winograd. Its transforms mix every input of a tile into every output
 * of the tile, some with a zero coefficient (0 * Inf = NaN), so one NaN or infinite input would make the
 * whole output tile NaN, where a direct convolution makes non-finite only the outputs whose window reads
 * it. After the transforms, this step scans the input (all a finite run pays: one vector pass) and, when
 * it holds such a value, recomputes the outputs of the tiles that read one with the direct kernel and
 * its epilogue (docs/numerics.md).
 */
import type { Runtime, Step } from './program.js';

/** Where the convolution reads and writes, and the direct kernel with its packed weights. */
export interface WinogradRepair {
  /** Kernels: the scan (kernels/scan.ts) and a 3x3 igemm with the convolution's epilogue. */
  scan: string;
  igemm: string;
  /** igemm's rows per tile: each pointer group holds this many. */
  mr: number;
  /** The NHWC input: address, images, height, width, channels. */
  x: number;
  dims: [number, number, number, number];
  output: [number, number];
  padBegin: [number, number];
  /** Output pixels per tile side. */
  m: number;
  /**
   * Where the direct weights (packed, with the folded bias) go: space reserved at compile, filled by
   * `packWeights` on the first repair, so that sessions whose inputs are always finite never pack them.
   */
  weights: number;
  packWeights: () => Float32Array;
  channelsOut: number;
  out: number;
  /** Bytes from one output pixel to the next (a Concat row, when written into one). */
  pitch: number;
  /** Residual address (read unstrided), 0 for none. */
  res: number;
  zeroRow: number;
  /** Scratch for one pixel's tap pointers (9 x mr words), free once the transforms are done. */
  pointers: number;
}

export function winogradRepair(p: WinogradRepair): (rt: Runtime) => Step {
  const [N, H, W, C] = p.dims;
  const [OH, OW] = p.output;
  const [top, left] = p.padBegin;
  const span = p.m + 2;
  // The kernel scans whole vectors; the last few floats (fewer than 4) are checked here, so that nothing
  // past the input (another value's bytes) can send every run down the repair path.
  const floats = N * H * W * C;
  const vectorEnd = p.x + Math.floor(floats / 4) * 16;
  return (rt) => {
    let packed = false;
    const anyNonFinite = rt.kernels[p.scan] as unknown as (from: number, to: number) => number;
    const igemm = rt.kernels[p.igemm];
    const taps = new Int32Array(rt.memory.buffer, p.pointers, 9 * p.mr);
    const pixelAt = (n: number, y: number, x: number) => p.x + ((n * H + y) * W + x) * C * 4;

    const tileReadsNonFinite = (n: number, oy: number, ox: number): boolean => {
      for (let y = Math.max(0, oy - top); y < Math.min(H, oy - top + span); y++) {
        for (let x = Math.max(0, ox - left); x < Math.min(W, ox - left + span); x++) {
          const at = pixelAt(n, y, x) >> 2;
          for (let c = 0; c < C; c++) {
            const v = rt.f32[at + c];
            if (v - v !== 0) return true;
          }
        }
      }
      return false;
    };

    const direct = (n: number, oy: number, ox: number) => {
      for (let ky = 0; ky < 3; ky++) {
        for (let kx = 0; kx < 3; kx++) {
          const [y, x] = [oy - top + ky, ox - left + kx];
          taps.fill(
            y >= 0 && y < H && x >= 0 && x < W ? pixelAt(n, y, x) : p.zeroRow,
            (ky * 3 + kx) * p.mr,
            (ky * 3 + kx + 1) * p.mr,
          );
        }
      }
      const pixel = (n * OH + oy) * OW + ox;
      igemm(
        p.pointers,
        1,
        9,
        C * 4,
        p.weights,
        p.out + pixel * p.pitch,
        p.pitch,
        p.channelsOut,
        p.res ? p.res + pixel * p.channelsOut * 4 : 0,
      );
    };

    return () => {
      let found = vectorEnd > p.x && anyNonFinite(p.x, vectorEnd) !== 0;
      for (let i = vectorEnd >> 2; !found && i < (p.x >> 2) + floats; i++) found = rt.f32[i] - rt.f32[i] !== 0;
      if (!found) return;
      if (!packed) {
        rt.f32.set(p.packWeights(), p.weights >> 2);
        packed = true;
      }
      for (let n = 0; n < N; n++)
        for (let oy = 0; oy < OH; oy += p.m)
          for (let ox = 0; ox < OW; ox += p.m) {
            if (!tileReadsNonFinite(n, oy, ox)) continue;
            for (let y = oy; y < Math.min(OH, oy + p.m); y++)
              for (let x = ox; x < Math.min(OW, ox + p.m); x++) direct(n, y, x);
          }
    };
  };
}
