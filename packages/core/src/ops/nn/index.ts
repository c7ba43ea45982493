import type { OpDef } from '../op.js';
import { Add, Div, Mul, Pow, PRelu, Sub } from './binary.js';
import { Conv, FusedConv } from './conv.js';
import { ConvTranspose } from './conv-transpose.js';
import { MatMul, Gemm } from './matmul.js';
import { BatchNormalization, LRN } from './normalization.js';
import { AveragePool, GlobalAveragePool, GlobalMaxPool, MaxPool } from './pool.js';
import { quantizationOps } from './quantize.js';
import { microsoftQuantizationOps } from './quantize-contrib.js';
import { ReduceMax, ReduceMean, ReduceSum } from './reduce.js';
import { LogSoftmax, Softmax } from './softmax.js';
import {
  Abs,
  Clip,
  Erf,
  Exp,
  HardSigmoid,
  HardSwish,
  LeakyRelu,
  Log,
  Neg,
  Relu,
  Sigmoid,
  Sqrt,
  Tanh,
} from './unary.js';

/** Math, activations, convolution, pooling, normalization, matmul, softmax and reductions. */
export const nnOps: OpDef[] = [
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  PRelu,
  Relu,
  LeakyRelu,
  Clip,
  Sigmoid,
  HardSigmoid,
  HardSwish,
  Tanh,
  Erf,
  Exp,
  Log,
  Sqrt,
  Neg,
  Abs,
  MatMul,
  Gemm,
  Conv,
  FusedConv,
  ConvTranspose,
  BatchNormalization,
  LRN,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  GlobalMaxPool,
  Softmax,
  LogSoftmax,
  ReduceSum,
  ReduceMean,
  ReduceMax,
  ...quantizationOps,
  ...microsoftQuantizationOps,
];
