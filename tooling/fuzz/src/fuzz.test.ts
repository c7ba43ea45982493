/**
 * The mutation fuzzer as a test: every mutant goes through import, prepare and a run on the reference
 * and cpu-neon backends, and may only load and run or fail with a lastmile error: never a TypeError,
 * RangeError, crash, hang or allocation past the session's memory budget. CI runs a fixed number of
 * seeded mutants; `pnpm --filter @lastmile/fuzz campaign` (FUZZ_MINUTES, default 20) runs new seeds until
 * the time is up and prints what it met.
 */
import { fileURLToPath } from 'node:url';
import { ErrorCodes, isLastmileError, SeededRandom, Session, Tensor, type ValueInfo } from '@lastmile/core';
import { describe, expect, it } from 'vitest';
import { baseCaffe, baseCnn, baseShapes, mutateBytes, mutateGraph, mutatePrototxt } from './mutants.js';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
const BACKENDS = ['reference', 'cpu-neon'] as const;
// A mutant may ask for any size: a budget far below the machine's keeps a blow-up a typed refusal.
const MAX_MEMORY_BYTES = 256 * 2 ** 20;
const MUTANTS_PER_KIND = Number(process.env.FUZZ_MUTANTS ?? 400);
const CAMPAIGN_MINUTES = Number(process.env.FUZZ_MINUTES ?? 0);

type Source = Uint8Array | { prototxt: string };
type Outcome = { kind: 'ran' } | { kind: 'typed'; code: string } | { kind: 'untyped'; error: unknown };

/** A seeded input for a declared input: symbolic dims as 2, values in [-2, 2). */
function inputFor(info: ValueInfo, rng: SeededRandom): Tensor | undefined {
  const dims = (info.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
  const size = dims.reduce((p, d) => p * d, 1);
  if (info.type !== 'float32' || size > 1 << 20) return undefined;
  return new Tensor(
    'float32',
    Float32Array.from({ length: size }, () => rng.uniform(-2, 2)),
    dims,
  );
}

async function runMutant(source: Source, backend: string, seed: number): Promise<Outcome> {
  let session: Session | undefined;
  try {
    session = await Session.init(source, {
      backends: [backend],
      projectRoot: PROJECT,
      maxMemoryBytes: MAX_MEMORY_BYTES,
      threads: 1,
    });
    const rng = new SeededRandom(seed);
    const feeds: Record<string, Tensor> = {};
    for (const info of session.inputs) {
      const t = inputFor(info, rng);
      if (t === undefined) return { kind: 'typed', code: 'skipped-input' };
      feeds[info.name] = t;
    }
    await session.run(feeds);
    return { kind: 'ran' };
  } catch (error) {
    return isLastmileError(error) ? { kind: 'typed', code: error.code } : { kind: 'untyped', error };
  } finally {
    await session?.destroy();
  }
}

interface Kind {
  name: string;
  make: (rng: SeededRandom) => Source;
}

const cnn = baseCnn();
const shapes = baseShapes();
const caffe = baseCaffe();
const KINDS: Kind[] = [
  { name: 'onnx bytes (cnn)', make: (rng) => mutateBytes(mutateBytes(cnn, rng), rng) },
  { name: 'onnx bytes (shapes)', make: (rng) => mutateBytes(shapes, rng) },
  { name: 'onnx graph (cnn)', make: (rng) => mutateGraph(cnn, rng) },
  { name: 'onnx graph (shapes)', make: (rng) => mutateGraph(mutateGraph(shapes, rng), rng) },
  { name: 'caffe prototxt', make: (rng) => ({ prototxt: mutatePrototxt(mutatePrototxt(caffe, rng), rng) }) },
];

/** Runs mutants of every kind from `firstSeed` until `more()` says stop; returns what came out. */
async function fuzz(firstSeed: number, more: (done: number) => boolean) {
  const outcomes = new Map<string, number>();
  const untyped: string[] = [];
  let done = 0;
  for (let seed = firstSeed; more(done); seed++, done++) {
    for (const kind of KINDS) {
      let source: Source;
      try {
        source = kind.make(new SeededRandom(seed));
      } catch (error) {
        // A structure-aware mutation of an unreadable model cannot be written: nothing to run.
        if (!isLastmileError(error)) untyped.push(`${kind.name} seed ${seed}: making the mutant: ${String(error)}`);
        continue;
      }
      for (const backend of BACKENDS) {
        const outcome = await runMutant(source, backend, seed);
        const key = outcome.kind === 'typed' ? outcome.code : outcome.kind;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (outcome.kind === 'untyped') {
          const error = outcome.error as Error;
          untyped.push(`${kind.name} seed ${seed} on ${backend}: ${error?.stack ?? String(error)}`);
        }
      }
    }
  }
  return { outcomes, untyped, done };
}

describe('the mutation fuzzer', () => {
  it.skipIf(CAMPAIGN_MINUTES > 0)(
    `${MUTANTS_PER_KIND} seeded mutants of each kind give only typed errors`,
    async () => {
      const { outcomes, untyped } = await fuzz(1, (done) => done < MUTANTS_PER_KIND);
      expect(untyped).toEqual([]);
      // The mutants reach every stage: some still run, some are refused for each reason.
      expect(outcomes.get('ran')).toBeGreaterThan(0);
      expect(outcomes.get(ErrorCodes.ModelFormat)).toBeGreaterThan(0);
    },
    600_000,
  );

  it.runIf(CAMPAIGN_MINUTES > 0)(
    'campaign: new seeds until the time is up',
    async () => {
      const end = Date.now() + CAMPAIGN_MINUTES * 60_000;
      const { outcomes, untyped, done } = await fuzz(1_000_000, () => Date.now() < end);
      console.log(
        JSON.stringify(
          {
            minutes: CAMPAIGN_MINUTES,
            seeds: done,
            kinds: KINDS.length,
            backends: BACKENDS,
            outcomes: Object.fromEntries(outcomes),
            untyped,
          },
          null,
          2,
        ),
      );
      expect(untyped).toEqual([]);
    },
    0,
  );
});
