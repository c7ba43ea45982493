/**
 * Multiply-accumulate counts, the work measure benchmarks divide by time (GMAC/s; GFLOP/s is twice that).
 * Counted as torchvision's published GFLOPS figures are: Conv, ConvTranspose, Gemm and MatMul only, biases
 * and everything elementwise left out.
 */
import { ShapeError, isOnnxDomain, sizeOf, type Model, type Node } from '@lastmile/core';

/** MACs of one forward pass, from the static shapes the graph declares (inputs, valueInfo, outputs, initializers). */
export function macs(model: Model): number {
  const shapes = staticShapes(model);
  const known = (node: Node, name: string): number[] => {
    const shape = shapes.get(name);
    if (!shape) {
      throw new ShapeError(
        `${node.opType} node '${node.name}': no static shape for '${name}'; run shape inference first`,
        { node: node.name, op: node.opType, value: name },
      );
    }
    return shape;
  };
  const shapeOf = (node: Node, index: number, minRank: number) => {
    const shape = known(node, node.inputs[index] ?? '');
    if (shape.length < minRank) {
      throw new ShapeError(
        `${node.opType} node '${node.name}': input ${index} has rank ${shape.length}, needs ${minRank} or more`,
        {
          node: node.name,
          op: node.opType,
          expected: minRank,
          got: shape.length,
        },
      );
    }
    return shape;
  };
  const outputShape = (node: Node) => known(node, node.outputs[0] ?? '');
  let total = 0;
  for (const node of model.graph.nodes) {
    if (!isOnnxDomain(node.domain)) continue;
    switch (node.opType) {
      case 'Conv': {
        // Each output element sums over in/group channels times the kernel: weight [M, C/group, k...].
        const [, perGroup, ...kernel] = shapeOf(node, 1, 3);
        total += sizeOf(outputShape(node)) * perGroup * sizeOf(kernel);
        break;
      }
      case 'ConvTranspose': {
        // Each input element scatters into out/group channels times the kernel: weight [C, M/group, k...].
        const [, perGroup, ...kernel] = shapeOf(node, 1, 3);
        total += sizeOf(shapeOf(node, 0, 3)) * perGroup * sizeOf(kernel);
        break;
      }
      case 'Gemm': {
        const a = shapeOf(node, 0, 2);
        const transA = node.attributes.get('transA');
        const k = transA?.type === 'int' && transA.value !== 0 ? a[0] : a[1];
        total += sizeOf(outputShape(node)) * k;
        break;
      }
      case 'MatMul': {
        const a = shapeOf(node, 0, 1);
        total += sizeOf(outputShape(node)) * a[a.length - 1];
        break;
      }
    }
  }
  return total;
}

function staticShapes(model: Model): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const { graph } = model;
  for (const info of [...graph.inputs, ...graph.valueInfo.values(), ...graph.outputs]) {
    if (info.shape?.every((d): d is number => typeof d === 'number')) shapes.set(info.name, info.shape);
  }
  for (const [name, tensor] of graph.initializers) shapes.set(name, [...tensor.dims]);
  return shapes;
}
