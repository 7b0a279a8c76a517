import { isDeepStrictEqual } from 'node:util';
import { JSON_POINTER_SCHEMA, resolvePointer, type Resolution } from '../flow/json-pointer.js';
import type { HookEvent } from '../flow/model.js';
import type { NodeType } from './types.js';

interface FilterArgs {
  path: string;
  equals?: unknown;
  pattern?: string;
  flags?: string;
  in?: unknown[];
  exists?: boolean;
  negate: boolean;
}

/** Maximum length in characters of a compared value quoted in a halt reason. */
const MAX_SHOWN_CHARS = 200;

function showValue(resolution: Resolution): string {
  if (!resolution.found) return 'missing';
  const json = JSON.stringify(resolution.value) ?? String(resolution.value);
  return json.length > MAX_SHOWN_CHARS ? `${json.slice(0, MAX_SHOWN_CHARS)}…` : json;
}

function compileRegExp(args: FilterArgs): RegExp {
  try {
    return new RegExp(args.pattern as string, args.flags ?? '');
  } catch (err) {
    throw new Error(`invalid regular expression in args.pattern: ${(err as Error).message}`, { cause: err });
  }
}

/** Returns whether the condition holds, and the condition in words for the halt reason. */
function evaluate(args: FilterArgs, resolution: Resolution): { holds: boolean; condition: string } {
  if (args.exists !== undefined) {
    return args.exists
      ? { holds: resolution.found, condition: 'exist' }
      : { holds: !resolution.found, condition: 'be missing' };
  }
  if (args.pattern !== undefined) {
    const regexp = compileRegExp(args);
    const value = resolution.found ? resolution.value : undefined;
    // Numbers and booleans match by their text, but objects, arrays and null never match.
    const text = ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : undefined;
    return { holds: text !== undefined && regexp.test(text), condition: `match ${regexp}` };
  }
  if (args.in !== undefined) {
    const holds = resolution.found && args.in.some((candidate) => isDeepStrictEqual(candidate, resolution.value));
    return { holds, condition: `be one of ${JSON.stringify(args.in)}` };
  }
  const holds = resolution.found && isDeepStrictEqual(args.equals, resolution.value);
  return { holds, condition: `equal ${JSON.stringify(args.equals)}` };
}

export const filterMatch: NodeType = {
  type: 'filter.match',
  description: 'Passes the event on when the value at a JSON Pointer passes one test (equals, pattern, in or exists), and halts the branch otherwise.',
  mutating: false,
  inputs: { event: { type: 'event', required: true } },
  outputs: { event: 'event' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    oneOf: [
      { required: ['equals'] },
      { required: ['pattern'] },
      { required: ['in'] },
      { required: ['exists'] },
    ],
    dependentRequired: { flags: ['pattern'] },
    properties: {
      path: { ...JSON_POINTER_SCHEMA, description: 'JSON Pointer into the event, e.g. /payload/issue/title, /key or /repository.' },
      equals: { description: 'Passes when the value equals this JSON value (deep equality).' },
      pattern: { type: 'string', description: 'Passes when the value, a string, number or boolean, matches this JavaScript regular expression.' },
      flags: { type: 'string', pattern: '^[imsu]*$', description: 'Regular expression flags for pattern: i, m, s, u.' },
      in: { type: 'array', minItems: 1, description: 'Passes when the value equals one of these JSON values.' },
      exists: { type: 'boolean', description: 'true passes when the path resolves (even to null); false passes when it does not.' },
      negate: { type: 'boolean', default: false, description: 'Inverts the test: the event passes when the test fails.' },
    },
  },
  run(ctx) {
    const args = ctx.args as FilterArgs;
    const event = ctx.inputs.event as HookEvent;

    const resolution = resolvePointer(event, args.path);
    const { holds, condition } = evaluate(args, resolution);

    const negate = args.negate === true;
    if (holds !== negate) return { outputs: { event } };
    const expected = negate ? `not to ${condition}` : `to ${condition}`;
    return { halt: true, reason: `${args.path || '(whole event)'} is ${showValue(resolution)}, expected it ${expected}` };
  },
};
