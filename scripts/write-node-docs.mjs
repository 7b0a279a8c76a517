// Writes docs/nodes.md from the compiled node registry (run `npm run build` first).
import fs from 'node:fs';
import { builtinNodeTypes } from '../dist/nodes/registry.js';
import { renderNodeReference } from '../dist/nodes/reference.js';

const target = new URL('../docs/nodes.md', import.meta.url);
fs.writeFileSync(target, renderNodeReference(builtinNodeTypes));
console.log(`wrote ${target.pathname}`);
