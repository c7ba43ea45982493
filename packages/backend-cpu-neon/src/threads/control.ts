/**
 * The words the calling thread and the pool workers share (an Int32Array over a SharedArrayBuffer), and
 * the layout of the work plan. A parallel region is a list of independent kernel calls ("chunks"); any
 * thread takes the next one by a compare-and-swap on CLAIM, whose high half is the region's generation
 * tag so that a thread still looking at an older region can never take a chunk of a newer one.
 */

/** Generation: bumped (then notified) to start a region. */
export const GEN = 0;
/** Index of the region being run, into the plan's region table. */
export const REGION = 1;
/** (generation tag << 16) | next chunk index. */
export const CLAIM = 2;
/** Chunks finished in the current region; the thread that finishes the last one notifies. */
export const DONE = 3;
/** Non-zero: workers leave their loop (dispose). */
export const QUIT = 4;
/** Fault injection for tests: non-zero makes a worker exit with this code right after it claims a chunk. */
export const CRASH_ON_CLAIM = 5;
/** Chunks the workers (not the calling thread) have run since the pool started: how much they help. */
export const WORKER_CHUNKS = 6;
/**
 * Workers asleep in Atomics.wait. Waking one costs the notifying thread 0.1-0.2 ms on a virtual machine
 * (an IPI to a halted vCPU), so the caller notifies only when this is non-zero.
 */
export const SLEEPERS = 7;
/** Non-zero while a run is in flight: workers then spin between regions instead of sleeping. */
export const ACTIVE = 8;
export const CONTROL_WORDS = 16;

/** Words per chunk in the plan: kernel index, then 10 arguments (unused ones are 0). */
export const CHUNK_WORDS = 11;
/** Most chunks one region may have (the low half of CLAIM). */
export const MAX_CHUNKS = 0xffff;

/** The 15-bit tag of a generation, as stored in CLAIM's high half. */
export const tagOf = (generation: number) => generation & 0x7fff;
