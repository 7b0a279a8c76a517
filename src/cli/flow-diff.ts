/** Comparing a flow file with the flow the server serves: equality, the merge patch, the diff. */
import { createTwoFilesPatch } from 'diff';
import { canonicalJson } from '../flow/fingerprint.js';
import { problemPath } from '../flow/problem-path.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Two flows are equal when their canonical JSON is; pass flows with defaults applied. */
export function sameFlow(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export interface MergePatch {
  patch: JsonObject;
  /**
   * Pointers to object members whose new value is null. RFC 7396 reads a null in a merge
   * patch as "remove this member", so a patch cannot set one.
   */
  unsettableNulls: string[];
}

/** Builds the JSON Merge Patch (RFC 7396) that turns `from` into `to`: changed members set, removed ones null. */
export function buildMergePatch(from: JsonObject, to: JsonObject): MergePatch {
  const unsettableNulls: string[] = [];
  const patch = diffObjects(from, to, [], unsettableNulls);
  return { patch, unsettableNulls };
}

function diffObjects(from: JsonObject, to: JsonObject, at: string[], nulls: string[]): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(to)) {
    const old = Object.hasOwn(from, key) ? from[key] : undefined;
    if (old !== undefined && canonicalJson(old) === canonicalJson(value)) continue;
    if (isObject(old) && isObject(value)) {
      patch[key] = diffObjects(old, value, [...at, key], nulls);
    } else {
      collectNullMembers(value, [...at, key], nulls);
      patch[key] = value;
    }
  }
  return patch;
}

/** Arrays are replaced whole by a merge patch, so nulls inside them are kept and not collected. */
function collectNullMembers(value: unknown, at: string[], nulls: string[]): void {
  if (value === null) {
    nulls.push(problemPath(...at));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, member] of Object.entries(value)) collectNullMembers(member, [...at, key], nulls);
}

/** Copies JSON with the members of every object sorted, so that key order never shows as a change. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}

/**
 * Makes a unified diff, with two lines of context, of two flows printed as JSON with sorted
 * keys. Pass flows with defaults applied, so that a default left out of one side is no change.
 */
export function flowDiff(before: unknown, after: unknown, beforeLabel: string, afterLabel: string): string {
  const beforeText = `${JSON.stringify(sortKeys(before), null, 2)}\n`;
  const afterText = `${JSON.stringify(sortKeys(after), null, 2)}\n`;
  const patch = createTwoFilesPatch(beforeLabel, afterLabel, beforeText, afterText, undefined, undefined, { context: 2 });
  // createTwoFilesPatch starts with a row of "=" above the ---/+++ headers; git and diff(1) print none.
  return patch.split('\n').filter((line) => !line.startsWith('====')).join('\n').trimEnd();
}
