/**
 * Expected outputs from onnxruntime-node, which the generator loads only when it runs: it is an optional
 * peer dependency of the kit, needed to generate suites, not to run them.
 */
import { BackendUnavailableError, Tensor, type TensorType } from '@lastmile/core';
import type * as Ort from 'onnxruntime-node';

let loaded: Promise<typeof Ort> | undefined;

/** onnxruntime-node, or BackendUnavailableError saying how to install it. */
export function loadOrt(): Promise<typeof Ort> {
  loaded ??= import('onnxruntime-node').then(
    (ort) => {
      // Its warnings (legacy opsets in generated cases) are expected here; errors still surface as exceptions.
      ort.env.logLevel = 'error';
      return ort;
    },
    (cause: unknown) => {
      loaded = undefined;
      throw new BackendUnavailableError(
        'generating suites needs onnxruntime-node for the expected outputs: npm install --save-dev onnxruntime-node',
        { package: 'onnxruntime-node' },
        { cause },
      );
    },
  );
  return loaded;
}

/** Runs an ONNX model in onnxruntime-node; outputs in the model's output order. */
export async function runOrt(
  model: Uint8Array,
  feeds: readonly { name: string; tensor: Tensor }[],
): Promise<{ name: string; tensor: Tensor }[]> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(model);
  try {
    const input: Record<string, Ort.Tensor> = {};
    for (const { name, tensor } of feeds)
      input[name] = new ort.Tensor(tensor.type, tensor.data as Ort.Tensor.DataType, [...tensor.dims]);
    const result = await session.run(input);
    return session.outputNames.map((name) => {
      const t = result[name];
      // ORT's bool data is a Uint8Array view into its own buffer: copy it out.
      const data = t.type === 'bool' ? new Uint8Array(t.data as Uint8Array) : t.data;
      return { name, tensor: new Tensor(t.type as TensorType, data as never, t.dims as number[]) };
    });
  } finally {
    await session.release();
  }
}
