/**
 * A Caffe net (layers in order, blobs by name) -> the IR model: net inputs and Input layers become graph
 * inputs, each other layer is lowered to ONNX ops (opset 13) by its type, and the weights are matched to
 * layers by name.
 */
import { GraphError, type Model, ModelFormatError, ShapeError, UnsupportedOpError } from '@lastmile/core';
import type { caffe } from '../generated/caffe.js';
import { filterByState, netLayers } from '../net/prepare-net.js';
import {
  lowerAbsVal,
  lowerClip,
  lowerDropout,
  lowerPower,
  lowerPReLU,
  lowerReLU,
  lowerReLU6,
  lowerSigmoid,
  lowerTanH,
} from './activations.js';
import {
  lowerConcat,
  lowerEltwise,
  lowerFlatten,
  lowerReshape,
  lowerSlice,
  lowerSoftmax,
  lowerSplit,
} from './blob-layers.js';
import { GraphBuilder } from './builder.js';
import { type CaffeWarning, LayerContext, type LayerLowering } from './context.js';
import { lowerConvolution, lowerDeconvolution } from './convolution.js';
import { lowerInnerProduct } from './inner-product.js';
import { lowerBatchNorm, lowerBias, lowerLRN, lowerScale } from './normalization.js';
import { lowerPooling } from './pooling.js';
import { nameValues } from './value-names.js';
import { longValue } from './weights.js';

/** The layer types that lower to ONNX ops, by Caffe type name. */
const LAYER_LOWERINGS: Readonly<Record<string, LayerLowering>> = {
  AbsVal: lowerAbsVal,
  BatchNorm: lowerBatchNorm,
  Bias: lowerBias,
  Clip: lowerClip,
  Concat: lowerConcat,
  Convolution: lowerConvolution,
  Deconvolution: lowerDeconvolution,
  Dropout: lowerDropout,
  Eltwise: lowerEltwise,
  Flatten: lowerFlatten,
  InnerProduct: lowerInnerProduct,
  LRN: lowerLRN,
  Pooling: lowerPooling,
  Power: lowerPower,
  PReLU: lowerPReLU,
  ReLU: lowerReLU,
  ReLU6: lowerReLU6,
  Reshape: lowerReshape,
  Scale: lowerScale,
  Sigmoid: lowerSigmoid,
  Slice: lowerSlice,
  Softmax: lowerSoftmax,
  Split: lowerSplit,
  TanH: lowerTanH,
};

/** The Caffe layer types @lastmile/caffe lowers (besides Input). */
export const SUPPORTED_LAYERS: readonly string[] = Object.freeze(Object.keys(LAYER_LOWERINGS).sort());

export interface LowerOptions {
  ignoreUnknownWeights?: boolean;
  inputShapes?: Readonly<Record<string, readonly number[]>>;
  onWarning?: (warning: CaffeWarning) => void;
}

type Blob = caffe.BlobProto.$Properties;

function checkDims(name: string, dims: readonly number[], source: string): number[] {
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new ShapeError(
      `input '${name}' has shape [${dims.join(', ')}] (${source}); every dim must be a positive integer`,
      { input: name, got: [...dims] },
    );
  }
  return [...dims];
}

/** Net-level inputs (`input` with `input_shape` or 4 `input_dim` each) and their shapes. */
function netInputs(net: caffe.NetParameter): { name: string; dims?: number[] }[] {
  const names = net.input;
  if (net.inputShape.length > 0 && net.inputShape.length !== names.length) {
    throw new ModelFormatError(
      `the net declares ${names.length} input(s) but ${net.inputShape.length} input_shape(s)`,
      { expected: names.length, got: net.inputShape.length },
    );
  }
  if (net.inputDim.length > 0 && net.inputDim.length !== 4 * names.length) {
    throw new ModelFormatError(
      `the net declares ${names.length} input(s) but ${net.inputDim.length} input_dim values (4 per input)`,
      { expected: 4 * names.length, got: net.inputDim.length },
    );
  }
  return names.map((name, i) => {
    if (net.inputShape.length > 0) return { name, dims: (net.inputShape[i].dim ?? []).map(longValue) };
    if (net.inputDim.length > 0) return { name, dims: net.inputDim.slice(4 * i, 4 * i + 4) };
    return { name };
  });
}

