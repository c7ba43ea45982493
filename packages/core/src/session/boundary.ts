/**
 * Conversion where partitions meet. An executable declares the type of each input and output: float32,
 * float16 for a device computing in fp16, or int8/uint8 with its quantization for one computing in
 * integers. A value passes between two partitions as it is when both sides agree (same type and the
 * same quantization), and is converted otherwise, with QuantizeLinear's and DequantizeLinear's exact
 * arithmetic. A device codec (`Quantization.codec`) is only ever handed to the same codec.
 */
import type { DeviceTensor } from '../backend/contract.js';
import { BackendError } from '../errors.js';
import { makeNode, type Quantization, sameQuantization, type ValueType } from '../ir/graph.js';
import { a } from '../ir/attributes.js';
import { opFor } from '../ops/registry.js';
import { allocData, floatToHalf, halfToFloat, isTensor, Tensor } from '../tensor.js';

/** The quantization the producing executable declared for values that do not carry their own. */
const declaredQuantization = new WeakMap<Tensor | DeviceTensor, Quantization>();

/**
 * What the integers of a value from an executable mean (undefined for floats and plain integers): a
 * device tensor's own `quant`, else what its executable declared for that output.
 */
export function quantizationOf(value: Tensor | DeviceTensor): Quantization | undefined {
  return (isTensor(value) ? undefined : value.quant) ?? declaredQuantization.get(value);
}

/** Notes the quantization an executable declared for a value it returned. */
export function withQuantization<T extends Tensor | DeviceTensor>(value: T, quant: Quantization | undefined): T {
  if (quant !== undefined) declaredQuantization.set(value, quant);
  return value;
}

/** True when a value of `from` reaches a reader of `want` unchanged. */
export function agrees(from: ValueType, want: ValueType): boolean {
  return from.type === want.type && sameQuantization(from.quant, want.quant);
}

// The opset whose QuantizeLinear / DequantizeLinear take per-axis parameters.
const QDQ_OPSET = 13;

/** Runs QuantizeLinear or DequantizeLinear on `x` with `quant`'s parameters. */
function qdq(
  op: 'QuantizeLinear' | 'DequantizeLinear',
  x: Tensor,
  quant: Quantization,
  type: 'int8' | 'uint8',
): Tensor {
  const per = quant.scale.length;
  const dims = per === 1 ? [] : [per];
  const node = makeNode(op, ['x', 's', 'z'], ['y'], quant.axis === undefined ? {} : { axis: a.int(quant.axis) });
  const args = [
    x,
    new Tensor('float32', Float32Array.from(quant.scale), dims),
    new Tensor(type, quant.zeroPoint, dims),
  ];
  return opFor(node, QDQ_OPSET).run(args, { node, opset: QDQ_OPSET })[0];
}

/**
 * `tensor` (whose integers mean `from`, when quantized) as a reader declaring `want` needs it. Float32
 * and float16 convert both ways; floats quantize to int8/uint8 with `want.quant`; quantized integers
 * dequantize, or requantize through float32. Anything else is a BackendError naming `value` and its
 * `reader` ("backend 'x'", "the model's output").
 */
export function convertAtBoundary(
  tensor: Tensor,
  from: Quantization | undefined,
  want: ValueType,
  value: string,
  reader: string,
): Tensor {
  if (agrees({ type: tensor.type, quant: from }, want)) return tensor;
  const refuse = (why: string): never => {
    throw new BackendError(
      `value '${value}' is ${describe(tensor.type, from)} but ${reader} takes ${describe(want.type, want.quant)}: ${why}`,
      { value, reader, expected: want.type, got: tensor.type },
    );
  };
  if (from?.codec !== undefined || want.quant?.codec !== undefined)
    refuse('a device codec is handed only to the same codec');
  let real: Tensor;
  if (tensor.type === 'float32') real = tensor;
  else if (tensor.type === 'float16') real = halfToFloat32(tensor);
  else if ((tensor.type === 'int8' || tensor.type === 'uint8') && from !== undefined)
    real = qdq('DequantizeLinear', tensor, from, tensor.type);
  else return refuse('only float32, float16 and quantized int8/uint8 are converted');
  if (want.type === 'float32') return real;
  if (want.type === 'float16') return float32ToHalf(real);
  if ((want.type === 'int8' || want.type === 'uint8') && want.quant !== undefined)
    return withQuantization(qdq('QuantizeLinear', real, want.quant, want.type), want.quant);
  return refuse('only float32, float16 and quantized int8/uint8 are converted');
}

function describe(type: string, quant: Quantization | undefined): string {
  if (quant === undefined) return type;
  if (quant.codec !== undefined) return `${type} (${quant.codec})`;
  return `${type} (scale ${quant.scale.length === 1 ? quant.scale[0] : `per axis ${quant.axis}`})`;
}

function halfToFloat32(tensor: Tensor): Tensor {
  const out = allocData('float32', tensor.size);
  const src = tensor.data as Uint16Array;
  for (let i = 0; i < out.length; i++) out[i] = halfToFloat(src[i]);
  return new Tensor('float32', out, tensor.dims);
}

function float32ToHalf(tensor: Tensor): Tensor {
  const out = allocData('float16', tensor.size);
  const src = tensor.data as Float32Array;
  for (let i = 0; i < out.length; i++) out[i] = floatToHalf(src[i]);
  return new Tensor('float16', out, tensor.dims);
}
