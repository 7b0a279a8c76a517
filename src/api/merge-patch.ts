/**
 * Applies a JSON Merge Patch (RFC 7396) to `target` and returns the result; neither input is
 * changed. An object patch merges member by member and `null` removes a member; any other
 * patch replaces the target whole.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);

  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    // defineProperty, because assigning a member named "__proto__" would replace the prototype.
    Object.defineProperty(result, key, {
      value: applyMergePatch(result[key], value), enumerable: true, writable: true, configurable: true,
    });
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
