/**
 * A small graph builder over core's IR: each method appends a node (with its seeded weights) and returns
 * the name of the value it produces. Shapes are tracked as the graph grows, so weight shapes follow from
 * the input and every intermediate value gets a static type in `graph.valueInfo`. Activation statistics
 * are tracked too (see moments.ts), so BatchNormalization gets running statistics that fit its input.
 */
import {
  AttributeError,
  GraphError,
  SeededRandom,
  ShapeError,
  Tensor,
  a,
  broadcastShapes,
  checkDim,
  emptyGraph,
  makeNode,
  normalizeAxis,
  sizeOf,
  type Attribute,
  type Graph,
  type Model,
  type TensorType,
  type ValueInfo,
} from '@lastmile/core';
import {
  concatenated,
  momentsOfData,
  pooled,
  remapped,
  throughAdd,
  throughAverage,
  throughBatchNorm,
  throughElementwise,
  throughLinear,
  throughMax,
  throughMul,
  uniformMoments,
  type Moments,
} from './moments.js';

/** The IR version that goes with each opset the builder writes (ONNX's versioning table). */
const IR_VERSION_OF_OPSET: ReadonlyMap<number, number> = new Map([
  [11, 6],
  [12, 7],
  [13, 7],
  [14, 7],
  [15, 8],
  [16, 8],
  [17, 8],
  [18, 8],
  [19, 9],
  [20, 9],
  [21, 10],
]);

export interface ModelBuilderOptions {
  /** Opset of the standard domain, 11-21 (default 17). */
  opset?: number;
  /** Seed of the weights (default 0). */
  seed?: number;
  /** Graph name (default 'graph'). */
  name?: string;
}

/** A spatial size given once for every spatial axis, or per axis. */
export type SpatialSize = number | readonly number[];

export interface ConvOptions {
  outChannels: number;
  kernel: SpatialSize;
  stride?: SpatialSize;
  /** Symmetric padding per spatial axis, as PyTorch's `padding` (default 0). */
  pad?: SpatialSize;
  group?: number;
  dilation?: SpatialSize;
  /** Adds a bias input (default false: convs followed by BatchNormalization have none). */
  bias?: boolean;
  name?: string;
}

export interface PoolOptions {
  kernel: SpatialSize;
  /** Default: the kernel size, as PyTorch's pools. */
  stride?: SpatialSize;
  pad?: SpatialSize;
  ceilMode?: boolean;
  name?: string;
}

export interface GemmOptions {
  outFeatures: number;
  /** Default true, as PyTorch's Linear. */
  bias?: boolean;
  name?: string;
}

/**
 * Builds a `Model` node by node with seeded random weights: He-scaled conv and Gemm weights, and
 * BatchNormalization statistics near the estimated moments of its input (inputs taken as unit variance).
 */
export class ModelBuilder {
  readonly opset: number;
  private readonly random: SeededRandom;
  private readonly graph: Graph;
  private readonly shapes = new Map<string, number[]>();
  private readonly types = new Map<string, TensorType>();
  private readonly moments = new Map<string, Moments>();
  private readonly counters = new Map<string, number>();

  constructor(options: ModelBuilderOptions = {}) {
    this.opset = options.opset ?? 17;
    if (!IR_VERSION_OF_OPSET.has(this.opset)) {
      throw new AttributeError(`ModelBuilder writes opsets 11-21, got ${this.opset}`, {
        expected: '11-21',
        got: this.opset,
      });
    }
    this.random = new SeededRandom(options.seed ?? 0);
    this.graph = emptyGraph(options.name ?? 'graph');
  }

  /** The static shape of a value built so far. */
  shapeOf(value: string): number[] {
    const shape = this.shapes.get(value);
    if (!shape) throw new GraphError(`value '${value}' is not defined in the graph being built`, { value });
    return [...shape];
  }

  /** Declares a graph input (float32 unless `type` says otherwise). */
  input(name: string, shape: readonly number[], type: TensorType = 'float32'): string {
    for (const d of shape) checkDim(d, `dimension of input '${name}'`);
    this.define(name, [...shape], type, uniformMoments(0, 1));
    this.graph.inputs.push({ name, type, shape: [...shape] });
    return name;
  }

