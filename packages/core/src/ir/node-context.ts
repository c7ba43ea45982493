/**
 * What the graph drivers (inference, interpreter, passes) share about running one node: errors that say
 * which node failed.
 */
import { GraphError, LastmileError, isLastmileError, type ErrorDetails } from '../errors.js';
import type { Node } from './graph.js';

type ErrorConstructor = new (message: string, details?: ErrorDetails, options?: { cause?: unknown }) => LastmileError;

/**
 * Runs `fn` for `node`; a lastmile error that does not name the node is re-thrown as the same class with
 * the node added, and any other error (a kernel bug hit by a bad model) becomes a GraphError, so a plain
 * TypeError or RangeError never escapes.
 */
export function withNodeContext<T>(node: Node, stage: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const where = `${node.opType} node '${node.name}'`;
    if (isLastmileError(error)) {
      const Class = error.constructor as ErrorConstructor;
      // Errors from another copy of core keep their class and message: only ours take (message, details).
      if (error.details.node === node.name || !(error instanceof LastmileError) || error.constructor === LastmileError)
        throw error;
      const message = error.message.includes(`'${node.name}'`) ? error.message : `${where}: ${error.message}`;
      throw new Class(message, { ...error.details, node: node.name, op: node.opType }, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new GraphError(
      `${stage} of ${where} failed: ${message}`,
      { node: node.name, op: node.opType },
      { cause: error },
    );
  }
}
