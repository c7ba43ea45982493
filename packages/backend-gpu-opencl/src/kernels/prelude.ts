/**
 * What every kernel shares: the storage type (float, or half read and written with vload_half /
 * vstore_half, which OpenCL 1.2 has without cl_khr_fp16), arithmetic in float, and the activations.
 */

/** Activation codes, as the kernels' `act` argument takes them. */
export const ACT = {
  none: 0,
  relu: 1,
  leakyrelu: 2,
  clip: 3,
  sigmoid: 4,
  hardsigmoid: 5,
  hardswish: 6,
  tanh: 7,
  sqrt: 8,
  exp: 9,
  log: 10,
  neg: 11,
  abs: 12,
  erf: 13,
} as const;

export const PRELUDE = /* c */ `
/* raw_t moves elements bit for bit (copies need no arithmetic, and half is not dereferenceable in 1.2). */
#ifdef LM_FP16
typedef half store_t;
typedef ushort raw_t;
#define LOAD(p, i) vload_half((i), (p))
#define STORE(p, i, v) vstore_half((v), (i), (p))
#else
typedef float store_t;
typedef uint raw_t;
#define LOAD(p, i) ((p)[i])
#define STORE(p, i, v) ((p)[i] = (v))
#endif

/* Comparisons rather than fmax/fmin, so that NaN passes through as ONNX's reference does. */
float activate(float x, int act, float p0, float p1) {
  switch (act) {
    case ${ACT.relu}: return x < 0.0f ? 0.0f : x;
    case ${ACT.leakyrelu}: return x < 0.0f ? p0 * x : x;
    case ${ACT.clip}: { float y = x < p0 ? p0 : x; return y > p1 ? p1 : y; }
    case ${ACT.sigmoid}: return x >= 0.0f ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x));
    case ${ACT.hardsigmoid}: { float y = p0 * x + p1; y = y < 0.0f ? 0.0f : y; return y > 1.0f ? 1.0f : y; }
    case ${ACT.hardswish}: return x * clamp(x / 6.0f + 0.5f, 0.0f, 1.0f);
    case ${ACT.tanh}: return tanh(x);
    case ${ACT.sqrt}: return sqrt(x);
    case ${ACT.exp}: return exp(x);
    case ${ACT.log}: return log(x);
    case ${ACT.neg}: return -x;
    case ${ACT.abs}: return fabs(x);
    case ${ACT.erf}: return erf(x);
    default: return x;
  }
}
`;
