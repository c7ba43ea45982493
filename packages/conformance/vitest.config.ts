import { packageTestConfig } from '@lastmile/tsconfig/vitest';
// The worker script the runner starts is built JavaScript: build it before the tests.
export default packageTestConfig({ globalSetup: ['src/build-dist.ts'] });