  /** Adds a constant tensor; returns its name. */
  initializer(tensor: Tensor, name = this.fresh('const')): string {
    this.define(
      name,
      [...tensor.dims],
      tensor.type,
      tensor.type === 'float32' ? momentsOfData(tensor.data as Float32Array) : uniformMoments(0, 0),
    );
    this.graph.initializers.set(name, tensor);
    return name;
  }

  /** Marks `value` as a graph output, renaming it to `name` when given. */
  output(value: string, name = value): string {
    const shape = this.shapeOf(value);
    const type = this.types.get(value) ?? 'float32';
    if (name !== value) this.rename(value, name);
    this.graph.outputs.push({ name, type, shape });
    return name;
  }

  /** The model, with every intermediate value's type in `graph.valueInfo`. */
  build(): Model {
    const declared = new Set([...this.graph.inputs, ...this.graph.outputs].map((v) => v.name));
    const valueInfo = new Map<string, ValueInfo>();
    for (const node of this.graph.nodes) {
      for (const out of node.outputs) {
        if (!declared.has(out))
          valueInfo.set(out, { name: out, type: this.types.get(out) ?? 'float32', shape: this.shapeOf(out) });
      }
    }
    return {
      irVersion: IR_VERSION_OF_OPSET.get(this.opset)!,
      opsets: new Map([['', this.opset]]),
      graph: {
        ...this.graph,
        nodes: this.graph.nodes.map((node) => ({
          ...node,
          inputs: [...node.inputs],
          outputs: [...node.outputs],
          attributes: new Map(node.attributes),
        })),
        inputs: [...this.graph.inputs],
        outputs: [...this.graph.outputs],
        initializers: new Map(this.graph.initializers),
        valueInfo,
      },
      producerName: '@lastmile/models',
      metadata: new Map(),
    };
  }

  /** Conv with weight [out, in/group, ...kernel], He-scaled for a following ReLU. */
  conv(x: string, options: ConvOptions): string {
    const [n, c, ...spatial] = this.featureMap(x, 'Conv');
    const group = options.group ?? 1;
    const name = options.name ?? this.fresh('conv');
    positiveInteger(name, 'outChannels', options.outChannels);
    positiveInteger(name, 'group', group);
    if (c % group !== 0 || options.outChannels % group !== 0) {
      throw new ShapeError(
        `Conv '${name}': group ${group} must divide input channels ${c} and output channels ${options.outChannels}`,
        {
          node: name,
          group,
          inChannels: c,
          outChannels: options.outChannels,
        },
      );
    }
    const kernel = spatialList(options.kernel, spatial.length, name, 'kernel');
    const stride = spatialList(options.stride ?? 1, spatial.length, name, 'stride');
    const pad = spatialList(options.pad ?? 0, spatial.length, name, 'pad');
    const dilation = spatialList(options.dilation ?? 1, spatial.length, name, 'dilation');
    const out = spatial.map((d, i) =>
      windowCount(name, d, dilation[i] * (kernel[i] - 1) + 1, stride[i], pad[i], false),
    );
    const fanIn = (c / group) * sizeOf(kernel);
    const weight = this.normal([options.outChannels, c / group, ...kernel], Math.sqrt(2 / fanIn));
    const bias = options.bias ? this.uniform([options.outChannels], -0.1, 0.1) : undefined;
    const inputs = [
      x,
      this.initializer(weight, `${name}.weight`),
      ...(bias ? [this.initializer(bias, `${name}.bias`)] : []),
    ];
    const moments = throughLinear(this.momentsOf(x, c), {
      weight: weight.data,
      outChannels: options.outChannels,
      inPerGroup: c / group,
      kernelSize: sizeOf(kernel),
      group,
      bias: bias?.data,
    });
    const attributes = {
      kernel_shape: a.ints(kernel),
      strides: a.ints(stride),
      pads: a.ints([...pad, ...pad]),
      dilations: a.ints(dilation),
      group: a.int(group),
    };
    return this.emit('Conv', name, inputs, [n, options.outChannels, ...out], moments, attributes);
  }

