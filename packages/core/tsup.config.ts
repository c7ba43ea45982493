import { packageConfig } from '@lastmile/tsconfig/tsup';
// Three entries over shared chunks, so a Tensor or an error class is one class whichever entry it came from.
export default packageConfig({ entry: ['src/index.ts', 'src/backend.ts', 'src/testing.ts'] });
