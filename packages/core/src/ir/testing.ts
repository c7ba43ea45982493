/**
 * Helpers for the graph IR tests: float32 graph inputs and the error a call throws.
 */
import type { Dim } from '../shape.js';
import type { ValueInfo } from './graph.js';

/** A float32 value info (a graph input or output), [2, 3] unless `shape` is given. */
export const f32 = (name: string, shape: Dim[] = [2, 3]): ValueInfo => ({ name, type: 'float32', shape });

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
