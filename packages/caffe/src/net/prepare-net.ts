/**
 * From parsed NetParameter to the list of layers to lower: legacy V1 `layers` upgraded to `layer`
 * (as Caffe's upgrade_proto does for the types this package lowers), and layers whose include/exclude
 * rules do not meet the net state (phase TEST unless the net says otherwise) left out, as Caffe's
 * FilterNet does.
 */
import { ModelFormatError } from '@lastmile/core';
import { caffe } from '../generated/caffe.js';

// V1LayerParameter.LayerType -> the layer type string, as upgrade_proto.cpp's UpgradeV1LayerType names them.
const V1_TYPE_NAMES: Record<number, string> = {
  [caffe.V1LayerParameter.LayerType.ABSVAL]: 'AbsVal',
  [caffe.V1LayerParameter.LayerType.ACCURACY]: 'Accuracy',
  [caffe.V1LayerParameter.LayerType.ARGMAX]: 'ArgMax',
  [caffe.V1LayerParameter.LayerType.BNLL]: 'BNLL',
  [caffe.V1LayerParameter.LayerType.CONCAT]: 'Concat',
  [caffe.V1LayerParameter.LayerType.CONTRASTIVE_LOSS]: 'ContrastiveLoss',
  [caffe.V1LayerParameter.LayerType.CONVOLUTION]: 'Convolution',
  [caffe.V1LayerParameter.LayerType.DATA]: 'Data',
  [caffe.V1LayerParameter.LayerType.DECONVOLUTION]: 'Deconvolution',
  [caffe.V1LayerParameter.LayerType.DROPOUT]: 'Dropout',
  [caffe.V1LayerParameter.LayerType.DUMMY_DATA]: 'DummyData',
  [caffe.V1LayerParameter.LayerType.EUCLIDEAN_LOSS]: 'EuclideanLoss',
  [caffe.V1LayerParameter.LayerType.ELTWISE]: 'Eltwise',
  [caffe.V1LayerParameter.LayerType.EXP]: 'Exp',
  [caffe.V1LayerParameter.LayerType.FLATTEN]: 'Flatten',
  [caffe.V1LayerParameter.LayerType.HDF5_DATA]: 'HDF5Data',
  [caffe.V1LayerParameter.LayerType.HDF5_OUTPUT]: 'HDF5Output',
  [caffe.V1LayerParameter.LayerType.HINGE_LOSS]: 'HingeLoss',
  [caffe.V1LayerParameter.LayerType.IM2COL]: 'Im2col',
  [caffe.V1LayerParameter.LayerType.IMAGE_DATA]: 'ImageData',
  [caffe.V1LayerParameter.LayerType.INFOGAIN_LOSS]: 'InfogainLoss',
  [caffe.V1LayerParameter.LayerType.INNER_PRODUCT]: 'InnerProduct',
  [caffe.V1LayerParameter.LayerType.LRN]: 'LRN',
  [caffe.V1LayerParameter.LayerType.MEMORY_DATA]: 'MemoryData',
  [caffe.V1LayerParameter.LayerType.MULTINOMIAL_LOGISTIC_LOSS]: 'MultinomialLogisticLoss',
  [caffe.V1LayerParameter.LayerType.MVN]: 'MVN',
  [caffe.V1LayerParameter.LayerType.POOLING]: 'Pooling',
  [caffe.V1LayerParameter.LayerType.POWER]: 'Power',
  [caffe.V1LayerParameter.LayerType.RELU]: 'ReLU',
  [caffe.V1LayerParameter.LayerType.SIGMOID]: 'Sigmoid',
  [caffe.V1LayerParameter.LayerType.SIGMOID_CROSS_ENTROPY_LOSS]: 'SigmoidCrossEntropyLoss',
  [caffe.V1LayerParameter.LayerType.SILENCE]: 'Silence',
  [caffe.V1LayerParameter.LayerType.SOFTMAX]: 'Softmax',
  [caffe.V1LayerParameter.LayerType.SOFTMAX_LOSS]: 'SoftmaxWithLoss',
  [caffe.V1LayerParameter.LayerType.SPLIT]: 'Split',
  [caffe.V1LayerParameter.LayerType.SLICE]: 'Slice',
  [caffe.V1LayerParameter.LayerType.TANH]: 'TanH',
  [caffe.V1LayerParameter.LayerType.WINDOW_DATA]: 'WindowData',
  [caffe.V1LayerParameter.LayerType.THRESHOLD]: 'Threshold',
};

