/**
 * Turns ajv errors into problems a person can act on: each names the property by where it sits
 * in the flow ("input "body" of node "reply"") and states the allowed values. The ajv instance
 * must run with `verbose: true`, because the messages quote the offending value (`data`) and
 * the allowed properties (`parentSchema`).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Problem } from './model.js';
import { problemPathSegments, escapePointerSegment } from './problem-path.js';

/** Hints for the id patterns of the flow schema, keyed by the pattern's source text. */
const PATTERN_HINTS: Record<string, string> = {
  '^[a-z0-9][a-z0-9_-]{0,63}$': 'use 1 to 64 characters of a-z, 0-9, _ and -, starting with a letter or digit',
  '^[a-z][a-z0-9_]{0,63}$': 'use 1 to 64 characters of a-z, 0-9 and _, starting with a letter',
  '^[a-z][a-z0-9_]{0,63}\\.[a-z][a-z0-9_]{0,63}$': 'write "<node id>.<output port>", for example "opened.event"',
};

const COMPARISONS: Record<string, string> = { '>=': 'at least', '>': 'greater than', '<=': 'at most', '<': 'less than' };

/**
 * Converts ajv errors to problems with `code`. `basePath` is the pointer of the validated value
 * inside the flow document: empty for the document, `/nodes/<id>/args` for a node's args.
 */
