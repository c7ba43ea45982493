/**
 * A persistent pool of worker_threads over the executable's shared `WebAssembly.Memory` and compiled
 * module; the calling thread is worker 0 and takes chunks like the others. Starting a region is a few
 * atomic stores and one notify; joining spins briefly, then sleeps in Atomics.wait for a bounded time,
 * then waits asynchronously so that a worker's death (an event) can be seen. A worker that dies fails the
 * run in flight with a BackendCrashedError; the pool is then rebuilt before the next region.
 */
import { Worker } from 'node:worker_threads';
import { BackendCrashedError } from '@lastmile/core';
import {
  ACTIVE,
  CHUNK_WORDS,
  CLAIM,
  CONTROL_WORDS,
  CRASH_ON_CLAIM,
  DONE,
  GEN,
  QUIT,
  REGION,
  SLEEPERS,
  tagOf,
  WORKER_CHUNKS,
} from './control.js';
import { type WorkerData, workerMain } from './worker-main.js';

const WORKER_SOURCE = `(${workerMain.toString()})();`;

/**
 * How long the calling thread spins on a join before sleeping, and sleeps before waiting asynchronously.
 * Waking a sleeping thread costs 0.1-1 ms on a virtual machine (the idle vCPU halts), more than a chunk:
 * spins are bounded but long enough to cover the gaps between the regions of one run.
 */
const JOIN_SPIN_MS = 1;
const JOIN_SLEEP_MS = 2;
/** How long a worker spins after a run (or a wake-up) before it sleeps. */
const WORKER_SPIN_MS = 1;
/** At most every this many runs the other mode is tried again (the machine's load changes). */
const PROBE_EVERY = 16;
/** Runs go to the calling thread alone only when that was clearly faster (run times are noisy). */
const SOLO_MARGIN = 0.85;
/** Recent run times kept per mode. */
const SAMPLES = 3;
/** Shared runs after the workers start that are not judged (start-up, and V8 tiering their code up). */
const WARM_UP_RUNS = 3;

type AtomicsWithWaitAsync = typeof Atomics & {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
};

export interface PoolOptions {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The plan: region table, then per region its chunk count and chunks (see control.ts). */
  plan: Int32Array;
  kernels: string[];
  /** Threads besides the calling one. */
  workers: number;
  relaxedSimd: boolean;
}

