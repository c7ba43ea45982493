/**
 * The example backend's own kernels: float32 elementwise ops with numpy broadcasting.
 */
import { broadcastShapes, sizeOf, stridesOf, Tensor } from '@lastmile/core';

/** A unary float32 kernel. */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const data = x.data as Float32Array;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f(data[i]);
  return new Tensor('float32', out, x.dims);
}

/** A binary float32 kernel with numpy broadcasting. */
export function mapBinary(x: Tensor, y: Tensor, f: (a: number, b: number) => number): Tensor {
  const dims = broadcastShapes(x.dims, y.dims);
  const out = new Float32Array(sizeOf(dims));
  const outStrides = stridesOf(dims);
  // Strides of each operand in the output's index space: 0 along broadcast axes.
  const stridesIn = (t: Tensor) => {
    const own = stridesOf(t.dims);
    const offset = dims.length - t.dims.length;
    return dims.map((_, axis) => (axis < offset || t.dims[axis - offset] === 1 ? 0 : own[axis - offset]));
  };
  const sx = stridesIn(x);
  const sy = stridesIn(y);
  const xd = x.data as Float32Array;
  const yd = y.data as Float32Array;
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let ix = 0;
    let iy = 0;
    for (let axis = 0; axis < dims.length; axis++) {
      const coordinate = Math.floor(rest / outStrides[axis]);
      rest -= coordinate * outStrides[axis];
      ix += coordinate * sx[axis];
      iy += coordinate * sy[axis];
    }
    out[i] = f(xd[ix], yd[iy]);
  }
  return new Tensor('float32', out, dims);
}
