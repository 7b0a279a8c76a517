/**
 * Finds where JSON text first breaks the grammar of RFC 8259. Node 20's `JSON.parse` names the
 * position for some errors ("... in JSON at position 12") but not for an unexpected token, so
 * the parser falls back to this scan. It walks the text once without building values and keeps
 * open containers on an explicit stack, so deep nesting cannot overflow the call stack.
 */

type Scan = { ok: true; next: number } | { ok: false; at: number };

const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX_DIGIT = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;

/** Returns the UTF-16 offset of the first syntax error, `text.length` when the text ends early, or null when the text is valid JSON. */
export function findJsonErrorOffset(text: string): number | null {
  const open: string[] = [];
  let at = skipWhitespace(text, 0);
  let expectValue = true;

  for (;;) {
    if (expectValue) {
      const char = text[at];
      if (char === '{' || char === '[') {
        at = skipWhitespace(text, at + 1);
        if (text[at] === (char === '{' ? '}' : ']')) {
          at++;
          expectValue = false;
          continue;
        }
        open.push(char);
        if (char === '{') {
          const member = scanMemberName(text, at);
          if (!member.ok) return member.at;
          at = member.next;
        }
        continue;
      }
      const scalar = scanScalar(text, at);
      if (!scalar.ok) return scalar.at;
      at = scalar.next;
      expectValue = false;
      continue;
    }

    at = skipWhitespace(text, at);
    const container = open.at(-1);
    if (container === undefined) return at < text.length ? at : null;
    if (text[at] === ',') {
      at = skipWhitespace(text, at + 1);
      if (container === '{') {
        const member = scanMemberName(text, at);
        if (!member.ok) return member.at;
        at = member.next;
      }
      expectValue = true;
      continue;
    }
    if (text[at] === (container === '{' ? '}' : ']')) {
      open.pop();
      at++;
      continue;
    }
    return at;
  }
}

function skipWhitespace(text: string, at: number): number {
  while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  return at;
}

/** Scans `"name" :` and the whitespace after the colon. */
function scanMemberName(text: string, at: number): Scan {
  if (text[at] !== '"') return { ok: false, at };
  const name = scanString(text, at);
  if (!name.ok) return name;
  const colon = skipWhitespace(text, name.next);
  if (text[colon] !== ':') return { ok: false, at: colon };
  return { ok: true, next: skipWhitespace(text, colon + 1) };
}

function scanScalar(text: string, at: number): Scan {
  const char = text[at];
  if (char === '"') return scanString(text, at);
  if (char === '-' || (char !== undefined && DIGIT.test(char))) return scanNumber(text, at);
  for (const literal of ['true', 'false', 'null']) {
    if (char === literal[0]) return scanLiteral(text, at, literal);
  }
  return { ok: false, at };
}

function scanLiteral(text: string, at: number, literal: string): Scan {
  for (let offset = 0; offset < literal.length; offset++) {
    if (text[at + offset] !== literal[offset]) return { ok: false, at: at + offset };
  }
  return { ok: true, next: at + literal.length };
}

function scanString(text: string, at: number): Scan {
  let index = at + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') return { ok: true, next: index + 1 };
    if (char.charCodeAt(0) < 0x20) return { ok: false, at: index };
    if (char !== '\\') {
      index++;
      continue;
    }
    const escape = text[index + 1];
    if (escape !== undefined && SIMPLE_ESCAPES.has(escape)) {
      index += 2;
      continue;
    }
    if (escape !== 'u') return { ok: false, at: index + 1 };
    for (let digit = 2; digit < 6; digit++) {
      const hex = text[index + digit];
      if (hex === undefined || !HEX_DIGIT.test(hex)) return { ok: false, at: index + digit };
    }
    index += 6;
  }
  return { ok: false, at: text.length };
}

/** Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
function scanNumber(text: string, at: number): Scan {
  let index = at;
  if (text[index] === '-') index++;
  if (text[index] === '0') {
    index++;
  } else {
    const digits = scanDigits(text, index);
    if (!digits.ok) return digits;
    index = digits.next;
  }
  if (text[index] === '.') {
    const fraction = scanDigits(text, index + 1);
    if (!fraction.ok) return fraction;
    index = fraction.next;
  }
  if (text[index] === 'e' || text[index] === 'E') {
    index++;
    if (text[index] === '+' || text[index] === '-') index++;
    const exponent = scanDigits(text, index);
    if (!exponent.ok) return exponent;
    index = exponent.next;
  }
  return { ok: true, next: index };
}

/** Scans one or more digits. */
function scanDigits(text: string, at: number): Scan {
  let index = at;
  while (index < text.length && DIGIT.test(text[index])) index++;
  return index > at ? { ok: true, next: index } : { ok: false, at };
}
