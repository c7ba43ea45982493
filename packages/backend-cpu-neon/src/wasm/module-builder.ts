/**
 * A small WebAssembly binary emitter: one module that imports its linear memory (`env.memory`) and
 * exports functions built with {@link FunctionBuilder}, plus a name section so wasm2wat shows names.
 */
import {
  F32,
  I32,
  LANE_OPS,
  type LaneOp,
  MEMORY_OPS,
  type MemoryOp,
  PLAIN_OPS,
  type PlainOp,
  sleb,
  uleb,
  V128,
  type ValType,
} from './opcodes.js';

export { F32, I32, V128, type ValType };

/** A local (or parameter) index, typed for readability. */
export type Local = number & { readonly __local?: unique symbol };

const encoder = new TextEncoder();
const utf8 = (s: string) => {
  const bytes = encoder.encode(s);
  return [...uleb(bytes.length), ...bytes];
};
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

/** Builds one function body: locals, structured control flow and instructions by name. */
export class FunctionBuilder {
  readonly name: string;
  readonly params: ValType[];
  readonly results: ValType[];
  readonly #locals: ValType[] = [];
  readonly #code: number[] = [];
  /** Names of parameters and locals, for the name section (what wasm2wat prints). */
  readonly localNames = new Map<number, string>();

  constructor(name: string, params: ValType[], results: ValType[] = []) {
    this.name = name;
    this.params = params;
    this.results = results;
  }

  /** Parameter `i`, optionally named. */
  param(i: number, name?: string): Local {
    if (name) this.localNames.set(i, name);
    return i as Local;
  }

  /** Parameters named `names`, in order. */
  paramsNamed(...names: string[]): Local[] {
    return names.map((n, i) => this.param(i, n));
  }

  /** A new local of `type`, optionally named. */
  local(type: ValType, name?: string): Local {
    this.#locals.push(type);
    const index = this.params.length + this.#locals.length - 1;
    if (name) this.localNames.set(index, name);
    return index as Local;
  }

  get(l: Local): this {
    return this.#emit(0x20, ...uleb(l));
  }
  set(l: Local): this {
    return this.#emit(0x21, ...uleb(l));
  }
  tee(l: Local): this {
    return this.#emit(0x22, ...uleb(l));
  }
  i32(n: number): this {
    return this.#emit(0x41, ...sleb(n));
  }
  f32(x: number): this {
    const bytes = new Uint8Array(new Float32Array([x]).buffer);
    return this.#emit(0x43, ...bytes);
  }
  /** A v128 constant of four equal f32 lanes. */
  f32x4(x: number): this {
    const bytes = new Uint8Array(new Float32Array([x, x, x, x]).buffer);
    return this.#emit(0xfd, ...uleb(0x0c), ...bytes);
  }
  /** A v128 constant of four i32 lanes. */
  i32x4(lanes: [number, number, number, number]): this {
    const bytes = new Uint8Array(new Int32Array(lanes).buffer);
    return this.#emit(0xfd, ...uleb(0x0c), ...bytes);
  }
  op(...names: PlainOp[]): this {
    for (const name of names) this.#emit(...PLAIN_OPS[name]);
    return this;
  }
  load(name: MemoryOp, offset = 0): this {
    const { code, align } = MEMORY_OPS[name];
    return this.#emit(...code, ...uleb(align), ...uleb(offset));
  }
  store(name: MemoryOp, offset = 0): this {
    return this.load(name, offset);
  }
  lane(name: LaneOp, lane: number, offset = 0): this {
    const { code, memory } = LANE_OPS[name];
    if (!memory) return this.#emit(...code, lane);
    const align = name === 'v128.store64_lane' ? 3 : 2;
    return this.#emit(...code, ...uleb(align), ...uleb(offset), lane);
  }
  call(index: number): this {
    return this.#emit(0x10, ...uleb(index));
  }
  /** `local += n` for an i32 local. */
  addTo(l: Local, n: number): this {
    return this.get(l).i32(n).op('i32.add').set(l);
  }

