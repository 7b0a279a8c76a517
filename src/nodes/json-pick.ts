import { JSON_POINTER_SCHEMA, resolvePointer } from '../flow/json-pointer.js';
import type { NodeType } from './types.js';

export const jsonPick: NodeType = {
  type: 'json.pick',
  description: 'Outputs the part of the input value at a JSON Pointer, or null when the path does not resolve.',
  mutating: false,
  inputs: { value: { type: 'any', required: true } },
  outputs: { value: 'json' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { ...JSON_POINTER_SCHEMA, description: 'JSON Pointer into the input value, e.g. /payload/issue/number. The empty string picks the whole value.' },
    },
  },
  run(ctx) {
    const resolution = resolvePointer(ctx.inputs.value, ctx.args.path as string);
    return { outputs: { value: resolution.found ? resolution.value ?? null : null } };
  },
};
