import type { HookEvent } from '../flow/model.js';
import { ForgeClient, issueRefOf, type IssueRef } from './forge-client.js';
import { resolveGiteaLabelIds } from './gitea-labels.js';
import type { NodeContext, NodeType } from './types.js';

const LABEL_LIST = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

/** GitHub takes label names, creates unknown ones when adding, and returns 404 when removing a label the issue lacks. */
async function applyOnGithub(ctx: NodeContext, client: ForgeClient, ref: IssueRef, add: string[], remove: string[]): Promise<void> {
  if (add.length > 0) {
    const request = client.buildRequest('POST', `${client.issuePath(ref)}/labels`, { labels: add });
    await ctx.effect(client.effectOf(request), () => client.send(request), null);
  }
  for (const name of remove) {
    const request = client.buildRequest('DELETE', `${client.issuePath(ref)}/labels/${encodeURIComponent(name)}`);
    await ctx.effect(client.effectOf(request), () => client.send(request, { allowNotFound: true }), null);
  }
}

/**
 * Gitea takes label ids, so names are looked up first. In a dry run the lookup is
 * simulated and the recorded effects carry the names where the ids would be.
 */
async function applyOnGitea(ctx: NodeContext, client: ForgeClient, ref: IssueRef, add: string[], remove: string[]): Promise<void> {
  const ids = await resolveGiteaLabelIds(ctx, client, ref, [...add, ...remove]);

  if (add.length > 0) {
    const missing = ids ? add.filter((name) => !ids.has(name)) : [];
    if (missing.length > 0) {
      throw new Error(`labels ${missing.join(', ')} do not exist in ${ref.owner}/${ref.repo} on forge ${client.name}: create them first`);
    }
    const labels = ids ? add.map((name) => ids.get(name)) : add;
    const request = client.buildRequest('POST', `${client.issuePath(ref)}/labels`, { labels });
    await ctx.effect(client.effectOf(request), () => client.send(request), null);
  }

  for (const name of remove) {
    // A label the repository does not have cannot be on the issue: nothing to remove.
    if (ids && !ids.has(name)) {
      ctx.log.debug({ node: ctx.nodeId, label: name }, 'label to remove does not exist, skipped');
      continue;
    }
    const id = ids ? String(ids.get(name)) : encodeURIComponent(name);
    const request = client.buildRequest('DELETE', `${client.issuePath(ref)}/labels/${id}`);
    await ctx.effect(client.effectOf(request), () => client.send(request, { allowNotFound: true }), null);
  }
}

export const forgeLabel: NodeType = {
  type: 'forge.label',
  description: "Adds and removes labels on the event's issue or pull request through the forge's REST API, and treats removing a label the issue lacks as done.",
  mutating: true,
  inputs: { event: { type: 'event', required: true } },
  outputs: {},
  args: {
    type: 'object',
    additionalProperties: false,
    anyOf: [
      { required: ['add'], properties: { add: { type: 'array', minItems: 1 } } },
      { required: ['remove'], properties: { remove: { type: 'array', minItems: 1 } } },
    ],
    properties: {
      add: { ...LABEL_LIST, description: 'Label names to add. GitHub creates unknown labels, but on Gitea they must exist in the repository or its organisation.' },
      remove: { ...LABEL_LIST, description: 'Label names to remove.' },
      forge: {
        type: 'string', minLength: 1,
        description: "Name of a forge under forges in the config. Without it, the node uses the first configured forge whose kind equals the event's source.",
      },
    },
  },
  async run(ctx) {
    const add: string[] = [...new Set<string>(ctx.args.add ?? [])];
    const remove: string[] = [...new Set<string>(ctx.args.remove ?? [])];
    if (add.length === 0 && remove.length === 0) throw new Error('args.add and args.remove are both empty: name at least one label');
    const both = add.filter((name) => remove.includes(name));
    if (both.length > 0) throw new Error(`labels ${both.join(', ')} are in both args.add and args.remove`);

    const event = ctx.inputs.event as HookEvent;
    const client = ForgeClient.forEvent(ctx.config, event, ctx.args.forge);
    const ref = issueRefOf(event);

    if (client.forge.kind === 'gitea') await applyOnGitea(ctx, client, ref, add, remove);
    else await applyOnGithub(ctx, client, ref, add, remove);
    return { outputs: {} };
  },
};
