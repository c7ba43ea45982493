/**
 * One-node test models: core's one-node cases (re-exported beside the other test helpers) and what
 * core's op definition, the reference kernel, computes for a case.
 */
import { opFor, opsetOf, type Tensor } from '@lastmile/core';
import { caseTensors, type OneNodeCase, singleNodeModel } from '@lastmile/core/testing';

export {
  caseFeeds,
  constant,
  singleNodeModel,
  type CaseInput,
  type ConstantInput,
  type OneNodeCase as OpCase,
} from '@lastmile/core/testing';

/** The case's outputs from core's op definition (the reference kernel), at the opset of its model. */
export function runReference(c: OneNodeCase): Tensor[] {
  const model = singleNodeModel(c);
  const node = model.graph.nodes[0];
  const opset = opsetOf(model, node.domain);
  return opFor(node, opset).run(caseTensors(c), { node, opset });
}
