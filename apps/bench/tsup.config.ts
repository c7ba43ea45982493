import { packageConfig } from '@lastmile/tsconfig/tsup';
export default packageConfig({ entry: ['src/main.ts'], dts: false });
