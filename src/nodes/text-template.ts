import type { HookEvent } from '../flow/model.js';
import { eventView, renderTemplate } from './render-template.js';
import type { NodeType } from './types.js';

export const textTemplate: NodeType = {
  type: 'text.template',
  description: 'Renders a Mustache template, without HTML escaping, over the event and the optional vars input.',
  mutating: false,
  inputs: { event: { type: 'event', required: true }, vars: { type: 'json' } },
  outputs: { text: 'text' },
  args: {
    type: 'object',
    additionalProperties: false,
    required: ['template'],
    properties: {
      template: {
        type: 'string',
        description: 'Mustache template over the event ({{key}}, {{repository}}, {{payload.sender.login}}) and the vars input under {{vars}}. Objects render as JSON.',
      },
    },
  },
  run(ctx) {
    const event = ctx.inputs.event as HookEvent;
    const view = eventView(event, { vars: ctx.inputs.vars });
    return { outputs: { text: renderTemplate(ctx.args.template as string, view, 'args.template') } };
  },
};