export function schemaErrorsToProblems(errors: readonly ErrorObject[], code: string, basePath: string): Problem[] {
  const hidden = hiddenBranchErrors(errors);
  const problems: Problem[] = [];
  const seen = new Set<string>();

  for (const error of errors) {
    if (error.keyword === 'propertyNames' || hidden.has(error)) continue;

    const path = basePath + errorPath(error);
    const message = describeError(error, basePath + error.instancePath, path);
    const key = `${path}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);

    const segments = problemPathSegments(path);
    const node = segments[0] === 'nodes' && segments.length >= 2 ? segments[1] : undefined;
    problems.push(node === undefined ? { code, path, message } : { code, path, message, node });
  }
  return problems;
}

/**
 * Decides, for each failed oneOf or anyOf, which errors to hide. Take branches that each require
 * one property, a "set one of these" choice. When the value sets none of them, or several for
 * oneOf, the wrapper's summary is the whole message and the branch errors are hidden. When it
 * sets one and that branch fails on something else, such as an empty list, the branch's own
 * errors are what to fix, so the wrapper and the branches' `required` errors are hidden instead.
 */
function hiddenBranchErrors(errors: readonly ErrorObject[]): Set<ErrorObject> {
  const hidden = new Set<ErrorObject>();
  for (const wrapper of errors) {
    if (wrapper.keyword !== 'oneOf' && wrapper.keyword !== 'anyOf') continue;
    const prefix = wrapper.schemaPath + '/';
    const branchErrors = errors.filter((error) => error.schemaPath.startsWith(prefix));
    const choice = choiceOf(wrapper);
    const chosen = choice?.filter((name) => isObject(wrapper.data) && Object.hasOwn(wrapper.data, name)) ?? [];
    const branchesOwnFault = choice !== null && chosen.length === 1 && branchErrors.some((error) => error.keyword !== 'required');

    if (!branchesOwnFault) {
      for (const error of branchErrors) hidden.add(error);
      continue;
    }
    hidden.add(wrapper);
    for (const error of branchErrors) {
      if (error.keyword === 'required') hidden.add(error);
    }
  }
  return hidden;
}

/** Returns the property names of a oneOf or anyOf whose branches each require exactly one, otherwise null. */
function choiceOf(wrapper: ErrorObject): string[] | null {
  const branches = Array.isArray(wrapper.schema) ? (wrapper.schema as Array<Record<string, any>>) : [];
  const names = branches.map((branch) => (Array.isArray(branch?.required) && branch.required.length === 1 ? branch.required[0] : null));
  return names.length > 0 && names.every((name) => typeof name === 'string') ? names : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Points at the property concerned: the missing or unknown one, or the bad key, when there is one. */
function errorPath(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${error.instancePath}/${escapePointerSegment(String(params.missingProperty))}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${escapePointerSegment(String(params.additionalProperty))}`;
  if (error.propertyName !== undefined) return `${error.instancePath}/${escapePointerSegment(error.propertyName)}`;
  return error.instancePath;
}

function describeError(error: ErrorObject, ownerPath: string, path: string): string {
  const params = error.params as Record<string, any>;
  const subject = capitalize(describeLocation(path));

  if (error.propertyName !== undefined) return describeBadKey(error, ownerPath, path);

  switch (error.keyword) {
    case 'required':
      return `Missing required property "${params.missingProperty}" in ${describeLocation(ownerPath)}.`;
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as any)?.properties ?? {});
      const list = allowed.length > 0 ? `Allowed properties: ${allowed.join(', ')}.` : 'No properties are allowed there.';
      return `Unknown property "${params.additionalProperty}" in ${describeLocation(ownerPath)}. ${list}`;
    }
    case 'type':
      return `${subject} must be ${describeTypes(params.type)}, not ${describeValue(error.data)}.`;
    case 'enum':
      return `${subject} must be one of ${(params.allowedValues as unknown[]).map(formatValue).join(', ')}, not ${formatValue(error.data)}.`;
    case 'const':
      return `${subject} must be ${formatValue(params.allowedValue)}, not ${formatValue(error.data)}.`;
    case 'pattern': {
      const hint = PATTERN_HINTS[params.pattern];
      if (hint) return `${subject} has the invalid value ${formatValue(error.data)}: ${hint}.`;
      return `${subject} is ${formatValue(error.data)}, which does not match the pattern ${params.pattern}.`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${subject} must be ${COMPARISONS[params.comparison]} ${params.limit}, not ${formatValue(error.data)}.`;
    case 'minLength':
      if (params.limit === 1) return `${subject} must not be empty.`;
      return `${subject} must be at least ${params.limit} characters long.`;
    case 'maxLength':
      return `${subject} must be at most ${params.limit} characters long.`;
    case 'minItems':
      return `${subject} must have at least ${count(params.limit, 'item')}.`;
    case 'maxItems':
      return `${subject} must have at most ${count(params.limit, 'item')}.`;
    case 'uniqueItems':
      return `${subject} must not repeat items: items ${params.j} and ${params.i} are equal.`;
    case 'minProperties':
      if (path === '/nodes') return 'The flow has no nodes: add at least one trigger.webhook node to "nodes".';
      return `${subject} must have at least ${count(params.limit, 'property', 'properties')}.`;
    case 'maxProperties':
      return `${subject} must have at most ${count(params.limit, 'property', 'properties')}.`;
    case 'format':
      return `${subject} is ${formatValue(error.data)}, which is not a valid ${params.format}.`;
    case 'oneOf':
    case 'anyOf':
      return `${subject} ${describeAlternatives(error)}`;
    default:
      return `${subject} ${error.message ?? 'is invalid'}.`;
  }
}

/** Describes a key that fails `propertyNames`: a node id, an input port name or another property name. */
function describeBadKey(error: ErrorObject, ownerPath: string, path: string): string {
  const name = problemPathSegments(path).at(-1)!;
  const pattern = (error.params as Record<string, any>).pattern as string | undefined;
  const hint = pattern !== undefined ? PATTERN_HINTS[pattern] : undefined;
  const owner = problemPathSegments(ownerPath);
  let keyLabel = `Property name "${name}" in ${describeLocation(ownerPath)}`;
  if (owner.length === 1 && owner[0] === 'nodes') keyLabel = `Node id "${name}"`;
  if (owner.length === 3 && owner[0] === 'nodes' && owner[2] === 'inputs') keyLabel = `Input name "${name}" of node "${owner[1]}"`;

  if (hint) return `${keyLabel} is invalid: ${hint}.`;
  return `${keyLabel} is invalid: it ${error.message ?? 'does not match the schema'}.`;
}

function describeAlternatives(error: ErrorObject): string {
  const choice = choiceOf(error);
  const quantity = error.keyword === 'oneOf' ? 'exactly one' : 'at least one';
  if (!choice) {
    const count = Array.isArray(error.schema) ? error.schema.length : 0;
    return `must match ${quantity} of the ${count} allowed forms in the schema.`;
  }
  const chosen = choice.filter((name) => isObject(error.data) && Object.hasOwn(error.data, name));
  if (chosen.length > 1) return `must set ${quantity} of: ${choice.join(', ')} (found: ${chosen.join(', ')}).`;
  return `must set ${quantity} of: ${choice.join(', ')}.`;
}

/** Names where a pointer sits in the flow document, for example `input "body" of node "reply"`. */
export function describeLocation(path: string): string {
  const segments = problemPathSegments(path);
  if (segments.length === 0) return 'the flow document';
  if (segments[0] !== 'nodes' || segments.length < 2) return `"${joinSegments(segments)}"`;

  const node = `node "${segments[1]}"`;
  const [, , field, ...rest] = segments;
  if (field === undefined) return node;
  if (field === 'inputs' && rest.length > 0) return `input "${joinSegments(rest)}" of ${node}`;
  if (field === 'args' && rest.length > 0) return `arg "${joinSegments(rest)}" of ${node}`;
  if (field === 'args') return `args of ${node}`;
  return `"${joinSegments([field, ...rest])}" of ${node}`;
}

/** Writes `["events", "0", "name"]` as `events[0].name`. */
function joinSegments(segments: readonly string[]): string {
  let joined = '';
  for (const segment of segments) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) joined += `[${segment}]`;
    else joined += joined === '' ? segment : `.${segment}`;
  }
  return joined;
}

function describeTypes(type: string | string[]): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((name) => (name === 'null' ? 'null' : `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`)).join(' or ');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${formatValue(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return formatValue(value);
}

/** JSON text of a value, cut short so that a long string does not swamp the message. */
function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function count(limit: number, singular: string, plural = `${singular}s`): string {
  return `${limit} ${limit === 1 ? singular : plural}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
