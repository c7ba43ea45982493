/**
 * Graph validation: every value defined once, every input defined somewhere, no cycles, sane declared
 * shapes. Returns the model with its nodes (and those of control-flow bodies) in topological order, the
 * order every later stage relies on.
 */
import { GraphError, ShapeError, TensorDataError } from '../errors.js';
import { formatShape, MAX_ELEMENTS, sizeOf } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { isOnnxDomain, type Attribute, type Graph, type Model, type Node, type ValueInfo } from './graph.js';

const CONTROL_FLOW_OPS = new Set(['If', 'Loop', 'Scan']);

/** True for the ONNX ops whose attributes may hold subgraphs. */
export function isControlFlow(node: Node): boolean {
  return isOnnxDomain(node.domain) && CONTROL_FLOW_OPS.has(node.opType);
}

/** The subgraphs held by a node's attributes. */
export function subgraphsOf(node: Node): Graph[] {
  const graphs: Graph[] = [];
  for (const attribute of node.attributes.values()) if (attribute.type === 'graph') graphs.push(attribute.value);
  return graphs;
}

/** Names a node's subgraphs read from the enclosing scope: inputs the node depends on without listing them. */
export function implicitInputs(node: Node): string[] {
  const names = new Set<string>();
  for (const graph of subgraphsOf(node)) collectOuterReads(graph, names);
  return [...names];
}

function collectOuterReads(graph: Graph, into: Set<string>): void {
  const local = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  for (const node of graph.nodes) for (const name of node.outputs) local.add(name);
  for (const node of graph.nodes) {
    for (const name of [...node.inputs, ...implicitInputs(node)]) if (name !== '' && !local.has(name)) into.add(name);
  }
}

/** Every value a node reads, once each: its listed inputs (omitted optional ones left out) and its implicit ones. */
export function nodeReads(node: Node): string[] {
  const explicit = node.inputs.filter((name) => name !== '');
  return [...new Set(isControlFlow(node) ? [...explicit, ...implicitInputs(node)] : explicit)];
}

/**
 * Checks the graph and returns a model whose nodes are in topological order (stable: a graph already in
 * order keeps its order). Unknown ops are not checked here: the registry and the partitioner report them.
 */
export function validateGraph(model: Model): Model {
  return { ...model, graph: validateScope(model.graph, new Set(), 'graph') };
}

function validateScope(graph: Graph, outer: ReadonlySet<string>, path: string): Graph {
  for (const value of [...graph.inputs, ...graph.outputs, ...graph.valueInfo.values()]) checkDeclaredShape(value, path);

  // Where each value comes from, for messages about duplicates.
  const definedBy = new Map<string, string>();
  for (const input of graph.inputs) {
    if (definedBy.has(input.name))
      throw new GraphError(`${path}: graph input '${input.name}' is declared twice`, { value: input.name });
    definedBy.set(input.name, 'a graph input');
  }
  for (const [name, tensor] of graph.initializers) {
    if (definedBy.has(name)) {
      throw new GraphError(`${path}: '${name}' is both a graph input and an initializer`, {
        value: name,
        got: 'graph input and initializer',
      });
    }
    definedBy.set(name, 'an initializer');
    checkInitializerData(name, tensor, path);
    checkInitializerType(name, tensor, graph, path);
  }
  const producer = new Map<string, number>();
  graph.nodes.forEach((node, index) => {
    for (const name of node.outputs) {
      if (name === '') continue;
      const previous = definedBy.get(name);
      if (previous !== undefined) {
        throw new GraphError(`${path}: '${name}' is output by node '${node.name}' but is already ${previous}`, {
          value: name,
          node: node.name,
          got: [previous, `node '${node.name}'`],
        });
      }
      definedBy.set(name, `the output of node '${node.name}'`);
      producer.set(name, index);
    }
  });

  const inScope = new Set<string>([...outer, ...definedBy.keys()]);
  const nodes = graph.nodes.map((node) => validateSubgraphs(node, inScope, path));

  const isDefined = (name: string) => definedBy.has(name) || outer.has(name);
  const deps = nodes.map((node) =>
    nodeReads(node).map((name) => {
      if (!isDefined(name)) {
        throw new GraphError(
          `${path}: input '${name}' of ${node.opType} node '${node.name}' is not a graph input, an initializer or the output of any node`,
          {
            value: name,
            node: node.name,
            op: node.opType,
          },
        );
      }
      return producer.get(name);
    }),
  );
  for (const output of graph.outputs) {
    if (!isDefined(output.name))
      throw new GraphError(`${path}: graph output '${output.name}' is not defined by any node, input or initializer`, {
        value: output.name,
      });
  }

  const order = topologicalOrder(
    nodes,
    deps.map((d) => d.filter((i): i is number => i !== undefined)),
    path,
  );
  return { ...graph, nodes: order.map((i) => nodes[i]) };
}

