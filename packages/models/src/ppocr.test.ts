import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ppocrDictionaryPath, ppocrModelPath, type PpocrModel } from './ppocr.js';

describe('PP-OCR paths', () => {
  it.each(['det', 'rec', 'cls'] as PpocrModel[])(
    '%s is an absolute path to a model onnxruntime loads',
    async (which) => {
      const path = ppocrModelPath(which);
      expect(isAbsolute(path)).toBe(true);
      const session = await InferenceSession.create(path);
      expect(session.inputNames).toEqual(['x']);
      await session.release();
    },
  );

  it('finds the recognizer dictionary (6623 characters, one a line)', () => {
    const path = ppocrDictionaryPath();
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(6623);
  });

  it('refuses an unknown model with an InputError', () => {
    expect(() => ppocrModelPath('layout' as PpocrModel)).toThrow(expect.objectContaining({ code: 'LM_INPUT' }));
  });
});