  /**
   * BatchNormalization (inference form): gamma in [0.5, 1.5), beta in [-0.2, 0.2), and running mean and
   * variance near the input's estimated moments (mean within 0.1 sd, variance within a factor 1.25, > 0).
   */
  batchNorm(x: string, options: { epsilon?: number; name?: string } = {}): string {
    const [, c] = this.featureMap(x, 'BatchNormalization');
    const name = options.name ?? this.fresh('bn');
    const epsilon = options.epsilon ?? 1e-5;
    const input = this.momentsOf(x, c);
    const scale = this.uniform([c], 0.5, 1.5);
    const bias = this.uniform([c], -0.2, 0.2);
    const mean = this.uniform([c], -0.1, 0.1);
    const variance = this.uniform([c], 0.8, 1.25);
    for (let i = 0; i < c; i++) {
      const v = Math.max(input.variance[i] ?? input.variance[0], 1e-4);
      mean.data[i] = (input.mean[i] ?? input.mean[0]) + mean.data[i] * Math.sqrt(v);
      variance.data[i] *= v;
    }
    const inputs = [scale, bias, mean, variance].map((t, i) =>
      this.initializer(t, `${name}.${['scale', 'bias', 'mean', 'var'][i]}`),
    );
    const moments = throughBatchNorm(input, {
      scale: scale.data,
      bias: bias.data,
      mean: mean.data,
      variance: variance.data,
      epsilon,
    });
    return this.emit('BatchNormalization', name, [x, ...inputs], this.shapeOf(x), moments, {
      epsilon: a.float(epsilon),
    });
  }

  relu(x: string, name = this.fresh('relu')): string {
    return this.elementwise('Relu', x, name, (v) => Math.max(v, 0));
  }

  sigmoid(x: string, name = this.fresh('sigmoid')): string {
    return this.elementwise('Sigmoid', x, name, (v) => 1 / (1 + Math.exp(-v)));
  }

  /** ReLU6 as ONNX spells it: Clip(x, 0, 6), bounds as inputs. */
  relu6(x: string, name = this.fresh('relu6')): string {
    const lo = this.initializer(new Tensor('float32', [0], []), `${name}.min`);
    const hi = this.initializer(new Tensor('float32', [6], []), `${name}.max`);
    return this.elementwise('Clip', x, name, (v) => Math.min(Math.max(v, 0), 6), [lo, hi]);
  }

  /** HardSigmoid; PyTorch's nn.Hardsigmoid is alpha 1/6, beta 0.5 (ONNX's default alpha is 0.2). */
  hardSigmoid(x: string, options: { alpha?: number; beta?: number; name?: string } = {}): string {
    const name = options.name ?? this.fresh('hardsigmoid');
    const alpha = options.alpha ?? 0.2;
    const beta = options.beta ?? 0.5;
    return this.elementwise('HardSigmoid', x, name, (v) => hardSigmoid(v, alpha, beta), [], {
      alpha: a.float(alpha),
      beta: a.float(beta),
    });
  }

  /** HardSwish; before opset 14 (no HardSwish op) it is written as x * HardSigmoid(x). */
  hardSwish(x: string, name = this.fresh('hardswish')): string {
    const f = (v: number) => v * hardSigmoid(v, 1 / 6, 0.5);
    if (this.opset >= 14) return this.elementwise('HardSwish', x, name, f);
    const gate = this.hardSigmoid(x, { alpha: 1 / 6, beta: 0.5, name: `${name}.gate` });
    // x and its gate are not independent, so the product's moments come from the function itself.
    return this.emit('Mul', name, [x, gate], this.shapeOf(x), throughElementwise(this.momentsOf(x), f));
  }

  add(x: string, y: string, name = this.fresh('add')): string {
    const [mx, my] = this.alignedMoments(x, y);
    return this.emit('Add', name, [x, y], this.broadcast(name, x, y), throughAdd(mx, my));
  }

  mul(x: string, y: string, name = this.fresh('mul')): string {
    const [mx, my] = this.alignedMoments(x, y);
    return this.emit('Mul', name, [x, y], this.broadcast(name, x, y), throughMul(mx, my));
  }

  maxPool(x: string, options: PoolOptions): string {
    return this.pool('MaxPool', x, options);
  }

  /** AveragePool counting padded cells in the average, as PyTorch's AvgPool2d does by default. */
  avgPool(x: string, options: PoolOptions): string {
    return this.pool('AveragePool', x, options);
  }

