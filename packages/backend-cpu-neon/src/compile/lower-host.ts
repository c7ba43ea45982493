/**
 * The fallback inside an executable: a node with no SIMD kernel runs core's reference kernel on the host.
 * Its float inputs are copied out of the arena (NHWC back to NCHW) and its outputs copied in; other
 * element types live on the host between steps. Explicit and rare: shape math is folded away at prepare.
 */
import { BackendError, isLastmileError, type Node, opFor, opsetOf, Tensor } from '@lastmile/core';
import { nchwToNhwc, nhwcToNchw } from '../layout/nhwc.js';
import type { GraphInfo, ValueDesc } from './graph-info.js';
import type { LoweredOp, Runtime } from './program.js';

/** Copies a stored float value out of the arena as an NCHW / row-major tensor. */
export function readStored(rt: Runtime, v: ValueDesc, address: number): Tensor {
  const data = new Float32Array(v.size);
  if (v.layout === 'nhwc') nhwcToNchw(rt.f32, address / 4, data, v.dims);
  else data.set(rt.f32.subarray(address / 4, address / 4 + v.size));
  return new Tensor('float32', data, v.dims);
}

/** Copies a float tensor into the arena in `v`'s stored layout. */
export function writeStored(rt: Runtime, v: ValueDesc, address: number, t: Tensor): void {
  const data = t.data as Float32Array;
  if (v.layout === 'nhwc') nchwToNhwc(data, rt.f32, address / 4, v.dims);
  else rt.f32.set(data, address / 4);
}

export function lowerHost(node: Node, g: GraphInfo): LoweredOp {
  const opset = opsetOf(g.model, node.domain);
  const op = opFor(node, opset);
  const runtime = (name: string) => name !== '' && !g.constant(name);
  const inArena = (name: string) => g.has(name) && g.value(name).type === 'float32';
  return {
    name: node.name,
    op: node.opType,
    runs: 'host',
    reads: node.inputs.filter(runtime),
    writes: node.outputs.filter((o) => o !== ''),
    emit(ctx) {
      const inputs = node.inputs.map((name) => {
        if (name === '') return { kind: 'none' as const };
        const constant = g.constant(name);
        if (constant) return { kind: 'constant' as const, tensor: constant };
        if (inArena(name)) return { kind: 'arena' as const, value: g.value(name), address: ctx.addressOf(name) };
        return { kind: 'host' as const, name };
      });
      const outputs = node.outputs.map((name) =>
        name === ''
          ? undefined
          : inArena(name)
            ? { name, value: g.value(name), address: ctx.addressOf(name) }
            : { name, value: undefined, address: -1 },
      );
      return (rt) => () => {
        const args = inputs.map((i) => {
          switch (i.kind) {
            case 'none':
              return undefined;
            case 'constant':
              return i.tensor;
            case 'arena':
              return readStored(rt, i.value, i.address);
            case 'host':
              return rt.host.get(i.name);
          }
        });
        let results: Tensor[];
        try {
          results = op.run(args, { node, opset });
        } catch (error) {
          if (isLastmileError(error)) throw error;
          throw new BackendError(
            `cpu-neon: ${node.opType} node '${node.name}' failed on the host: ${(error as Error)?.message}`,
            { backend: 'cpu-neon', node: node.name, op: node.opType },
            { cause: error },
          );
        }
        outputs.forEach((o, i) => {
          if (!o) return;
          if (o.value) writeStored(rt, o.value, o.address, results[i]);
          else rt.host.set(o.name, results[i]);
        });
      };
    },
  };
}