  block(body: () => void): this {
    this.#emit(0x02, 0x40);
    body();
    return this.#emit(0x0b);
  }
  loop(body: () => void): this {
    this.#emit(0x03, 0x40);
    body();
    return this.#emit(0x0b);
  }
  /** Pops an i32 condition; runs `then` or `otherwise`. */
  if(then: () => void, otherwise?: () => void): this {
    this.#emit(0x04, 0x40);
    then();
    if (otherwise) {
      this.#emit(0x05);
      otherwise();
    }
    return this.#emit(0x0b);
  }
  br(depth: number): this {
    return this.#emit(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.#emit(0x0d, ...uleb(depth));
  }

  /** A loop whose body runs at least once and repeats while `condition` leaves a non-zero i32. */
  doWhile(body: () => void, condition: () => void): this {
    return this.loop(() => {
      body();
      condition();
      this.brIf(0);
    });
  }

  /** `for (i = from; i < to; i += step)` over i32 locals, checked before the first pass. */
  forRange(i: Local, from: () => void, to: Local, step: number, body: () => void): this {
    from();
    this.set(i);
    return this.block(() =>
      this.loop(() => {
        this.get(i).get(to).op('i32.ge_s').brIf(1);
        body();
        this.addTo(i, step).br(0);
      }),
    );
  }

  /** The encoded body: locals (run-length grouped) then code. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.#locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vector(groups.map(([n, t]) => [...uleb(n), t])), ...this.#code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  #emit(...bytes: number[]): this {
    for (const b of bytes) this.#code.push(b);
    return this;
  }
}

/** How the module's memory is imported. */
export interface MemoryImport {
  /** Initial size in 64 KiB pages. */
  pages: number;
  /** Shared memories (threads) need a maximum. */
  shared?: boolean;
  maxPages?: number;
}

/** Collects functions and encodes the module. Every function is exported under its name. */
export class ModuleBuilder {
  readonly #functions: FunctionBuilder[] = [];
  readonly #byName = new Map<string, number>();

  /** Adds a function unless one of that name exists; returns the builder to fill (undefined if it existed). */
  add(name: string, params: ValType[], results: ValType[] = []): FunctionBuilder | undefined {
    if (this.#byName.has(name)) return undefined;
    const f = new FunctionBuilder(name, params, results);
    this.#byName.set(name, this.#functions.length);
    this.#functions.push(f);
    return f;
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Function index by name (for calls between kernels). */
  indexOf(name: string): number {
    const i = this.#byName.get(name);
    if (i === undefined) throw new Error(`internal: no wasm function '${name}'`);
    return i;
  }

  get names(): string[] {
    return this.#functions.map((f) => f.name);
  }

  encode(memory: MemoryImport): Uint8Array {
    const signatures: string[] = [];
    const typeOf = this.#functions.map((f) => {
      const key = `${f.params.join(',')}>${f.results.join(',')}`;
      let i = signatures.indexOf(key);
      if (i < 0) i = signatures.push(key) - 1;
      return i;
    });
    const types = signatures.map((key) => {
      const [params, results] = key.split('>').map((s) => (s ? s.split(',').map(Number) : []));
      return [0x60, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t]))];
    });
    const limits = memory.shared
      ? [0x03, ...uleb(memory.pages), ...uleb(memory.maxPages ?? memory.pages)]
      : memory.maxPages !== undefined
        ? [0x01, ...uleb(memory.pages), ...uleb(memory.maxPages)]
        : [0x00, ...uleb(memory.pages)];
    const imports = vector([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]]);
    const names = vector(this.#functions.map((f, i) => [...uleb(i), ...utf8(f.name)]));
    const locals = vector(
      this.#functions.map((f, i) => [
        ...uleb(i),
        ...vector([...f.localNames].map(([l, n]) => [...uleb(l), ...utf8(n)])),
      ]),
    );
    const nameSection = [...utf8('name'), 1, ...uleb(names.length), ...names, 2, ...uleb(locals.length), ...locals];
    return Uint8Array.from([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, vector(types)),
      ...section(2, imports),
      ...section(3, vector(typeOf.map((t) => uleb(t)))),
      ...section(7, vector(this.#functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]))),
      ...section(10, vector(this.#functions.map((f) => f.encode()))),
      ...section(0, nameSection),
    ]);
  }
}
