/**
 * Calibration with a choice of observer: core's streaming calibration (one pass over the samples through
 * the reference interpreter), each value's range chosen by the observer of `method`.
 */
import { type CalibrationMethod, type CalibrationTable, calibrate, type Model, type Tensor } from '@lastmile/core';
import { type ObserverOptions, observerFor } from './observers/observers.js';

export interface CalibrationOptions extends ObserverOptions {
  /** How each value's range is chosen (default `minmax`). */
  method?: CalibrationMethod;
  signal?: AbortSignal;
}

/**
 * A calibration table for `model` (as a session holds it: `session.model`) over `samples`, streamed:
 * an async iterable keeps one sample in memory at a time.
 */
export function calibrateModel(
  model: Model,
  samples: AsyncIterable<Record<string, Tensor>> | Iterable<Record<string, Tensor>>,
  options: CalibrationOptions = {},
): Promise<CalibrationTable> {
  const method = options.method ?? 'minmax';
  return calibrate(model, samples, {
    ...(options.type !== undefined ? { type: options.type } : {}),
    ...(options.symmetric !== undefined ? { symmetric: options.symmetric } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    observer: { method, create: observerFor(method, options) },
  });
}
