import { packageConfig } from '@lastmile/tsconfig/tsup';
// case-worker is its own entry: each case runs it in a worker thread. onnxruntime-node and
// @lastmile/models are loaded only by the generator, from the repository's development dependencies.
export default packageConfig({ entry: ['src/index.ts', 'src/cli.ts', 'src/case-worker.ts'], external: ['onnxruntime-node', '@lastmile/models'] });
