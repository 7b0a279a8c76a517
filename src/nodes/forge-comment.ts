import type { HookEvent } from '../flow/model.js';
import { ForgeClient, issueRefOf } from './forge-client.js';
import type { NodeType } from './types.js';

export const forgeComment: NodeType = {
  type: 'forge.comment',
  description: "Posts the body input as a comment on the event's issue or pull request through the forge's REST API and outputs the created comment.",
  mutating: true,
  inputs: { event: { type: 'event', required: true }, body: { type: 'text', required: true } },
  outputs: { comment: 'json' },
  args: {
    type: 'object',
    additionalProperties: false,
    properties: {
      forge: {
        type: 'string', minLength: 1,
        description: "Name of a forge under forges in the config. Without it, the node uses the first configured forge whose kind equals the event's source.",
      },
    },
  },
  async run(ctx) {
    const event = ctx.inputs.event as HookEvent;
    const body = ctx.inputs.body;
    if (typeof body !== 'string' || body.trim() === '') throw new Error('the body input is empty: a forge rejects an empty comment');

    const client = ForgeClient.forEvent(ctx.config, event, ctx.args.forge);
    const ref = issueRefOf(event);
    const request = client.buildRequest('POST', `${client.issuePath(ref)}/comments`, { body });

    // A dry run posts nothing, so there is no created comment to output.
    const comment = await ctx.effect(client.effectOf(request), () => client.send(request), null);
    return { outputs: { comment } };
  },
};