  globalAvgPool(x: string, name = this.fresh('gap')): string {
    const [n, c, ...spatial] = this.featureMap(x, 'GlobalAveragePool');
    const moments = throughAverage(this.momentsOf(x, c), sizeOf(spatial));
    return this.emit('GlobalAveragePool', name, [x], [n, c, ...spatial.map(() => 1)], moments);
  }

  flatten(x: string, axis = 1, name = this.fresh('flatten')): string {
    const shape = this.shapeOf(x);
    const k = normalizeAxis(axis, shape.length + 1, `Flatten '${name}' axis`);
    const features = sizeOf(shape.slice(k));
    // Flattening from axis 1 keeps channels in order, each repeated over its spatial positions.
    const perChannel = features / (shape[1] ?? 1);
    const moments =
      k === 1
        ? remapped(this.momentsOf(x, shape[1]), features, (f) => Math.floor(f / perChannel))
        : pooled(this.momentsOf(x));
    return this.emit('Flatten', name, [x], [sizeOf(shape.slice(0, k)), features], moments, { axis: a.int(k) });
  }

  /** Fully connected layer as PyTorch's Linear: y = x W^T + b with W [out, in] (transB 1). */
  gemm(x: string, options: GemmOptions): string {
    const name = options.name ?? this.fresh('gemm');
    const shape = this.shapeOf(x);
    if (shape.length !== 2)
      throw new ShapeError(`Gemm '${name}' needs a 2-D input, '${x}' is [${shape.join(', ')}]`, {
        node: name,
        expected: 2,
        got: shape.length,
      });
    const [m, k] = shape;
    positiveInteger(name, 'outFeatures', options.outFeatures);
    const weight = this.normal([options.outFeatures, k], Math.sqrt(2 / k));
    const bias = (options.bias ?? true) ? this.uniform([options.outFeatures], -0.1, 0.1) : undefined;
    const inputs = [
      x,
      this.initializer(weight, `${name}.weight`),
      ...(bias ? [this.initializer(bias, `${name}.bias`)] : []),
    ];
    const moments = throughLinear(this.momentsOf(x, k), {
      weight: weight.data,
      outChannels: options.outFeatures,
      inPerGroup: k,
      kernelSize: 1,
      group: 1,
      bias: bias?.data,
    });
    return this.emit('Gemm', name, inputs, [m, options.outFeatures], moments, { transB: a.int(1) });
  }

  concat(xs: readonly string[], axis = 1, name = this.fresh('concat')): string {
    if (xs.length === 0) throw new GraphError(`Concat '${name}' needs at least one input`, { node: name });
    const first = this.shapeOf(xs[0]);
    const k = normalizeAxis(axis, first.length, `Concat '${name}' axis`);
    const out = [...first];
    for (const x of xs.slice(1)) {
      const s = this.shapeOf(x);
      if (s.length !== first.length || s.some((d, i) => i !== k && d !== first[i])) {
        throw new ShapeError(
          `Concat '${name}': '${x}' is [${s.join(', ')}], which does not match [${first.join(', ')}] outside axis ${k}`,
          {
            node: name,
            expected: first,
            got: s,
          },
        );
      }
      out[k] += s[k];
    }
    const sizes = xs.map((x) => this.shapeOf(x)[k]);
    const moments =
      k === 1
        ? concatenated(
            xs.map((x, i) => this.momentsOf(x, sizes[i])),
            sizes,
          )
        : pooled(
            concatenated(
              xs.map((x) => pooled(this.momentsOf(x))),
              sizes,
            ),
          );
    return this.emit('Concat', name, [...xs], out, moments, { axis: a.int(k) });
  }

