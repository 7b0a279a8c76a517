/**
 * Glob patterns for event keys and repository names: `*` matches within one segment
 * (it does not cross the separator), `**` crosses separators. Everything else is literal.
 */
export function globToRegExp(pattern: string, separator: '.' | '/'): RegExp {
  const sep = separator === '.' ? '\\.' : '/';
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') {
      source += `[^${sep}]*`;
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

/** Compiles patterns once; exact strings are matched by a set lookup. */
export class GlobSet {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(patterns: readonly string[], separator: '.' | '/') {
    for (const pattern of patterns) {
      if (isGlob(pattern)) this.patterns.push(globToRegExp(pattern, separator));
      else this.exact.add(pattern);
    }
  }

  matches(value: string): boolean {
    if (this.exact.has(value)) return true;
    return this.patterns.some((re) => re.test(value));
  }
}
