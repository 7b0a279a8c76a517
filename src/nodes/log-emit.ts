import { eventView, renderTemplate } from './render-template.js';
import type { NodeType } from './types.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export const logEmit: NodeType = {
  type: 'log.emit',
  description: 'Writes one line to the service log, with a message rendered like text.template and the optional input value.',
  mutating: false,
  inputs: { value: { type: 'any' } },
  outputs: {},
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      level: { enum: [...LEVELS], default: 'info', description: 'Log level of the line.' },
      message: {
        type: 'string',
        description: 'Mustache template without HTML escaping. The view is the event plus the input value under {{value}}.',
      },
    },
  },
  run(ctx) {
    const level: Level = ctx.args.level ?? 'info';
    const message = renderTemplate(ctx.args.message as string, eventView(ctx.event, { value: ctx.inputs.value }), 'args.message');

    // ctx.log already carries the node id. An event input is logged by its id and key only:
    // its payload can be megabytes, and the line already names the event.
    const value = ctx.inputs.value === ctx.event ? { event_key: ctx.event.key } : ctx.inputs.value;
    ctx.log[level]({ event: ctx.event.id, value }, message);
    return { outputs: {} };
  },
};
