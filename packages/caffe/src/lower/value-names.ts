/**
 * Caffe blobs -> SSA values. A blob may be rewritten in place (top == bottom, as ReLU after Convolution
 * usually is); each rewrite becomes a new value. A blob's last version keeps the blob's name (so outputs
 * are named as in Caffe), earlier versions are named `blob/layer` after the layer that wrote them; a net
 * input keeps its name and its rewrites are renamed instead.
 */
import { GraphError } from '@lastmile/core';

export interface LayerBlobs {
  name: string;
  bottom: readonly string[];
  top: readonly string[];
}

export interface ValueNames {
  /** Per layer: the values its bottoms read and its tops write. */
  layers: { inputs: string[]; outputs: string[] }[];
  /** How many bottoms read each value. */
  readers: Map<string, number>;
  /** The last version of every blob written by a layer and read by none: the net's outputs, in order. */
  outputs: string[];
  /** Every value name used. */
  all: Set<string>;
}

export function nameValues(inputBlobs: readonly string[], layers: readonly LayerBlobs[]): ValueNames {
  const defs = new Map<string, number>();
  for (const blob of inputBlobs) {
    if (defs.has(blob)) throw new GraphError(`net input '${blob}' is declared twice`, { value: blob });
    defs.set(blob, 1);
  }
  for (const layer of layers) {
    layer.bottom.forEach((blob, i) => {
      if (!defs.has(blob))
        throw new GraphError(
          `layer '${layer.name}' reads bottom #${i} '${blob}', which no earlier layer or net input produces`,
          { layer: layer.name, value: blob },
        );
    });
    const seen = new Set<string>();
    for (const blob of layer.top) {
      if (seen.has(blob))
        throw new GraphError(`layer '${layer.name}' lists top '${blob}' twice`, { layer: layer.name, value: blob });
      seen.add(blob);
      if (defs.has(blob) && !layer.bottom.includes(blob)) {
        throw new GraphError(
          `top blob '${blob}' of layer '${layer.name}' is produced by multiple sources (only in-place rewrites, top == bottom, may reuse a name)`,
          {
            layer: layer.name,
            value: blob,
          },
        );
      }
      defs.set(blob, (defs.get(blob) ?? 0) + 1);
    }
  }

  const inputs = new Set(inputBlobs);
  const all = new Set<string>(defs.keys());
  const unique = (hint: string) => {
    let name = hint;
    for (let i = 2; all.has(name); i++) name = `${hint}_${i}`;
    all.add(name);
    return name;
  };
  const version = new Map<string, number>();
  const current = new Map<string, string>(inputBlobs.map((b) => [b, b]));
  const readers = new Map<string, number>();
  const order = new Set<string>();
  const named = layers.map((layer) => {
    const ins = layer.bottom.map((blob) => current.get(blob) as string);
    for (const v of ins) readers.set(v, (readers.get(v) ?? 0) + 1);
    const outs = layer.top.map((blob) => {
      const k = (version.get(blob) ?? (inputs.has(blob) ? 0 : -1)) + 1;
      version.set(blob, k);
      const last = k === (defs.get(blob) as number) - 1;
      const name = last && !inputs.has(blob) ? blob : unique(`${blob}/${layer.name}`);
      current.set(blob, name);
      order.add(blob);
      return name;
    });
    return { inputs: ins, outputs: outs };
  });
  const outputs = [...order].map((blob) => current.get(blob) as string).filter((v) => !readers.has(v));
  return { layers: named, readers, outputs, all };
}
