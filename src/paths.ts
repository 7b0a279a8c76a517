import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the installed package: `src/` and `dist/` both sit one level below it. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const schemasDir = path.join(packageRoot, 'schemas');

/** The default flows shipped with hookflow. */
export const shippedFlowsDir = path.join(packageRoot, 'flows.d');
