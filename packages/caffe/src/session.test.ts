import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, Tensor } from '@lastmile/core';
import { afterAll, expect, it } from 'vitest';
import { caffemodelBytes } from './support.js';

// A user project with this package installed: Session finds the importer there by content.
const root = mkdtempSync(join(tmpdir(), 'lastmile-caffe-session-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(join(root, 'package.json'), '{"name":"app","private":true}');
mkdirSync(join(root, 'node_modules', '@lastmile'), { recursive: true });
const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
symlinkSync(join(packages, 'caffe'), join(root, 'node_modules', '@lastmile', 'caffe'));
symlinkSync(join(packages, 'backend-reference'), join(root, 'node_modules', '@lastmile', 'backend-reference'));

const PROTOTXT = `name: "scale"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 1 dim: 1 } } }
layer { name: "scale" type: "Scale" bottom: "data" top: "out" }
`;
const weights = caffemodelBytes({ scale: [{ dims: [2], data: [3, -1] }] });

it('Session.init imports a .prototxt path (with its sibling .caffemodel) and { prototxt, caffemodel } through @lastmile/caffe', async () => {
  writeFileSync(join(root, 'net.prototxt'), PROTOTXT);
  writeFileSync(join(root, 'net.caffemodel'), weights);
  const x = new Tensor('float32', [2, 5], [1, 2, 1, 1]);
  for (const model of [join(root, 'net.prototxt'), { prototxt: PROTOTXT, caffemodel: weights }]) {
    const formats: string[] = [];
    const session = await Session.init(model, {
      projectRoot: root,
      onEvent: (e) => e.type === 'model-imported' && formats.push(e.format),
    });
    expect([...(await session.run({ data: x })).out.data]).toEqual([6, -5]);
    expect(formats).toEqual(['caffe']);
    await session.destroy();
  }
});

it('imports, prepares and runs a 200,000-layer prototxt', async () => {
  const layers = ['name: "deep"', 'input: "data"', 'input_shape { dim: 1 dim: 4 }'];
  let bottom = 'data';
  for (let i = 0; i < 200_000; i++) {
    layers.push(`layer { name: "relu${i}" type: "ReLU" bottom: "${bottom}" top: "t${i}" }`);
    bottom = `t${i}`;
  }
  const session = await Session.init({ prototxt: layers.join('\n') }, { projectRoot: root });
  const x = new Tensor('float32', [-1, 2, -3, 4], [1, 4]);
  expect([...(await session.run({ data: x }))[bottom].data]).toEqual([0, 2, 0, 4]);
  await session.destroy();
}, 120_000);
