import { GlobSet } from '../flow/glob.js';
import type { HookEvent } from '../flow/model.js';
import type { NodeType } from './types.js';

export interface TriggerArgs {
  events: string[];
  repositories?: string[];
  sources?: string[];
  senders?: string[];
}

/** A trigger compiled for repeated matching; the dispatcher keeps one per trigger node. */
export class TriggerMatcher {
  readonly events: readonly string[];
  private readonly eventSet: GlobSet;
  private readonly repositories?: GlobSet;
  private readonly sources?: Set<string>;
  private readonly senders?: GlobSet;

  constructor(args: TriggerArgs) {
    this.events = args.events;
    this.eventSet = new GlobSet(args.events, '.');
    if (args.repositories?.length) this.repositories = new GlobSet(args.repositories, '/');
    if (args.sources?.length) this.sources = new Set(args.sources);
    if (args.senders?.length) this.senders = new GlobSet(args.senders, '/');
  }

  /** Returns null when the event matches, else why not. */
  mismatch(event: HookEvent): string | null {
    if (!this.eventSet.matches(event.key)) return `event ${event.key} is not in [${this.events.join(', ')}]`;
    if (this.sources && !this.sources.has(event.source)) return `source ${event.source} is not accepted`;
    if (this.repositories && !(event.repository && this.repositories.matches(event.repository))) {
      return `repository ${event.repository ?? '(none)'} does not match`;
    }
    if (this.senders && !(event.sender && this.senders.matches(event.sender))) {
      return `sender ${event.sender ?? '(none)'} does not match`;
    }
    return null;
  }
}

const matcherCache = new WeakMap<object, TriggerMatcher>();

function matcherFor(args: TriggerArgs): TriggerMatcher {
  let matcher = matcherCache.get(args);
  if (!matcher) {
    matcher = new TriggerMatcher(args);
    matcherCache.set(args, matcher);
  }
  return matcher;
}

export const triggerWebhook: NodeType = {
  type: 'trigger.webhook',
  description: 'Starts the flow when an event matches: event keys or globs, and optionally repositories, sources and senders.',
  mutating: false,
  inputs: {},
  outputs: { event: 'event' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['events'],
    properties: {
      events: {
        type: 'array', minItems: 1, items: { type: 'string', minLength: 1 },
        description: 'Event keys such as issues.opened, or globs such as issues.* (* stays within one dot-separated segment, ** crosses).',
      },
      repositories: {
        type: 'array', items: { type: 'string', minLength: 1 },
        description: 'owner/name globs; * stays within one path segment, ** crosses.',
      },
      sources: { type: 'array', items: { enum: ['github', 'gitea', 'generic'] } },
      senders: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Sender logins or globs.' },
    },
  },
  run(ctx) {
    const reason = matcherFor(ctx.args as TriggerArgs).mismatch(ctx.event);
    if (reason) return { halt: true, reason };
    return { outputs: { event: ctx.event } };
  },
};
