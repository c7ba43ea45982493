/**
 * The body of every pool worker. It runs from its own source text (`new Worker(source, { eval: true })`),
 * so it imports nothing: what it needs comes in `workerData` (the compiled module, the shared memory, the
 * plan, the control words and their indices). It waits for a region by spinning briefly and then
 * sleeping in Atomics.wait, takes chunks until none is left, and goes back to waiting.
 */

/** What a worker is started with. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  plan: SharedArrayBuffer;
  /** Export name of each kernel index used in the plan. */
  kernels: string[];
  relaxedSimd: boolean;
  spinMs: number;
  words: {
    GEN: number;
    REGION: number;
    CLAIM: number;
    DONE: number;
    QUIT: number;
    CRASH_ON_CLAIM: number;
    WORKER_CHUNKS: number;
    SLEEPERS: number;
    ACTIVE: number;
    CHUNK_WORDS: number;
  };
}

export function workerMain(): void {
  // Node's eval scripts put `require` on globalThis; reading it from there keeps bundlers (esbuild turns a
  // bare `require` into its own shim, which this source text would not carry along) out of the way.
  const load = (globalThis as unknown as { require: (id: string) => unknown }).require;
  const { workerData } = load('node:worker_threads') as { workerData: WorkerData };
  // The flag is process-wide, but set it before this isolate instantiates anything, as the main thread did.
  if (workerData.relaxedSimd)
    (load('node:v8') as { setFlagsFromString(flags: string): void }).setFlagsFromString(
      '--experimental-wasm-relaxed-simd',
    );
  const { GEN, REGION, CLAIM, DONE, QUIT, CRASH_ON_CLAIM, WORKER_CHUNKS, SLEEPERS, ACTIVE, CHUNK_WORDS } =
    workerData.words;
  const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
  const fns = workerData.kernels.map((name) => instance.exports[name] as (...args: number[]) => void);
  const control = new Int32Array(workerData.control);
  const plan = new Int32Array(workerData.plan);
  let seen = Atomics.load(control, GEN);
  for (;;) {
    // Spin through a run and a while after it, then sleep; any wake-up (a region, or the caller's wake at
    // the start of a run) spins again, so a thread is awake when the next region is published.
    let generation = Atomics.load(control, GEN);
    let until = performance.now() + workerData.spinMs;
    while (generation === seen) {
      if (Atomics.load(control, ACTIVE) !== 0) until = performance.now() + workerData.spinMs;
      else if (performance.now() >= until) {
        // Counted before the wait re-checks GEN: a caller that reads 0 here published its region first.
        Atomics.add(control, SLEEPERS, 1);
        Atomics.wait(control, GEN, seen);
        Atomics.sub(control, SLEEPERS, 1);
        until = performance.now() + workerData.spinMs;
      }
      generation = Atomics.load(control, GEN);
    }
    seen = generation;
    if (Atomics.load(control, QUIT) !== 0) return;
    const at = plan[Atomics.load(control, REGION)];
    const chunks = plan[at];
    const tag = generation & 0x7fff;
    for (;;) {
      const word = Atomics.load(control, CLAIM);
      const index = word & 0xffff;
      if (word >>> 16 !== tag || index >= chunks) break;
      if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
      const crash = Atomics.load(control, CRASH_ON_CLAIM);
      if (crash !== 0) process.exit(crash);
      const o = at + 1 + index * CHUNK_WORDS;
      fns[plan[o]](
        plan[o + 1],
        plan[o + 2],
        plan[o + 3],
        plan[o + 4],
        plan[o + 5],
        plan[o + 6],
        plan[o + 7],
        plan[o + 8],
        plan[o + 9],
        plan[o + 10],
      );
      Atomics.add(control, WORKER_CHUNKS, 1);
      if (Atomics.add(control, DONE, 1) + 1 === chunks) Atomics.notify(control, DONE);
    }
  }
}
