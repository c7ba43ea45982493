import { describe, expect, it } from 'vitest';
import { convNet } from '../fixtures.js';
import { inferShapes } from './infer.js';
import { ModelView } from './model-view.js';

describe('ModelView', () => {
  it('answers types, constants, producers, consumers and opsets of a shape-inferred model', () => {
    const model = inferShapes(convNet());
    const view = new ModelView(model);
    expect(view.valueType('x')).toEqual({ type: 'float32', shape: [1, 2, 8, 8] });
    expect(view.valueType('r1')?.shape).toEqual([1, 4, 8, 8]);
    expect(view.valueType('w1')).toEqual({ type: 'float32', shape: [...model.graph.initializers.get('w1')!.dims] });
    expect(view.valueType('nowhere')).toBeUndefined();
    expect(() => view.requireType('nowhere')).toThrow(/no known type/);
    expect(view.constant('w1')).toBe(model.graph.initializers.get('w1'));
    expect(view.producer('r1')?.opType).toBe('Relu');
    expect(
      view
        .consumers('r1')
        .map((n) => n.opType)
        .sort(),
    ).toEqual(['Add', 'Sigmoid']);
    expect(view.opset()).toBe(13);
    const context = view.supportContext();
    expect([context.opset, context.valueType('x')?.type, context.constant('w1')?.type]).toEqual([
      13,
      'float32',
      'float32',
    ]);
  });
});
