import { packageConfig } from '@lastmile/tsconfig/tsup';
export default packageConfig({ entry: ['src/index.ts', 'src/cli.ts'] });