  /** Reshape to `shape` (0 copies the input dim, one -1 is inferred), the target stored as an int64 initializer. */
  reshape(x: string, shape: readonly number[], name = this.fresh('reshape')): string {
    const input = this.shapeOf(x);
    const out = shape.map((d, i) => (d === 0 ? input[i] : d));
    const known = sizeOf(out.filter((d) => d !== -1));
    const inferred = out.filter((d) => d === -1).length;
    const total = sizeOf(input);
    if (
      inferred > 1 ||
      out.some((d) => d < -1 || d === undefined) ||
      (inferred === 0 ? known !== total : known === 0 || total % known !== 0)
    ) {
      throw new ShapeError(`Reshape '${name}' cannot make [${input.join(', ')}] into [${shape.join(', ')}]`, {
        node: name,
        input,
        target: [...shape],
      });
    }
    const target = this.initializer(int64Tensor(shape), `${name}.shape`);
    const result = out.map((d) => (d === -1 ? total / known : d));
    const keepsChannels = input.length >= 2 && result.length >= 2 && result[0] === input[0] && result[1] === input[1];
    return this.emit(
      'Reshape',
      name,
      [x, target],
      result,
      keepsChannels ? this.momentsOf(x) : pooled(this.momentsOf(x)),
    );
  }

  transpose(x: string, perm: readonly number[], name = this.fresh('transpose')): string {
    const shape = this.shapeOf(x);
    const sorted = [...perm].sort((p, q) => p - q);
    if (perm.length !== shape.length || sorted.some((p, i) => p !== i)) {
      throw new AttributeError(
        `Transpose '${name}': perm [${perm.join(', ')}] is not a permutation of rank ${shape.length}`,
        { node: name, perm: [...perm] },
      );
    }
    const moments = perm[1] === 1 ? this.momentsOf(x) : pooled(this.momentsOf(x));
    return this.emit(
      'Transpose',
      name,
      [x],
      perm.map((p) => shape[p]),
      moments,
      { perm: a.ints([...perm]) },
    );
  }

