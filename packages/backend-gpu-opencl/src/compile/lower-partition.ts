/**
 * A partition's model lowered to kernel launches: Conv + activation fused by core's pass, binary/Gemm +
 * activation fused here, then each node lowered; the buffers of its activations planned.
 */
import { BackendError, fuseActivations, isOnnxDomain, type Model, ModelView, type Tensor } from '@lastmile/core';
import { fuseEpilogues } from './epilogue-fusion.js';
import { lowerBinary } from './lower-elementwise.js';
import { lowerGemm } from './lower-matmul.js';
import { type MemoryPlan, planMemory } from './memory-plan.js';
import { opKernel } from './ops.js';
import { type KernelStep, product } from './steps.js';

export interface LoweredPartition {
  model: Model;
  steps: KernelStep[];
  aliases: Map<string, string>;
  memory: MemoryPlan;
  /** Initializers the steps read: uploaded once. */
  weights: Map<string, Tensor>;
}

export function lowerPartition(source: Model, bytesPerElement: number): LoweredPartition {
  const model = fuseActivations(source);
  const g = model.graph;
  const steps: KernelStep[] = [];
  const aliases = new Map<string, string>();
  // Initializers and the values of Constant nodes: whichever the steps read is uploaded once.
  const constants = new Map(g.initializers);
  const modelView = new ModelView(model);
  const view = modelView.supportContext();
  for (const item of fuseEpilogues(model, view)) {
    const node = 'activation' in item ? item.node : item;
    const nodeView = isOnnxDomain(node.domain) ? view : modelView.supportContext(node.domain);
    const kernel = opKernel(node);
    if (!kernel)
      throw new BackendError(`gpu-opencl has no kernel for ${node.opType} node '${node.name}'`, {
        backend: 'gpu-opencl',
        node: node.name,
        op: node.opType,
      });
    const lowered =
      'activation' in item
        ? node.opType === 'Gemm'
          ? lowerGemm(node, nodeView, item.activation)
          : lowerBinary(node, nodeView, item.activation)
        : kernel.lower(node, nodeView);
    if ('alias' in lowered) aliases.set(node.outputs[0], lowered.alias);
    else if ('weight' in lowered) constants.set(node.outputs[0], lowered.weight);
    else steps.push(...lowered.steps.filter((s) => s.workItems > 0));
  }
  const weights = new Map<string, Tensor>();
  for (const step of steps)
    for (const a of step.args)
      if (a.kind === 'value' && constants.has(a.name)) weights.set(a.name, constants.get(a.name) as Tensor);
  // An alias of a weight (a reshaped constant) reads the weight's buffer; so does an output that is one.
  for (const [alias, target] of aliases)
    if (constants.has(target) && !constants.has(alias)) weights.set(target, constants.get(target) as Tensor);
  for (const { name } of g.outputs) if (constants.has(name)) weights.set(name, constants.get(name) as Tensor);
  const memory = planMemory({
    steps,
    aliases,
    inputs: g.inputs.map((i) => i.name),
    outputs: g.outputs.map((o) => o.name),
    isWeight: (name) => weights.has(name),
    bytesOf: (name) => product((view.valueType(name)?.shape as number[] | undefined) ?? [1]) * bytesPerElement,
  });
  return { model, steps, aliases, memory, weights };
}
