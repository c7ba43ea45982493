/**
 * The process-wide lock around device discovery: it hands back the work's value, is released after a
 * throw, and a lock file left by a holder that died is taken over.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { driverLockPath, withDriverLock } from './cl/driver-lock.js';

afterEach(() => {
  expect(existsSync(driverLockPath())).toBe(false);
});

describe('withDriverLock', () => {
  it('runs the work holding the lock file, and removes it after', () => {
    expect(withDriverLock(() => existsSync(driverLockPath()))).toBe(true);
    expect(withDriverLock(() => 42)).toBe(42);
  });

  it('releases the lock when the work throws', () => {
    expect(() =>
      withDriverLock(() => {
        throw new Error('discovery failed');
      }),
    ).toThrow(/discovery failed/);
    expect(withDriverLock(() => 'again')).toBe('again');
  });

  it('takes over a lock whose holder died', () => {
    writeFileSync(driverLockPath(), '');
    const started = Date.now();
    expect(withDriverLock(() => 'taken', 50)).toBe('taken');
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
