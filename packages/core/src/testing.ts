/**
 * `@lastmile/core/testing`: one-node test models. A case names an op, its inputs (runtime tensors or
 * constants) and attributes; core builds its model, typed by the op's own shape inference, and its feeds.
 * The conformance kit generates its op suite from them, and backends test their kernels with them.
 *
 * @packageDocumentation
 */
export {
  caseFeeds,
  caseNode,
  caseTensors,
  constant,
  singleNodeModel,
  type CaseInput,
  type ConstantInput,
  type OneNodeCase,
} from './ir/one-node.js';