  /**
   * ShuffleNet's channel shuffle as ONNX exporters write it: Reshape to [N, groups, C/groups, ...],
   * Transpose the two channel axes, Reshape back.
   */
  channelShuffle(x: string, groups: number, name = this.fresh('shuffle')): string {
    const [n, c, ...spatial] = this.featureMap(x, 'channel shuffle');
    if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
      throw new ShapeError(`channel shuffle '${name}': ${groups} groups do not divide ${c} channels`, {
        node: name,
        expected: `a divisor of ${c}`,
        got: groups,
      });
    }
    const perGroup = c / groups;
    const grouped = this.reshape(x, [n, groups, perGroup, ...spatial], `${name}.group`);
    const swapped = this.transpose(grouped, [0, 2, 1, ...spatial.map((_, i) => i + 3)], `${name}.swap`);
    const out = this.reshape(swapped, [n, c, ...spatial], name);
    // Output channel j = k * groups + g came from input channel g * perGroup + k.
    this.moments.set(
      out,
      remapped(this.momentsOf(x, c), c, (j) => (j % groups) * perGroup + Math.floor(j / groups)),
    );
    return out;
  }

  /** Split into parts of `sizes` along `axis`; returns one value per part. */
  split(x: string, sizes: readonly number[], axis = 1, name = this.fresh('split')): string[] {
    const shape = this.shapeOf(x);
    const k = normalizeAxis(axis, shape.length, `Split '${name}' axis`);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, q) => p + q, 0) !== shape[k]) {
      throw new ShapeError(
        `Split '${name}': sizes [${sizes.join(', ')}] do not add up to dim ${shape[k]} of axis ${k}`,
        {
          node: name,
          expected: shape[k],
          got: [...sizes],
        },
      );
    }
    const outputs = sizes.map((_, i) => `${name}.${i}`);
    // Opset 13 moved the sizes from an attribute to an input.
    const inputs = this.opset >= 13 ? [x, this.initializer(int64Tensor(sizes), `${name}.sizes`)] : [x];
    const attributes: Record<string, Attribute> = {
      axis: a.int(k),
      ...(this.opset < 13 ? { split: a.ints([...sizes]) } : {}),
    };
    this.graph.nodes.push(makeNode('Split', inputs, outputs, attributes, name));
    let offset = 0;
    outputs.forEach((out, i) => {
      const first = offset;
      const moments = k === 1 ? remapped(this.momentsOf(x, shape[1]), sizes[i], (c) => first + c) : this.momentsOf(x);
      this.define(
        out,
        shape.map((d, j) => (j === k ? sizes[i] : d)),
        'float32',
        moments,
      );
      offset += sizes[i];
    });
    return outputs;
  }

  /** Slice with numpy semantics (negative indices count from the end, bounds clamp); steps default to 1. */
  slice(
    x: string,
    starts: readonly number[],
    ends: readonly number[],
    axes: readonly number[],
    steps?: readonly number[],
    name = this.fresh('slice'),
  ): string {
    const shape = this.shapeOf(x);
    const step = steps ?? axes.map(() => 1);
    if (
      starts.length !== axes.length ||
      ends.length !== axes.length ||
      step.length !== axes.length ||
      step.some((s) => s === 0)
    ) {
      throw new AttributeError(
        `Slice '${name}': starts, ends, axes and steps must have one entry per axis, and steps none 0`,
        {
          node: name,
          starts: [...starts],
          ends: [...ends],
          axes: [...axes],
          steps: [...step],
        },
      );
    }
    const out = [...shape];
    let moments = this.momentsOf(x);
    axes.forEach((axis, i) => {
      const k = normalizeAxis(axis, shape.length, `Slice '${name}' axis`);
      const range = sliceRange(shape[k], starts[i], ends[i], step[i]);
      out[k] = range.count;
      if (k === 1) moments = remapped(this.momentsOf(x, shape[1]), range.count, (c) => range.start + c * step[i]);
    });
    const inputs = [
      x,
      ...[starts, ends, axes, step].map((v, i) =>
        this.initializer(int64Tensor(v), `${name}.${['starts', 'ends', 'axes', 'steps'][i]}`),
      ),
    ];
    return this.emit('Slice', name, inputs, out, moments);
  }

  private elementwise(
    opType: string,
    x: string,
    name: string,
    f: (v: number) => number,
    extraInputs: string[] = [],
    attributes: Record<string, Attribute> = {},
  ): string {
    return this.emit(
      opType,
      name,
      [x, ...extraInputs],
      this.shapeOf(x),
      throughElementwise(this.momentsOf(x), f),
      attributes,
    );
  }

  private pool(opType: 'MaxPool' | 'AveragePool', x: string, options: PoolOptions): string {
    const [n, c, ...spatial] = this.featureMap(x, opType);
    const name = options.name ?? this.fresh(opType === 'MaxPool' ? 'maxpool' : 'avgpool');
    const kernel = spatialList(options.kernel, spatial.length, name, 'kernel');
    const stride = spatialList(options.stride ?? kernel, spatial.length, name, 'stride');
    const pad = spatialList(options.pad ?? 0, spatial.length, name, 'pad');
    const ceil = options.ceilMode ?? false;
    const out = spatial.map((d, i) => windowCount(name, d, kernel[i], stride[i], pad[i], ceil));
    const window = sizeOf(kernel);
    const moments =
      opType === 'MaxPool' ? throughMax(this.momentsOf(x, c), window) : throughAverage(this.momentsOf(x, c), window);
    return this.emit(opType, name, [x], [n, c, ...out], moments, {
      kernel_shape: a.ints(kernel),
      strides: a.ints(stride),
      pads: a.ints([...pad, ...pad]),
      ...(ceil ? { ceil_mode: a.int(1) } : {}),
      ...(opType === 'AveragePool' ? { count_include_pad: a.int(1) } : {}),
    });
  }

  private emit(
    opType: string,
    name: string,
    inputs: string[],
    shape: number[],
    moments: Moments,
    attributes: Record<string, Attribute> = {},
  ): string {
    for (const input of inputs) this.shapeOf(input);
    this.graph.nodes.push(makeNode(opType, inputs, [name], attributes, name));
    this.define(name, shape, 'float32', moments);
    return name;
  }

  /** The estimated moments of `x`; pooled over the tensor unless they are per channel for `channels` channels. */
  private momentsOf(x: string, channels?: number): Moments {
    const m = this.moments.get(x) ?? uniformMoments(0, 1);
    return channels === undefined || m.mean.length === 1 || m.mean.length === channels ? m : pooled(m);
  }

  /** Moments of two broadcast operands, per channel when both put channels on axis 1 (same rank). */
  private alignedMoments(x: string, y: string): [Moments, Moments] {
    const [sx, sy] = [this.shapeOf(x), this.shapeOf(y)];
    if (sx.length >= 2 && sx.length === sy.length) return [this.momentsOf(x, sx[1]), this.momentsOf(y, sy[1])];
    return [pooled(this.momentsOf(x)), pooled(this.momentsOf(y))];
  }

  private featureMap(x: string, opType: string): number[] {
    const shape = this.shapeOf(x);
    if (shape.length < 3) {
      throw new ShapeError(`${opType} needs an [N, C, ...spatial] input, '${x}' is [${shape.join(', ')}]`, {
        op: opType,
        value: x,
        got: shape,
      });
    }
    return shape;
  }

  private broadcast(name: string, x: string, y: string): number[] {
    try {
      return broadcastShapes(this.shapeOf(x), this.shapeOf(y));
    } catch (error) {
      throw new ShapeError(
        `'${name}': '${x}' and '${y}' do not broadcast`,
        { node: name, shapes: [this.shapeOf(x), this.shapeOf(y)] },
        { cause: error },
      );
    }
  }

  private define(name: string, shape: number[], type: TensorType, moments: Moments): void {
    if (this.shapes.has(name)) throw new GraphError(`value '${name}' is defined twice`, { value: name });
    this.shapes.set(name, shape);
    this.types.set(name, type);
    this.moments.set(name, moments);
  }

  private rename(from: string, to: string): void {
    const producer = this.graph.nodes.find((node) => node.outputs.includes(from));
    if (!producer)
      throw new GraphError(`only a node's output can be renamed, '${from}' is an input or constant`, { value: from });
    this.define(to, this.shapeOf(from), this.types.get(from) ?? 'float32', this.momentsOf(from));
    this.shapes.delete(from);
    this.types.delete(from);
    this.moments.delete(from);
    for (const node of this.graph.nodes) {
      node.inputs = node.inputs.map((v) => (v === from ? to : v));
      node.outputs = node.outputs.map((v) => (v === from ? to : v));
    }
  }

  private fresh(prefix: string): string {
    let i = this.counters.get(prefix) ?? 0;
    while (this.shapes.has(`${prefix}_${i}`)) i++;
    this.counters.set(prefix, i + 1);
    return `${prefix}_${i}`;
  }

  private normal(dims: number[], std: number): Tensor<'float32'> {
    const data = new Float32Array(sizeOf(dims));
    for (let i = 0; i < data.length; i++) data[i] = this.random.normal() * std;
    return new Tensor('float32', data, dims);
  }

  private uniform(dims: number[], lo: number, hi: number): Tensor<'float32'> {
    return this.random.floatTensor(dims, lo, hi);
  }
}

