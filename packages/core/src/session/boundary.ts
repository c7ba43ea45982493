/**
 * Precision conversion where partitions meet: a device that computes in fp16 declares float16 inputs and
 * outputs, and the session converts float32 <-> float16 on the way in and out.
 */
import { BackendError } from '../errors.js';
import { allocData, floatToHalf, halfToFloat, Tensor, type TensorType } from '../tensor.js';

/** `tensor` as `want`, converting float32 <-> float16; any other mismatch is a BackendError naming `value`. */
export function convertAtBoundary(tensor: Tensor, want: TensorType, value: string, backend: string): Tensor {
  if (tensor.type === want) return tensor;
  if (tensor.type === 'float32' && want === 'float16') {
    const out = allocData('float16', tensor.size);
    const src = tensor.data as Float32Array;
    for (let i = 0; i < out.length; i++) out[i] = floatToHalf(src[i]);
    return new Tensor('float16', out, tensor.dims);
  }
  if (tensor.type === 'float16' && want === 'float32') {
    const out = allocData('float32', tensor.size);
    const src = tensor.data as Uint16Array;
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(src[i]);
    return new Tensor('float32', out, tensor.dims);
  }
  throw new BackendError(
    `value '${value}' is ${tensor.type} but backend '${backend}' works with ${want} there; only float32 <-> float16 is converted`,
    {
      value,
      backend,
      expected: want,
      got: tensor.type,
    },
  );
}
