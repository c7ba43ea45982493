import { InputError } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, parseShapes } from './args.js';

describe('bench options', () => {
  it('defaults to the full set: six models at full size, 3 passes, 20 runs and 2 s a cell, 60 s budget', () => {
    const o = parseBenchArgs([]);
    expect(o.models.map((m) => m.id)).toEqual([
      'mobilenetV2',
      'resnet18',
      'squeezenet11',
      'ppocr-det',
      'ppocr-rec',
      'ppocr-cls',
    ]);
    expect(o.models[3].source).toEqual({ kind: 'ppocr', which: 'det', dims: [1, 3, 640, 640] });
    expect(o.method).toEqual({
      minWarmupMs: 1000,
      maxWarmupMs: 10_000,
      minRuns: 20,
      minTimedMs: 2000,
      maxCellMs: 60_000,
    });
    expect([o.passes, o.profile, o.quick]).toEqual([3, true, false]);
    expect(o.ocr).toBe(true);
  });

  it('runs the OCR pipeline when --models names ocr-pipeline, alone or beside models', () => {
    expect(parseBenchArgs(['--models', 'ocr-pipeline'])).toMatchObject({ models: [], ocr: true });
    expect(parseBenchArgs(['--models', 'resnet18'])).toMatchObject({ ocr: false });
    expect(parseBenchArgs(['--models', 'none', '--model', '/m/a.onnx']).ocr).toBe(false);
  });

  it('makes --quick small and short', () => {
    const o = parseBenchArgs(['--quick', '--models', 'resnet18,ppocr-rec']);
    expect(o.models.map((m) => m.source)).toEqual([
      { kind: 'architecture', name: 'resnet18', resolution: 64 },
      { kind: 'ppocr', which: 'rec', dims: [1, 3, 48, 160] },
    ]);
    expect(o.method).toMatchObject({ minWarmupMs: 0, minRuns: 3, minTimedMs: 0 });
    expect([o.passes, o.profile]).toEqual([1, false]);
  });

  it('adds ONNX files with their input shapes, and filters contestants', () => {
    const o = parseBenchArgs([
      '--models',
      'none',
      '--model',
      '/m/yolo.onnx',
      '--shape',
      'images=1x3x640x640',
      '--contestants',
      'reference,ort-web',
      '--max-cell-seconds',
      '5',
    ]);
    expect(o.models).toEqual([
      {
        id: 'yolo',
        label: 'yolo.onnx',
        source: { kind: 'file', path: '/m/yolo.onnx', shapes: { images: [1, 3, 640, 640] } },
      },
    ]);
    expect(o.contestants).toEqual(['reference', 'ort-web']);
    expect(o.method.maxCellMs).toBe(5000);
  });

  it('refuses unknown models, bad shapes and bad numbers', () => {
    expect(() => parseBenchArgs(['--models', 'vgg16'])).toThrow(/--models: unknown 'vgg16'/);
    expect(() => parseBenchArgs(['--models', 'none'])).toThrow(InputError);
    expect(() => parseShapes(['x=1x0x3'])).toThrow(/--shape 'x=1x0x3'/);
    expect(() => parseShapes(['1x3'])).toThrow(InputError);
    expect(() => parseBenchArgs(['--passes', '1.5'])).toThrow(/--passes must be a non-negative integer/);
    expect(() => parseBenchArgs(['stray.onnx'])).toThrow(/unexpected argument 'stray.onnx'/);
  });
});