function int64Tensor(values: readonly number[]): Tensor<'int64'> {
  return new Tensor(
    'int64',
    values.map((v) => BigInt(v)),
    [values.length],
  );
}

function positiveInteger(node: string, what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new AttributeError(`'${node}': ${what} must be a positive integer, got ${value}`, {
      node,
      attribute: what,
      expected: '>= 1',
      got: value,
    });
  }
}

function spatialList(value: SpatialSize, rank: number, node: string, what: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (list.length !== rank || list.some((v) => !Number.isInteger(v) || v < (what === 'pad' ? 0 : 1))) {
    throw new AttributeError(
      `'${node}': ${what} [${list.join(', ')}] must be ${rank} integers ${what === 'pad' ? '>= 0' : '>= 1'}`,
      {
        node,
        attribute: what,
        expected: rank,
        got: list,
      },
    );
  }
  return list;
}

/** Output length of a sliding window; in ceil mode a last window that starts in the end padding is dropped, as PyTorch and ONNX do. */
function windowCount(node: string, size: number, window: number, stride: number, pad: number, ceil: boolean): number {
  const span = size + 2 * pad - window;
  if (span < 0)
    throw new ShapeError(`'${node}': window ${window} is larger than the padded input ${size + 2 * pad}`, {
      node,
      expected: `>= ${window}`,
      got: size + 2 * pad,
    });
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** The first index and element count a Slice takes along one axis (ONNX: negatives count from the end, bounds clamp). */
function sliceRange(size: number, start: number, end: number, step: number): { start: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
  const s = step > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
  const e = step > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1);
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

function hardSigmoid(v: number, alpha: number, beta: number): number {
  return Math.min(Math.max(alpha * v + beta, 0), 1);
}
