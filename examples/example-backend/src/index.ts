/**
 * A minimal third-party lastmile backend, the one the conformance kit's guide walks through. It runs
 * Relu, Sigmoid, Add and Mul on float32 with its own kernels and declines everything else, so a session
 * (or the conformance kit with fallback off) reports those nodes as unsupported.
 *
 * @packageDocumentation
 */
import { type Backend, BackendError, type Executable, type Model, type Node, type Tensor } from '@lastmile/core';
import { mapBinary, mapUnary } from './kernels.js';

type Kernel = (inputs: Tensor[]) => Tensor;

const KERNELS: Readonly<Record<string, Kernel>> = {
  Relu: ([x]) => mapUnary(x, (v) => (v > 0 || Number.isNaN(v) ? v : 0)),
  Sigmoid: ([x]) => mapUnary(x, (v) => 1 / (1 + Math.exp(-v))),
  Add: ([x, y]) => mapBinary(x, y, (p, q) => p + q),
  Mul: ([x, y]) => mapBinary(x, y, (p, q) => p * q),
};

const NAME = 'lastmile-backend-example';

class ExampleExecutable implements Executable {
  readonly inputs;
  readonly outputs;
  #model: Model | undefined;

  constructor(model: Model) {
    this.#model = model;
    this.inputs = model.graph.inputs;
    this.outputs = model.graph.outputs;
  }

  async run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const model = this.#model;
    if (model === undefined) throw new BackendError(`the ${NAME} executable was disposed`, { backend: NAME });
    const values = new Map<string, Tensor>([...model.graph.initializers, ...Object.entries(feeds)]);
    for (const node of model.graph.nodes) {
      const inputs = node.inputs.map((name) => {
        const t = values.get(name);
        if (t === undefined)
          throw new BackendError(`node '${node.name}' reads '${name}', which has no value`, {
            backend: NAME,
            node: node.name,
            value: name,
          });
        return t;
      });
      values.set(node.outputs[0], KERNELS[node.opType](inputs));
    }
    return Object.fromEntries(this.outputs.map((o) => [o.name, values.get(o.name) as Tensor]));
  }

  dispose(): void {
    this.#model = undefined;
  }
}

const isFloat32 = (node: Node, valueType: (name: string) => { type: string } | undefined) =>
  node.inputs.every((name) => valueType(name)?.type === 'float32');

/**
 * The backend descriptor, found by its package name: `backends: ['lastmile-backend-example']`. It is
 * written against contract version 1 and kept so: core loads it through its version-1 adapter, which the
 * conformance kit's run of it proves. (A new backend declares `apiVersion: 2`; see docs/backend-guide.md.)
 */
export const backend: Backend = {
  apiVersion: 1,
  name: NAME,
  probe: () => ({ available: true, kind: 'software', device: 'example kernels in plain TypeScript' }),
  supports(node, context) {
    if (node.domain !== '' || !Object.hasOwn(KERNELS, node.opType))
      return { supported: false, reason: `${node.opType} is not one of ${Object.keys(KERNELS).join(', ')}` };
    if (!isFloat32(node, (name) => context.valueType(name)))
      return { supported: false, reason: `${node.opType} runs on float32 only` };
    return { supported: true };
  },
  async compile(partition) {
    return new ExampleExecutable(partition.model);
  },
};
