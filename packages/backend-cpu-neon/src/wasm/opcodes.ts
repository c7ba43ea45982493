/**
 * The WebAssembly instructions the kernels use, by their text-format names, as encoded bytes. SIMD
 * instructions are the 0xfd prefix followed by a LEB128 opcode; relaxed SIMD sits in the same space.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];

/** Instructions without immediates. */
export const PLAIN_OPS = {
  drop: [0x1a],
  select: [0x1b],
  return: [0x0f],
  'i32.eqz': [0x45],
  'i32.eq': [0x46],
  'i32.ne': [0x47],
  'i32.lt_s': [0x48],
  'i32.lt_u': [0x49],
  'i32.gt_s': [0x4a],
  'i32.gt_u': [0x4b],
  'i32.le_s': [0x4c],
  'i32.le_u': [0x4d],
  'i32.ge_s': [0x4e],
  'i32.ge_u': [0x4f],
  'f32.lt': [0x5d],
  'f32.gt': [0x5e],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.div_u': [0x6e],
  'i32.rem_u': [0x70],
  'i32.and': [0x71],
  'i32.or': [0x72],
  'i32.shl': [0x74],
  'i32.shr_u': [0x76],
  'f32.abs': [0x8b],
  'f32.neg': [0x8c],
  'f32.sqrt': [0x91],
  'f32.add': [0x92],
  'f32.sub': [0x93],
  'f32.mul': [0x94],
  'f32.div': [0x95],
  'f32.min': [0x96],
  'f32.max': [0x97],
  'f32.convert_i32_s': [0xb2],
  'f32x4.splat': simd(0x13),
  'i32x4.splat': simd(0x11),
  'v128.not': simd(0x4d),
  'v128.and': simd(0x4e),
  'v128.any_true': simd(0x53),
  'v128.andnot': simd(0x4f),
  'v128.or': simd(0x50),
  'v128.xor': simd(0x51),
  'v128.bitselect': simd(0x52),
  'f32x4.eq': simd(0x41),
  'f32x4.ne': simd(0x42),
  'f32x4.lt': simd(0x43),
  'f32x4.gt': simd(0x44),
  'f32x4.le': simd(0x45),
  'f32x4.ge': simd(0x46),
  'f32x4.floor': simd(0x68),
  'f32x4.nearest': simd(0x6a),
  'i32x4.lt_s': simd(0x39),
  'i32x4.shl': simd(0xab),
  'i32x4.add': simd(0xae),
  'i32x4.sub': simd(0xb1),
  'f32x4.abs': simd(0xe0),
  'f32x4.neg': simd(0xe1),
  'f32x4.sqrt': simd(0xe3),
  'f32x4.add': simd(0xe4),
  'f32x4.sub': simd(0xe5),
  'f32x4.mul': simd(0xe6),
  'f32x4.div': simd(0xe7),
  'f32x4.min': simd(0xe8),
  'f32x4.max': simd(0xe9),
  'f32x4.pmin': simd(0xea),
  'f32x4.pmax': simd(0xeb),
  'i32x4.trunc_sat_f32x4_s': simd(0xf8),
  'f32x4.convert_i32x4_s': simd(0xfa),
  'f32x4.relaxed_madd': simd(0x105),
} as const;

export type PlainOp = keyof typeof PLAIN_OPS;

/** Memory instructions: encoding and natural alignment (log2 bytes). */
export const MEMORY_OPS = {
  'i32.load': { code: [0x28], align: 2 },
  'f32.load': { code: [0x2a], align: 2 },
  'i32.store': { code: [0x36], align: 2 },
  'f32.store': { code: [0x38], align: 2 },
  'v128.load': { code: simd(0x00), align: 4 },
  'v128.load32_splat': { code: simd(0x09), align: 2 },
  'v128.store': { code: simd(0x0b), align: 4 },
} as const;

export type MemoryOp = keyof typeof MEMORY_OPS;

/** Lane instructions: one lane index byte after the opcode (and a memarg before it for memory lanes). */
export const LANE_OPS = {
  'f32x4.extract_lane': { code: simd(0x1f), memory: false },
  'f32x4.replace_lane': { code: simd(0x20), memory: false },
  'v128.store32_lane': { code: simd(0x5a), memory: true },
  'v128.store64_lane': { code: simd(0x5b), memory: true },
} as const;

export type LaneOp = keyof typeof LANE_OPS;

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;
