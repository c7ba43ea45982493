/**
 * A scan for NaN and infinities: what a kernel whose arithmetic would spread them further than the op
 * does (Winograd's transforms) checks before trusting its result.
 */
import { I32, type ModuleBuilder, V128 } from '../wasm/module-builder.js';
import { i32s } from './common.js';

/**
 * `(from, to) -> i32`: 1 when a float in [from, to) (byte addresses, 16-aligned span) is NaN or infinite.
 * x - x is 0 for every finite x and NaN otherwise, and NaN is the one value unequal to itself.
 */
export function emitAnyNonFinite(m: ModuleBuilder): string {
  const name = 'any_non_finite';
  const f = m.add(name, i32s(2), [I32]);
  if (!f) return name;
  const [from, to] = f.paramsNamed('from', 'to');
  const [x, found] = [f.local(V128, 'x'), f.local(V128, 'found')];
  f.f32x4(0).set(found);
  f.doWhile(
    () => {
      f.get(from).load('v128.load').set(x);
      f.get(x).get(x).op('f32x4.sub').set(x);
      f.get(found).get(x).get(x).op('f32x4.ne', 'v128.or').set(found);
      f.addTo(from, 16);
    },
    () => f.get(from).get(to).op('i32.lt_u'),
  );
  f.get(found).op('v128.any_true');
  return name;
}
