import { describe, expect, it } from 'vitest';
import { describeMachine } from './machine.js';

describe('the machine description', () => {
  it('names the CPU, cores, Node and the peers installed versions', () => {
    const m = describeMachine();
    expect(m.cores).toBeGreaterThan(0);
    expect(m.cpu).not.toBe('');
    expect(m.node).toBe(process.version);
    expect(m.versions).toEqual({ 'onnxruntime-node': '1.30.0', 'onnxruntime-web': '1.30.0' });
  });
});
