/** Quotes a flow version as its HTTP entity tag. */
export function entityTag(version: string): string {
  return `"${version}"`;
}

/**
 * Evaluates an `If-Match` header (RFC 9110) against the current version, or undefined when no
 * version serves. A missing header always matches, and `*` matches any current version.
 * Otherwise one listed tag must equal the current one by strong comparison, so a weak tag
 * `W/"…"` never matches.
 */
export function ifMatchHolds(header: string | undefined, version: string | undefined): boolean {
  if (header === undefined) return true;
  const trimmed = header.trim();
  if (trimmed === '*') return version !== undefined;
  if (version === undefined) return false;
  return trimmed.split(',').some((tag) => tag.trim() === entityTag(version));
}