export class WorkerPool {
  readonly #options: PoolOptions;
  readonly #control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  #workers: Worker[] = [];
  #crashed: Error | undefined;
  #onCrash: (() => void) | undefined;
  #closed = false;
  /** Whether the current run shares its regions with the workers, and when it started. */
  #shared = true;
  #runStarted = 0;
  /** Runs left in the current probe of the other mode, and runs since the last probe began. */
  #probe = 0;
  #sinceProbe = PROBE_EVERY;
  /** Chunks of the current run, and the workers' count at its start. */
  #runChunks = 0;
  #workerChunksBefore = 0;
  /** The last shared run's workers took less than half their share. */
  #lagging = false;
  /** Whether the current run's time is a fair sample of its mode. */
  #sample = false;
  /** The latest fair run times (ms) with and without the workers; a mode's best of them is its speed. */
  readonly #samples: Record<'shared' | 'solo', number[]> = { shared: [], solo: [] };
  /** Shared runs after a spawn that are neither timed nor judged. */
  #warmUp = WARM_UP_RUNS;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  /** Starts the workers now (they start at the first shared region otherwise). */
  start(): void {
    if (this.#workers.length === 0 && !this.#crashed && !this.#closed) this.#spawn();
  }

  /** Worker threads alive or starting. */
  get size(): number {
    return this.#workers.length;
  }

  /** Chunks run by the workers so far (the calling thread's are not counted). */
  get workerChunks(): number {
    return Atomics.load(this.#control, WORKER_CHUNKS);
  }

  /** The shared control words (tests use CRASH_ON_CLAIM through it). */
  get control(): Int32Array {
    return this.#control;
  }

  /**
   * Runs region `region`: publishes it, takes chunks on this thread with `run(chunkOffset)`, and joins.
   * Returns true when every chunk is done; false when the caller must `await settle(region)`.
   */
  runRegion(region: number, run: (offset: number) => void): boolean {
    const plan = this.#options.plan;
    const at = plan[region];
    const chunks = plan[at];
    this.#runChunks += chunks;
    if (!this.#shared) {
      for (let i = 0; i < chunks; i++) run(at + 1 + i * CHUNK_WORDS);
      return true;
    }
    this.start();
    const c = this.#control;
    const generation = (Atomics.load(c, GEN) + 1) | 0;
    const tag = tagOf(generation);
    // CLAIM first: a thread still in the previous region then sees a foreign tag and takes nothing.
    Atomics.store(c, CLAIM, tag << 16);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, REGION, region);
    Atomics.store(c, GEN, generation);
    if (Atomics.load(c, SLEEPERS) > 0) Atomics.notify(c, GEN);
    for (;;) {
      const word = Atomics.load(c, CLAIM);
      const index = word & 0xffff;
      if (word >>> 16 !== tag || index >= chunks) break;
      if (Atomics.compareExchange(c, CLAIM, word, word + 1) !== word) continue;
      run(at + 1 + index * CHUNK_WORDS);
      Atomics.add(c, DONE, 1);
    }
    if (Atomics.load(c, DONE) === chunks) return true;
    const spinUntil = performance.now() + JOIN_SPIN_MS;
    while (performance.now() < spinUntil) if (Atomics.load(c, DONE) === chunks) return true;
    const sleepUntil = performance.now() + JOIN_SLEEP_MS;
    for (let left = JOIN_SLEEP_MS; left > 0; left = sleepUntil - performance.now()) {
      const done = Atomics.load(c, DONE);
      if (done === chunks) return true;
      Atomics.wait(c, DONE, done, left);
    }
    return Atomics.load(c, DONE) === chunks;
  }

  /** Waits for the current region of `region` to finish, or fails when a worker died. */
  async settle(region: number): Promise<void> {
    const c = this.#control;
    const plan = this.#options.plan;
    const chunks = plan[plan[region]];
    const crashed = new Promise<void>((resolve) => {
      this.#onCrash = resolve;
    });
    // Keep the event loop alive while waiting: the workers are otherwise unreferenced.
    for (const w of this.#workers) w.ref();
    try {
      for (;;) {
        const done = Atomics.load(c, DONE);
        if (done === chunks) return;
        if (this.#crashed) throw await this.#recover();
        const wait = (Atomics as AtomicsWithWaitAsync).waitAsync(c, DONE, done);
        if (wait.async) await Promise.race([wait.value, crashed]);
      }
    } finally {
      this.#onCrash = undefined;
      for (const w of this.#workers) w.unref();
    }
  }

  /**
   * Called at the start of a run: rebuilds the pool if a worker died since the last run (nothing was in
   * flight then), picks whether this run shares its regions, and if so wakes the workers, which then spin
   * until {@link endRun} (waking a sleeping thread for every region cost 0.1-0.2 ms each on a VM).
   *
   * Sharing is not always faster: when other processes hold the cores, a spinning worker only takes time
   * from the calling thread (2 threads measured 0.5x of 1 then). When the workers lag, the pool times runs
   * on the calling thread alone, uses the faster mode, and tries sharing again every few runs.
   */
  async beginRun(): Promise<void> {
    if (this.#crashed) await this.#recover();
    // The best of a few recent runs: other processes only ever add time, so the minimum is the signal.
    const [shared, solo] = [Math.min(...this.#samples.shared), Math.min(...this.#samples.solo)];
    const soloIsFaster = this.#samples.shared.length >= 2 && solo < SOLO_MARGIN * shared;
    let share: boolean;
    this.#sinceProbe++;
    if (this.#probe > 0) {
      share = this.#shared;
      this.#probe--;
    } else if (this.#sinceProbe >= PROBE_EVERY && (soloIsFaster || this.#lagging)) {
      // Two runs in the other mode: the first pays for the switch, the second is timed.
      share = soloIsFaster;
      this.#probe = 1;
      this.#sinceProbe = 0;
      this.#lagging = false;
    } else {
      share = !soloIsFaster;
    }
    this.#sample = share === this.#shared;
    this.#shared = share;
    this.#runStarted = performance.now();
    this.#workerChunksBefore = this.workerChunks;
    this.#runChunks = 0;
    if (!share) return;
    Atomics.store(this.#control, ACTIVE, 1);
    if (Atomics.load(this.#control, SLEEPERS) > 0) Atomics.notify(this.#control, GEN);
  }

  /** The run is over: records its time; workers spin a little longer, then sleep. */
  endRun(): void {
    Atomics.store(this.#control, ACTIVE, 0);
    const ms = performance.now() - this.#runStarted;
    // The first shared runs after a spawn include the workers' start-up and tier-up: no verdict on them.
    if (this.#shared && this.#warmUp > 0) {
      this.#warmUp--;
      return;
    }
    if (this.#shared && this.#runChunks > 0) {
      // Workers that took less than half their share of the chunks: time the calling thread alone.
      const fair = this.#options.workers / (this.#options.workers + 1);
      this.#lagging = (this.workerChunks - this.#workerChunksBefore) / this.#runChunks < fair / 2;
    }
    if (!this.#sample) return;
    const samples = this.#samples[this.#shared ? 'shared' : 'solo'];
    samples.push(ms);
    if (samples.length > SAMPLES) samples.shift();
  }

  /** Stops the workers after a failure on the calling thread; the next region starts fresh ones. */
  async restart(): Promise<void> {
    await this.#stopAll();
    this.#crashed = undefined;
  }

  /** Stops every worker; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#stopAll();
  }

  #spawn(): void {
    const o = this.#options;
    const data: WorkerData = {
      module: o.module,
      memory: o.memory,
      control: this.#control.buffer as SharedArrayBuffer,
      plan: o.plan.buffer as SharedArrayBuffer,
      kernels: o.kernels,
      relaxedSimd: o.relaxedSimd,
      spinMs: WORKER_SPIN_MS,
      words: { GEN, REGION, CLAIM, DONE, QUIT, CRASH_ON_CLAIM, WORKER_CHUNKS, SLEEPERS, ACTIVE, CHUNK_WORDS },
    };
    Atomics.store(this.#control, QUIT, 0);
    this.#warmUp = WARM_UP_RUNS;
    for (let i = 0; i < o.workers; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
      worker.unref();
      // An error in a worker ends it; 'exit' follows and reports the crash.
      worker.on('error', (error) => {
        this.#crashed ??= error;
      });
      worker.on('exit', (code) => {
        if (this.#closed || !this.#workers.includes(worker)) return;
        this.#crashed ??= new Error(`worker thread exited with code ${code}`);
        this.#onCrash?.();
      });
      this.#workers.push(worker);
    }
  }

  /** Stops the survivors and returns the error the run in flight fails with; the next region respawns. */
  async #recover(): Promise<BackendCrashedError> {
    const cause = this.#crashed;
    await this.#stopAll();
    this.#crashed = undefined;
    return new BackendCrashedError(
      `cpu-neon: a worker thread died during the run (${cause?.message ?? 'unknown cause'}); the pool was restarted`,
      { backend: 'cpu-neon' },
      { cause },
    );
  }

  async #stopAll(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    const c = this.#control;
    Atomics.store(c, QUIT, 1);
    Atomics.store(c, CRASH_ON_CLAIM, 0);
    Atomics.store(c, GEN, (Atomics.load(c, GEN) + 1) | 0);
    Atomics.notify(c, GEN);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
