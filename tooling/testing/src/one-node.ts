/**
 * One-node test models: core's one-node cases (re-exported beside the other test helpers) and what
 * core's op definition, the reference kernel, computes for a case.
 */
import { caseTensors, type OneNodeCase, opFor, opsetFor, singleNodeModel, type Tensor } from '@lastmile/core';

export {
  caseFeeds,
  constant,
  singleNodeModel,
  type CaseInput,
  type ConstantInput,
  type OneNodeCase as OpCase,
} from '@lastmile/core';

/** The case's outputs from core's op definition (the reference kernel), at the opset of its model. */
export function runReference(c: OneNodeCase): Tensor[] {
  const model = singleNodeModel(c);
  const node = model.graph.nodes[0];
  const opset = opsetFor(model, node);
  return opFor(node, opset).run(caseTensors(c), { node, opset });
}
