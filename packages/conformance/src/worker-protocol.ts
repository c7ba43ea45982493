/**
 * The messages between the runner and a case worker. Tensors cross as plain { type, data, dims } (the
 * structured clone of a Tensor), errors as their name, code, message and details.
 */
import { isLastmileError, type Precision, Tensor, type TensorData, type TensorType } from '@lastmile/core';

/** A tensor as structured clone carries it. */
export interface WireTensor {
  type: TensorType;
  data: TensorData;
  dims: readonly number[];
}

/** What a worker is asked to do: run a model on a backend, once per feed set. */
export interface WorkerTask {
  modelPath: string;
  backend: string;
  projectRoot: string;
  /** Let nodes the backend declines run on the reference backend. */
  fallback: boolean;
  /** The session's precision; absent: the backend's default. */
  precision?: Precision;
  /** Input tensors per data set, in the order of the model's runtime inputs. */
  feeds: WireTensor[][];
  /** After the runs, export the plan as a bundle to this path. */
  exportTo?: string;
  /** Run this bundle (`Session.load`) instead of compiling the model. */
  loadFrom?: string;
  /** Also stop a prepare and runs (see abort-check.ts). */
  abort?: boolean;
  /** Also run the model cut into several partitions sharing one context (see context-check.ts). */
  contexts?: boolean;
  /** The case's declared tolerance, for the context check. */
  tolerance?: { rtol?: number; atol?: number };
}

/** A typed error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What a worker answers. */
export type WorkerReply =
  | {
      kind: 'done';
      /** Output tensors per data set, in the order of the model's outputs. */
      outputs: WireTensor[][];
      outputNames: string[];
      /** Nodes that ran on the fallback backend rather than the one under test. */
      fallbackNodes: number;
      /** What the abort or context check found wrong, when it ran and something was. */
      problem?: string;
    }
  | { kind: 'error'; error: WireError };

/** A Tensor again, from its structured clone. */
export function fromWire(t: WireTensor): Tensor {
  return new Tensor(t.type, t.data, t.dims);
}

/** The cloneable part of an error: details that cannot be cloned are dropped, not fatal. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const wire: WireError = { name: error.name, message: error.message };
  if (isLastmileError(error)) {
    wire.code = error.code;
    try {
      wire.details = structuredClone({ ...error.details });
    } catch {
      // Details holding functions or class instances do not cross threads; the message still does.
    }
  }
  return wire;
}
