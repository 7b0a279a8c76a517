/** Content hashes of flows and flow files. */
import { createHash } from 'node:crypto';
import { withFlowDefaults } from './defaults.js';
import type { Flow } from './model.js';

/**
 * Returns the flow's version: the first 16 hex digits of the SHA-256 of its canonical JSON.
 * The flow-level defaults are applied first, so documents that are equal after defaults share
 * a version. Node args are hashed as given, so pass the flow that `validateFlow` returned: its
 * args carry their widget-schema defaults, and leaving out a default arg then keeps the version.
 */
export function flowVersion(flow: Flow): string {
  // withFlowDefaults shares the nodes instead of cloning them: hashing only reads them.
  return sha256Hex(canonicalJson(withFlowDefaults(flow))).slice(0, 16);
}

/** Returns the SHA-256 of a file's raw bytes, in hex; a string is hashed as UTF-8. */
export function fileFingerprint(bytes: Buffer | string): string {
  return sha256Hex(bytes);
}

/**
 * Serialises JSON data with the keys of every object sorted (UTF-16 code unit order) and no
 * whitespace. Properties whose value is undefined are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
