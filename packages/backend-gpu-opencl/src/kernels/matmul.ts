/**
 * MatMul (batched, with the batch dims broadcast through `meta`: batch rank, output batch dims, then A's
 * and B's batch strides in matrices) and Gemm (transposes, alpha, beta, and C broadcast by two strides).
 * One work-item per output element.
 */

export const MATMUL_SOURCE = /* c */ `
__kernel void matmul(__global const store_t* a, __global const store_t* b, __global store_t* y, __global const int* meta,
                     int n, int M, int N, int K) {
  int i = get_global_id(0);
  if (i >= n) return;
  int col = i % N; int t = i / N;
  int row = t % M; int batch = t / M;
  int rank = meta[0];
  int ba = 0, bb = 0, r = batch;
  for (int d = rank - 1; d >= 0; d--) {
    int c = r % meta[1 + d];
    r /= meta[1 + d];
    ba += c * meta[1 + rank + d];
    bb += c * meta[1 + 2 * rank + d];
  }
  int ao = ba * M * K + row * K, bo = bb * K * N + col;
  float acc = 0.0f;
  for (int k = 0; k < K; k++) acc += LOAD(a, ao + k) * LOAD(b, bo + k * N);
  STORE(y, i, acc);
}

__kernel void gemm(__global const store_t* a, __global const store_t* b, __global const store_t* c, __global store_t* y,
                   int n, int M, int N, int K, int transA, int transB, float alpha, float beta, int cStrideM, int cStrideN, int act, float p0, float p1) {
  int i = get_global_id(0);
  if (i >= n) return;
  int col = i % N, row = i / N;
  int as = transA ? M : 1, ao = transA ? row : row * K;
  int bs = transB ? 1 : N, bo = transB ? col * K : col;
  float acc = 0.0f;
  for (int k = 0; k < K; k++) acc += LOAD(a, ao + k * as) * LOAD(b, bo + k * bs);
  float v = alpha * acc + beta * LOAD(c, row * cStrideM + col * cStrideN);
  STORE(y, i, activate(v, act, p0, p1));
}
`;
