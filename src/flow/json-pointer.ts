/**
 * JSON Pointer (RFC 6901) resolution. Node args such as `filter.match`'s `path` use it to
 * address a value inside an event or any JSON value.
 */

/** A JSON Schema fragment that accepts exactly the syntactically valid pointers. */
export const JSON_POINTER_SCHEMA = { type: 'string', pattern: '^(/([^~]|~[01])*)*$' } as const;

export type Resolution = { found: true; value: unknown } | { found: false };

/**
 * Splits a pointer into its unescaped reference tokens: `~1` becomes `/` and `~0` becomes `~`,
 * in that order, so `~01` stays the literal `~1`. The empty pointer refers to the whole value.
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON Pointer "${pointer}": it must be empty or start with "/"`);
  if (/~[^01]|~$/.test(pointer)) throw new Error(`invalid JSON Pointer "${pointer}": "~" must be followed by 0 or 1`);
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Resolves a pointer against a JSON value. Only own properties count, so `/constructor`
 * or `/__proto__` never reach the prototype. Array tokens must be canonical indexes
 * (`0`, `12`, never `01`); the token `-` (past the end) resolves to nothing.
 */
export function resolvePointer(document: unknown, pointer: string): Resolution {
  let current: unknown = document;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return { found: false };
      const index = Number(token);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.hasOwn(current, token)) return { found: false };
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}
