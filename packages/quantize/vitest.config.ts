import { packageTestConfig } from '@lastmile/tsconfig/vitest';
export default packageTestConfig();