// The parameter messages a V1 layer shares with LayerParameter (same message types, other field numbers).
const V1_PARAMS = [
  'concatParam',
  'convolutionParam',
  'dropoutParam',
  'eltwiseParam',
  'innerProductParam',
  'lrnParam',
  'poolingParam',
  'powerParam',
  'reluParam',
  'sigmoidParam',
  'softmaxParam',
  'sliceParam',
  'tanhParam',
] as const;

function upgradeV1Layer(v1: caffe.V1LayerParameter, index: number): caffe.LayerParameter {
  const type = V1_TYPE_NAMES[v1.type];
  if (type === undefined) {
    throw new ModelFormatError(
      `legacy V1 layer #${index} '${v1.name}' has type ${v1.type}, which has no upgrade (V0 nets are not supported)`,
      {
        layer: v1.name,
        layerIndex: index,
        got: v1.type,
      },
    );
  }
  const layer = new caffe.LayerParameter({
    name: v1.name,
    type,
    bottom: [...v1.bottom],
    top: [...v1.top],
    include: v1.include,
    exclude: v1.exclude,
    blobs: v1.blobs,
  });
  for (const key of V1_PARAMS) if (v1[key]) (layer as unknown as Record<string, unknown>)[key] = v1[key];
  return layer;
}

/** The net's layers, V1 `layers` upgraded; a net with both kinds is refused, as Caffe refuses it. */
export function netLayers(net: caffe.NetParameter): caffe.LayerParameter[] {
  // Decoded nested messages are instances of the generated classes, defaults included.
  if (net.layers.length === 0) return net.layer as caffe.LayerParameter[];
  if (net.layer.length > 0) {
    throw new ModelFormatError(
      `the net has both 'layer' (${net.layer.length}) and legacy V1 'layers' (${net.layers.length}) fields; Caffe refuses such nets`,
      {
        layer: net.layer.length,
        layers: net.layers.length,
      },
    );
  }
  return (net.layers as caffe.V1LayerParameter[]).map(upgradeV1Layer);
}

interface NetStateValues {
  phase: number;
  level: number;
  stages: Set<string>;
}

function meetsRule(state: NetStateValues, rule: caffe.NetStateRule): boolean {
  if (Object.hasOwn(rule, 'phase') && rule.phase !== state.phase) return false;
  if (Object.hasOwn(rule, 'minLevel') && state.level < rule.minLevel) return false;
  if (Object.hasOwn(rule, 'maxLevel') && state.level > rule.maxLevel) return false;
  if (!rule.stage.every((s) => state.stages.has(s))) return false;
  return !rule.notStage.some((s) => state.stages.has(s));
}

/** Caffe's FilterNet: a layer is kept if any include rule (or, without them, no exclude rule) meets the state. */
export function filterByState(net: caffe.NetParameter, layers: caffe.LayerParameter[]): caffe.LayerParameter[] {
  const s = net.state ?? new caffe.NetState();
  const state: NetStateValues = {
    phase: Object.hasOwn(s, 'phase') ? (s.phase as number) : caffe.Phase.TEST,
    level: s.level ?? 0,
    stages: new Set(s.stage ?? []),
  };
  return layers.filter((layer) => {
    if (layer.include.length > 0 && layer.exclude.length > 0) {
      throw new ModelFormatError(
        `layer '${layer.name}' has both include and exclude rules; Caffe allows one kind only`,
        { layer: layer.name },
      );
    }
    if (layer.include.length > 0) return layer.include.some((r) => meetsRule(state, r as caffe.NetStateRule));
    return !layer.exclude.some((r) => meetsRule(state, r as caffe.NetStateRule));
  });
}
