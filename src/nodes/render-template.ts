import Mustache from 'mustache';
import type { HookEvent } from '../flow/model.js';

export type TemplateEscape = (value: unknown) => string;

/**
 * Inserts strings as they are: template output is text, not HTML. Objects and arrays
 * render as JSON, so `{{payload.issue.labels}}` gives something readable.
 */
export const insertAsText: TemplateEscape = (value) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** Percent-encodes each inserted value for URLs, while `{{{name}}}` still inserts as is. */
export const insertAsUriComponent: TemplateEscape = (value) => encodeURIComponent(insertAsText(value));

/**
 * Renders a Mustache template. The escape function is passed per call, so the global
 * `Mustache.escape` stays untouched. `where` names the arg in the error of a malformed
 * template, e.g. `args.template`.
 */
export function renderTemplate(template: string, view: object, where: string, escape: TemplateEscape = insertAsText): string {
  try {
    return Mustache.render(template, view, {}, { escape });
  } catch (err) {
    throw new Error(`invalid template in ${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** Builds the view of a template: the event's fields (`key`, `repository`, `payload`…) plus extra names. */
export function eventView(event: HookEvent, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...event, ...extra };
}
