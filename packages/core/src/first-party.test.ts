import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session, evaluateGraph, findInstalledPackage, type Model } from '@lastmile/core';
import { importInstalledPackage } from './backend/project-packages.js';
import { afterAll, describe, expect, it } from 'vitest';
import { convInput, convNet, sameValues } from './fixtures.js';

// A user project that installed the first-party importer and reference backend (linked, as pnpm does).
const project = mkdtempSync(join(tmpdir(), 'lastmile-first-party-'));
writeFileSync(join(project, 'package.json'), '{"name":"user-app","private":true}');
mkdirSync(join(project, 'node_modules', '@lastmile'), { recursive: true });
for (const pkg of ['onnx', 'backend-reference']) {
  symlinkSync(resolve(import.meta.dirname, '../..', pkg), join(project, 'node_modules', '@lastmile', pkg), 'dir');
}
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('first-party packages found from the project root', () => {
  it("imports ONNX bytes with @lastmile/onnx and runs them on 'reference'", async () => {
    const onnx = findInstalledPackage('@lastmile/onnx', project)!;
    const { encodeModel } = (await importInstalledPackage(onnx)) as { encodeModel: (m: Model) => Uint8Array };
    const model = convNet();
    const bytes = encodeModel(model);
    const session = await Session.init(bytes, { backends: ['reference'], projectRoot: project });
    expect(session.backends.map((b) => b.name)).toEqual(['reference']);
    const x = convInput(11);
    const out = await session.run({ x });
    expect(sameValues(out.z, evaluateGraph(model, { x }).z)).toBe(true);
    await session.destroy();
  });
});
