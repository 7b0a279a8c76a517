import type { ForgeClient, IssueRef } from './forge-client.js';
import type { NodeContext } from './types.js';

/**
 * Requested page size. A server configured with a lower maximum returns shorter pages, so
 * a short page does not mean the last one: only an empty page ends the listing.
 */
const PAGE_SIZE = 50;
/** Backstop against a server that ignores `page`: 40 pages of 50 are 2000 labels. */
const MAX_PAGES = 40;

interface GiteaLabel {
  id: number;
  name: string;
}

/**
 * Lists the labels at `path`, page by page, each GET through the effect boundary.
 * Returns null in a dry run, where the GETs are simulated. A 404 gives an empty list when
 * `optional` (a user-owned repository has no organisation labels).
 */
async function listLabels(ctx: NodeContext, client: ForgeClient, path: string, optional: boolean): Promise<GiteaLabel[] | null> {
  const labels: GiteaLabel[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const request = client.buildRequest('GET', `${path}?page=${page}&limit=${PAGE_SIZE}`);
    const perform = async () => (await client.send(request, { allowNotFound: optional })) ?? [];
    const batch = await ctx.effect(client.effectOf(request), perform, null);
    if (batch === null) return null;
    if (!Array.isArray(batch)) throw new Error(`forge ${client.name}: GET ${request.url} did not return a list of labels`);

    // A page with no new label means the server ignores `page` and repeats itself.
    const fresh = (batch as GiteaLabel[]).filter((label) => !labels.some((known) => known.id === label.id));
    if (fresh.length === 0) break;
    labels.push(...fresh);
  }
  return labels;
}

/**
 * Maps label names to Gitea label ids, because Gitea's issue label API takes ids.
 * Repository labels win over organisation labels of the same name, and organisation labels
 * are fetched only when some name is not a repository label. Returns null in a dry run,
 * where the lookups are simulated.
 */
export async function resolveGiteaLabelIds(
  ctx: NodeContext,
  client: ForgeClient,
  ref: IssueRef,
  names: readonly string[],
): Promise<Map<string, number> | null> {
  const ids = new Map<string, number>();
  const record = (labels: GiteaLabel[]) => {
    for (const label of labels) if (!ids.has(label.name)) ids.set(label.name, label.id);
  };

  const repoLabels = await listLabels(ctx, client, `${client.repoPath(ref)}/labels`, false);
  if (repoLabels === null) return null;
  record(repoLabels);
  if (names.every((name) => ids.has(name))) return ids;

  const orgLabels = await listLabels(ctx, client, `/orgs/${encodeURIComponent(ref.owner)}/labels`, true);
  if (orgLabels === null) return null;
  record(orgLabels);
  return ids;
}
