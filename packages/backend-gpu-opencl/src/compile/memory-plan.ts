/**
 * Device buffers for a partition's activations, reused: each value lives from the step that first
 * writes it to the last step that reads it (core's `lifetimes`: inputs from before the first step,
 * outputs to the end), and a buffer freed by one value is handed to a later one (best fit, growing a free
 * buffer if none fits).
 * Aliases (Reshape and friends) share their source's buffer and extend its life.
 */
import { GraphError, lifetimes } from '@lastmile/core';
import type { KernelStep } from './steps.js';

export interface MemoryPlan {
  /** Bytes of each pooled buffer. */
  sizes: number[];
  /** Pooled buffer of each planned value (aliases included). */
  slotOf: Map<string, number>;
}

export interface PlanInput {
  steps: readonly KernelStep[];
  /** Alias output -> its input. */
  aliases: ReadonlyMap<string, string>;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Values with their own buffers (uploaded weights), never pooled. */
  isWeight(name: string): boolean;
  bytesOf(name: string): number;
}

/** The value whose buffer `name` uses, following alias chains. */
export function rootOf(name: string, aliases: ReadonlyMap<string, string>): string {
  let at = name;
  for (let guard = 0; aliases.has(at); guard++) {
    if (guard > aliases.size) throw new GraphError(`alias cycle through '${name}'`, { value: name });
    at = aliases.get(at) as string;
  }
  return at;
}

export function planMemory(p: PlanInput): MemoryPlan {
  const lives = lifetimes(
    p.steps.map((step) => step.args.flatMap((a) => (a.kind === 'value' ? [a.name] : []))),
    { inputs: p.inputs, outputs: p.outputs },
    (name) => {
      const root = rootOf(name, p.aliases);
      return p.isWeight(root) ? undefined : root;
    },
  );

  const sizes: number[] = [];
  const rootSlot = new Map<string, number>();
  const free = new Set<number>();
  const byStart = [...lives].map(([root, life]) => [root, life.from] as const).sort((x, y) => x[1] - y[1]);
  let next = 0;
  for (let k = -1; k <= p.steps.length; k++) {
    for (; next < byStart.length && byStart[next][1] === k; next++) {
      const root = byStart[next][0];
      const need = Math.max(p.bytesOf(root), 4);
      let chosen: number | undefined;
      for (const slot of free)
        if (sizes[slot] >= need && (chosen === undefined || sizes[slot] < sizes[chosen])) chosen = slot;
      if (chosen === undefined)
        for (const slot of free) if (chosen === undefined || sizes[slot] > sizes[chosen]) chosen = slot;
      if (chosen === undefined) {
        chosen = sizes.length;
        sizes.push(need);
      }
      sizes[chosen] = Math.max(sizes[chosen], need);
      free.delete(chosen);
      rootSlot.set(root, chosen);
    }
    // Freed only after this step's outputs were placed: no step reads and writes one buffer.
    for (const [root, life] of lives) if (life.to === k) free.add(rootSlot.get(root) as number);
  }
  const slotOf = new Map<string, number>();
  for (const [root, slot] of rootSlot) slotOf.set(root, slot);
  for (const [alias] of p.aliases) {
    const slot = rootSlot.get(rootOf(alias, p.aliases));
    if (slot !== undefined) slotOf.set(alias, slot);
  }
  return { sizes, slotOf };
}
