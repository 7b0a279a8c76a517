/**
 * Problem paths: JSON Pointers (RFC 6901) into the flow document, built from raw property
 * names. `~` and `/` inside a name are escaped, so that a node id or an arg name that
 * contains them still yields a pointer that resolves.
 */

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer from raw segments: `problemPath('nodes', 'a/b')` is `/nodes/a~1b`. */
export function problemPath(...segments: string[]): string {
  return segments.map((segment) => '/' + escapePointerSegment(segment)).join('');
}

/** Splits a pointer into raw segments; the empty pointer, the whole document, has none. */
export function problemPathSegments(path: string): string[] {
  if (path === '') return [];
  return path.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
