import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemasDir } from '../paths.js';
import type { ConfigProblem } from './errors.js';

export const configSchemaPath = path.join(schemasDir, 'webhook-config.schema.json');

/** A schema problem plus the key's path segments, so the loader can find the key in the YAML file. */
export interface KeyProblem extends ConfigProblem {
  segments: string[];
}

/**
 * Plain-word meaning of each `pattern` in the schema, so that an error tells the operator what to
 * write. A test checks that every pattern in the schema has an entry here.
 */
export const PATTERN_MEANINGS: Record<string, string> = {
  '^[A-Za-z_][A-Za-z0-9_]*$': 'must be an environment variable name (letters, digits and _, not starting with a digit)',
  '^[^@\\s<>]+@[^@\\s<>]+$': 'must be an email address',
  '^https?://[^\\s/]+': 'must be an http:// or https:// URL',
  '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$': 'must be a host name or host:port',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

let compiled: ValidateFunction | undefined;

function compileSchema(): ValidateFunction {
  if (compiled) return compiled;

  const schema = JSON.parse(fs.readFileSync(configSchemaPath, 'utf8'));
  // strictTuples is off because `argv` checks only its first item (the program) with prefixItems
  // and leaves the rest open, which strict mode would report as an incomplete tuple.
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strictTuples: false });
  compiled = ajv.compile(schema);
  return compiled;
}

/**
 * Validates a parsed configuration against schemas/webhook-config.schema.json and fills in the
 * schema's defaults in place. Returns every problem found, or an empty list when it is valid.
 */
export function validateConfigDocument(document: unknown): KeyProblem[] {
  const validate = compileSchema();
  if (validate(document)) return [];

  const problems: KeyProblem[] = [];
  for (const error of validate.errors ?? []) {
    // The if/then of a gitea forge also reports the failed `required` inside `then`, which is
    // the useful one, so the `if` error adds nothing.
    if (error.keyword === 'if') continue;
    problems.push(describeError(document, error));
  }
  return problems;
}

function describeError(document: unknown, error: ErrorObject): KeyProblem {
  const segments = pointerSegments(error.instancePath);

  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const known = Object.keys(error.parentSchema?.properties ?? {});
    const hint = known.length > 0 ? `, expected one of: ${known.join(', ')}` : '';
    return problemAt(document, [...segments, key], `is not a known key${hint}`);
  }

  if (error.keyword === 'required') {
    const key = String(error.params.missingProperty);
    const kind = (error.data as Record<string, unknown> | undefined)?.kind;
    const condition = error.schemaPath.endsWith('/then/required') && typeof kind === 'string' ? ` when kind is ${kind}` : '';
    return problemAt(document, [...segments, key], `is required${condition}`);
  }

  return problemAt(document, segments, `${describeRule(error)}${describeValue(error.data)}`);
}

function describeRule(error: ErrorObject): string {
  const params = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'type':
      return `must be ${TYPE_WORDS[params.type] ?? params.type}`;
    case 'enum':
      return `must be one of: ${params.allowedValues.join(', ')}`;
    case 'minimum':
      return `must be at least ${params.limit}`;
    case 'maximum':
      return `must be at most ${params.limit}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} characters`;
    case 'minItems':
      return `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'pattern':
      return PATTERN_MEANINGS[params.pattern] ?? `must match the pattern ${params.pattern}`;
    default:
      return error.message ?? `fails the ${error.keyword} rule`;
  }
}

/** Shows the rejected value when it is a scalar; a whole mapping or list would only add noise. */
function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object') return '';
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return `, got ${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

function problemAt(document: unknown, segments: string[], rule: string): KeyProblem {
  const dotted = formatKeyPath(document, segments);
  const subject = dotted === '' ? 'the configuration' : dotted;
  return { path: dotted, message: `${subject} ${rule}`, segments };
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Formats path segments as the operator writes keys: `server.port`, `commands.lint.argv[0]`,
 * and `forges["my.forge"]` for a map key that a dot would make ambiguous.
 */
export function formatKeyPath(document: unknown, segments: string[]): string {
  let text = '';
  let value: unknown = document;

  for (const segment of segments) {
    if (Array.isArray(value)) {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return text;
}
