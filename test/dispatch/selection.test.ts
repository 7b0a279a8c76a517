import { describe, expect, it } from 'vitest';
import { FlowTable } from '../../src/dispatch/selection.js';
import { TriggerIndex, repositoryOwners } from '../../src/dispatch/trigger-index.js';
import { compileFlow } from '../../src/engine/compile.js';
import { normalizeEvent } from '../../src/flow/event.js';
import type { HookEvent } from '../../src/flow/model.js';
import { validateFlow } from '../../src/flow/validate.js';
import { buildRegistry } from '../../src/nodes/registry.js';

const registry = buildRegistry();

function compiled(id: string, triggers: Array<Record<string, unknown>>) {
  const nodes: Record<string, unknown> = {};
  triggers.forEach((args, i) => {
    nodes[`on_${i}`] = { type: 'trigger.webhook', args };
  });
  const result = validateFlow({ id, nodes }, { registry });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return compileFlow(result.flow, registry);
}

function event(key: string, repository?: string): HookEvent {
  const [type, action] = key.split('.');
  const payload: Record<string, unknown> = { action };
  if (repository) payload.repository = { full_name: repository };
  return normalizeEvent({ id: `delivery-${key}-${repository ?? 'none'}`, source: 'github', type, payload });
}

function selectedIds(table: FlowTable, hookEvent: HookEvent): string[] {
  return table.select(hookEvent).selected.map((c) => c.flow.id).sort();
}

describe('repositoryOwners', () => {
  it('returns literal owners', () => {
    expect(repositoryOwners(['acme/api', 'acme/*', 'beta/**'])).toEqual(['acme', 'acme', 'beta']);
  });

  it('returns null without patterns', () => {
    expect(repositoryOwners(undefined)).toBeNull();
    expect(repositoryOwners([])).toBeNull();
  });

  it('returns null for a wildcard owner', () => {
    expect(repositoryOwners(['acme/api', 'ac*/api'])).toBeNull();
    expect(repositoryOwners(['**'])).toBeNull();
  });
});

describe('TriggerIndex', () => {
  it('offers owner-scoped flows only for that owner', () => {
    const index = new TriggerIndex();
    index.add('scoped', ['issues.opened'], ['acme']);
    index.add('open', ['issues.opened'], null);

    expect([...index.candidates('issues.opened', 'acme/api')].sort()).toEqual(['open', 'scoped']);
    expect([...index.candidates('issues.opened', 'other/api')]).toEqual(['open']);
    expect([...index.candidates('issues.opened')]).toEqual(['open']);
  });

  it('forgets a removed flow', () => {
    const index = new TriggerIndex();
    index.add('scoped', ['issues.*', '*.closed'], ['acme']);
    index.remove('scoped');

    expect(index.candidates('issues.opened', 'acme/api').size).toBe(0);
    expect(index.candidates('pull_request.closed', 'acme/api').size).toBe(0);
  });

  it('refiles a flow whose owners changed', () => {
    const index = new TriggerIndex();
    index.add('moving', ['push'], ['acme']);
    index.add('moving', ['push'], ['beta']);

    expect(index.candidates('push', 'acme/api').size).toBe(0);
    expect([...index.candidates('push', 'beta/api')]).toEqual(['moving']);
  });
});

describe('FlowTable.select with repository filters', () => {
  const table = new FlowTable();
  table.upsert(compiled('exact-repo', [{ events: ['issues.opened'], repositories: ['acme/api'] }]));
  table.upsert(compiled('owner-glob', [{ events: ['issues.*'], repositories: ['acme/*'] }]));
  table.upsert(compiled('wildcard-owner', [{ events: ['*.opened'], repositories: ['*/api'] }]));
  table.upsert(compiled('any-repo', [{ events: ['issues.opened'] }]));
  table.upsert(compiled('other-owner', [{ events: ['issues.opened'], repositories: ['beta/api'] }]));
  table.upsert(compiled('two-triggers', [
    { events: ['push'], repositories: ['beta/web'] },
    { events: ['issues.opened'], repositories: ['acme/**'] },
  ]));

  it('selects every matching flow for the owner', () => {
    expect(selectedIds(table, event('issues.opened', 'acme/api')))
      .toEqual(['any-repo', 'exact-repo', 'owner-glob', 'two-triggers', 'wildcard-owner']);
  });

  it('selects the flows of another owner', () => {
    expect(selectedIds(table, event('issues.opened', 'beta/api'))).toEqual(['any-repo', 'other-owner', 'wildcard-owner']);
  });

  it('selects only unscoped flows without a repository', () => {
    expect(selectedIds(table, event('issues.opened'))).toEqual(['any-repo']);
  });

  it('matches owners case-sensitively like the trigger', () => {
    expect(selectedIds(table, event('issues.opened', 'ACME/api'))).toEqual(['any-repo', 'wildcard-owner']);
  });

  it('selects by the second trigger of a flow', () => {
    expect(selectedIds(table, event('push', 'beta/web'))).toEqual(['two-triggers']);
  });
});