/** Input layers: one shape for every top, or one per top. */
function inputLayerShapes(layer: caffe.LayerParameter): (number[] | undefined)[] {
  const shapes = layer.inputParam?.shape ?? [];
  if (shapes.length > 1 && shapes.length !== layer.top.length) {
    throw new ModelFormatError(
      `Input layer '${layer.name}' has ${layer.top.length} top(s) but ${shapes.length} shapes`,
      { layer: layer.name, expected: layer.top.length, got: shapes.length },
    );
  }
  return layer.top.map((_, i) => {
    const shape = shapes.length === 1 ? shapes[0] : shapes[i];
    return shape ? (shape.dim ?? []).map(longValue) : undefined;
  });
}

/** Lowers `net` with weights by layer name (`undefined`: the prototxt's own blobs, if any). */
export function lowerNet(
  net: caffe.NetParameter,
  weights: Map<string, Blob[]> | undefined,
  options: LowerOptions = {},
): Model {
  const warn = options.onWarning ?? (() => undefined);
  const allLayers = netLayers(net);
  const layers = filterByState(net, allLayers);
  const inputs = netInputs(net);
  const computeLayers: caffe.LayerParameter[] = [];
  for (const layer of layers) {
    if (layer.type === 'Input') {
      if (layer.bottom.length > 0)
        throw new ModelFormatError(`Input layer '${layer.name}' has bottoms; it only produces blobs`, {
          layer: layer.name,
        });
      const shapes = inputLayerShapes(layer);
      layer.top.forEach((top, i) => inputs.push({ name: top, dims: shapes[i] }));
    } else {
      computeLayers.push(layer);
    }
  }

  const shapes = options.inputShapes ?? {};
  for (const name of Object.keys(shapes)) {
    if (!inputs.some((i) => i.name === name))
      throw new ShapeError(
        `inputShapes names '${name}', which is not an input of the net (${inputs.map((i) => i.name).join(', ')})`,
        { input: name },
      );
  }
  const names = nameValues(
    inputs.map((i) => i.name),
    computeLayers,
  );
  const b = new GraphBuilder(net.name || 'caffe', names.all);
  for (const [value, count] of names.readers) b.readers.set(value, count);
  for (const input of inputs) {
    const given = Object.hasOwn(shapes, input.name) ? shapes[input.name] : undefined;
    if (given === undefined && input.dims === undefined) {
      throw new ShapeError(`input '${input.name}' has no shape in the prototxt; pass it as options.inputShapes`, {
        input: input.name,
      });
    }
    const dims = checkDims(input.name, given ?? (input.dims as number[]), given ? 'options.inputShapes' : 'prototxt');
    b.shapes.set(input.name, dims);
    b.graph.inputs.push({ name: input.name, type: 'float32', shape: dims });
  }

  const netLayerNames = new Set(allLayers.map((l) => l.name));
  computeLayers.forEach((layer, i) => {
    const lowering = Object.hasOwn(LAYER_LOWERINGS, layer.type) ? LAYER_LOWERINGS[layer.type] : undefined;
    if (lowering === undefined) {
      throw new UnsupportedOpError(
        `layer '${layer.name}' has type '${layer.type}', which @lastmile/caffe cannot lower`,
        { layer: layer.name, op: layer.type, supported: SUPPORTED_LAYERS },
      );
    }
    const blobs = weights?.get(layer.name) ?? layer.blobs;
    const ctx = new LayerContext(layer, names.layers[i].inputs, names.layers[i].outputs, b, blobs, warn);
    lowering(ctx);
    if (!ctx.weightsRead && blobs.length > 0) {
      throw ctx.error(`takes no weights, but has ${blobs.length} blob(s)`, { expected: 0, got: blobs.length });
    }
  });

  for (const name of weights?.keys() ?? []) {
    if (netLayerNames.has(name)) continue;
    const message = `the caffemodel has weights for layer '${name}', which the net does not have`;
    if (!options.ignoreUnknownWeights)
      throw new ModelFormatError(`${message} (set ignoreUnknownWeights to skip them)`, {
        layer: name,
        option: 'ignoreUnknownWeights',
      });
    warn({ code: 'unknown-weights', layer: name, message });
  }

  if (names.outputs.length === 0)
    throw new GraphError('the net has no outputs: every blob is read by a later layer', {});
  for (const name of names.outputs) b.graph.outputs.push({ name, type: 'float32', shape: b.shapeOf(name) });
  return { irVersion: 8, opsets: new Map([['', 13]]), graph: b.graph, producerName: 'caffe', metadata: new Map() };
}
