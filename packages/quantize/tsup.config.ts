import { packageConfig } from '@lastmile/tsconfig/tsup';
export default packageConfig();