/** Checks a node's graph attributes: only control flow may hold them, and their bodies must be valid in scope. */
function validateSubgraphs(node: Node, scope: ReadonlySet<string>, path: string): Node {
  let attributes: Map<string, Attribute> | undefined;
  for (const [name, attribute] of node.attributes) {
    if (attribute.type !== 'graph') continue;
    if (!isControlFlow(node)) {
      throw new GraphError(
        `${path}: ${node.opType} node '${node.name}' has a graph attribute '${name}', but only If, Loop and Scan take subgraphs`,
        {
          node: node.name,
          op: node.opType,
          attribute: name,
        },
      );
    }
    attributes ??= new Map(node.attributes);
    attributes.set(name, {
      type: 'graph',
      value: validateScope(attribute.value, scope, `${path}/${node.name}.${name}`),
    });
  }
  return attributes ? { ...node, attributes } : node;
}

/** Depth-first order that keeps the original order where it can; iterative so deep chains cannot overflow the stack. */
function topologicalOrder(nodes: readonly Node[], deps: readonly number[][], path: string): number[] {
  const state = new Uint8Array(nodes.length); // 0 unvisited, 1 on the stack, 2 done
  const order: number[] = [];
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] === 2) continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const dep = deps[top.node][top.next++];
      if (dep === undefined) {
        state[top.node] = 2;
        order.push(top.node);
        stack.pop();
      } else if (state[dep] === 1) {
        const cycle = stack
          .slice(stack.findIndex((frame) => frame.node === dep))
          .map((frame) => nodes[frame.node].name);
        throw new GraphError(
          `${path}: the graph has a cycle through nodes ${cycle.map((n) => `'${n}'`).join(' -> ')}`,
          { nodes: cycle },
        );
      } else if (state[dep] === 0) {
        state[dep] = 1;
        stack.push({ node: dep, next: 0 });
      }
    }
  }
  return order;
}

function checkDeclaredShape(value: ValueInfo, path: string): void {
  let elements = 1;
  for (const dim of value.shape ?? []) {
    if (typeof dim !== 'number') continue;
    if (!(Number.isSafeInteger(dim) && dim >= 0)) {
      throw new ShapeError(
        `${path}: value '${value.name}' declares dim ${dim} in shape [${value.shape?.join(', ')}]; dims must be non-negative integers`,
        {
          value: value.name,
          got: value.shape,
        },
      );
    }
    elements *= dim;
  }
  // Each dim may be exact while their product is not: such a tensor could never be counted, let alone held.
  if (elements > MAX_ELEMENTS) {
    throw new ShapeError(
      `${path}: value '${value.name}' declares shape [${value.shape?.join(', ')}], whose element count exceeds 2^53`,
      {
        value: value.name,
        expected: `<= ${MAX_ELEMENTS} elements`,
        got: value.shape,
      },
    );
  }
}

/**
 * An initializer must be a real tensor whose data holds exactly its dims' elements: kernels size their
 * loops from dims, so a shorter array (a hand-built or mutated tensor) would be read past its end.
 */
function checkInitializerData(name: string, tensor: Tensor, path: string): void {
  if (!isTensor(tensor)) {
    throw new TensorDataError(`${path}: initializer '${name}' is not a lastmile Tensor`, {
      value: name,
      expected: 'Tensor',
      got: typeof tensor,
    });
  }
  const elements = sizeOf(tensor.dims);
  const length = ArrayBuffer.isView(tensor.data) ? tensor.data.length : undefined;
  if (length !== elements || tensor.size !== elements) {
    throw new TensorDataError(
      `${path}: initializer '${name}' has ${length ?? 'no'} elements of data, its dims [${formatShape(tensor.dims)}] need ${elements}`,
      {
        value: name,
        expected: elements,
        got: length ?? null,
      },
    );
  }
}

/** An initializer must agree with what value_info or the graph outputs declare for it. */
function checkInitializerType(name: string, tensor: Tensor, graph: Graph, path: string): void {
  const declared = [graph.valueInfo.get(name), ...graph.outputs.filter((o) => o.name === name)];
  for (const info of declared) {
    if (!info) continue;
    const shapeAgrees =
      info.shape === undefined ||
      (info.shape.length === tensor.dims.length &&
        info.shape.every((d, i) => typeof d === 'string' || d === tensor.dims[i]));
    if (info.type !== tensor.type || !shapeAgrees) {
      throw new TensorDataError(
        `${path}: initializer '${name}' is ${tensor.type}[${formatShape(tensor.dims)}] but is declared ${info.type}[${formatShape(info.shape ?? ['?'])}]`,
        {
          value: name,
          expected: { type: info.type, shape: info.shape },
          got: { type: tensor.type, shape: [...tensor.dims] },
        },
      );
    }
  }
}
