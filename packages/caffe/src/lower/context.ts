/**
 * What a layer lowering sees: its layer, the SSA names of its bottoms and tops, the graph builder, and
 * its weights (read through {@link LayerContext.weights}, which checks count and shapes).
 */
import { ModelFormatError, UnsupportedOpError } from '@lastmile/core';
import type { caffe } from '../generated/caffe.js';
import type { GraphBuilder } from './builder.js';
import { type BlobSpec, readBlobs } from './weights.js';

export interface CaffeWarning {
  code: 'unknown-weights' | 'negative-variance';
  message: string;
  layer: string;
}

export class LayerContext {
  readonly name: string;
  readonly type: string;
  #weightsRead = false;

  constructor(
    readonly layer: caffe.LayerParameter,
    /** SSA names of the bottoms. */
    readonly inputs: string[],
    /** SSA names of the tops. */
    readonly outputs: string[],
    readonly b: GraphBuilder,
    readonly blobs: readonly caffe.BlobProto.$Properties[],
    readonly warn: (warning: CaffeWarning) => void,
  ) {
    this.name = layer.name;
    this.type = layer.type;
  }

  get weightsRead(): boolean {
    return this.#weightsRead;
  }

  inShape(i = 0): number[] {
    return this.b.shapeOf(this.inputs[i]);
  }

  /** The layer's blobs, checked against `expected` (count, shapes, data length). */
  weights(expected: readonly BlobSpec[]): Float32Array[] {
    this.#weightsRead = true;
    return readBlobs(this, this.blobs, expected);
  }

  /** Checks the number of bottoms and tops (`max` undefined: any number from `min`). */
  arity(bottoms: { min: number; max?: number }, tops: { min: number; max?: number }): void {
    const check = (what: string, got: number, r: { min: number; max?: number }) => {
      if (got < r.min || (r.max !== undefined && got > r.max)) {
        const expected =
          r.max === r.min ? `${r.min}` : r.max === undefined ? `at least ${r.min}` : `${r.min} to ${r.max}`;
        throw this.error(`has ${got} ${what}(s), expected ${expected}`, { expected, got });
      }
    };
    check('bottom', this.inputs.length, bottoms);
    check('top', this.outputs.length, tops);
  }

  /** A ModelFormatError naming the layer and its type. */
  error(message: string, details: Record<string, unknown> = {}): ModelFormatError {
    return new ModelFormatError(`${this.type} layer '${this.name}' ${message}`, {
      layer: this.name,
      type: this.type,
      ...details,
    });
  }

  /** An UnsupportedOpError naming the layer and its type. */
  unsupported(message: string, details: Record<string, unknown> = {}): UnsupportedOpError {
    return new UnsupportedOpError(`${this.type} layer '${this.name}' ${message}`, {
      layer: this.name,
      op: this.type,
      ...details,
    });
  }

  /** `axis` of a rank-`rank` blob, negative counting from the end, range-checked. */
  axis(axis: number, rank: number, what = 'axis'): number {
    const a = axis < 0 ? axis + rank : axis;
    if (!Number.isInteger(a) || a < 0 || a >= rank)
      throw this.error(`has ${what} ${axis}, out of range for a blob of rank ${rank}`, {
        expected: `[-${rank}, ${rank - 1}]`,
        got: axis,
      });
    return a;
  }
}

export type LayerLowering = (ctx: LayerContext) => void;
