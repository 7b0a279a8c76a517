import type { CompiledFlow } from '../engine/compile.js';
import type { HookEvent } from '../flow/model.js';
import type { TriggerArgs } from '../nodes/trigger-webhook.js';
import { TriggerIndex, repositoryOwners } from './trigger-index.js';

export interface Suppression {
  flow: string;
  claimed_by: string;
}

export interface Selection {
  selected: CompiledFlow[];
  suppressed: Suppression[];
}

export interface Explanation {
  selected: boolean;
  reason: string;
}

/**
 * The flows the dispatcher serves, and the choice of which run for an event. Replacing a
 * flow swaps one immutable object, so a run in progress keeps the version it started with.
 */
export class FlowTable {
  private readonly flows = new Map<string, CompiledFlow>();
  private readonly index = new TriggerIndex();

  get size(): number {
    return this.flows.size;
  }

  get(id: string): CompiledFlow | undefined {
    return this.flows.get(id);
  }

  all(): CompiledFlow[] {
    return [...this.flows.values()];
  }

  upsert(compiled: CompiledFlow): void {
    this.flows.set(compiled.flow.id, compiled);
    if (compiled.flow.enabled) this.index.add(compiled.flow.id, triggerEvents(compiled), triggerOwners(compiled));
    else this.index.remove(compiled.flow.id);
  }

  remove(id: string): boolean {
    this.index.remove(id);
    return this.flows.delete(id);
  }

  /** Enabled flows whose triggers match, by priority descending then id; one per mutex group. */
  select(event: HookEvent): Selection {
    const matching: CompiledFlow[] = [];
    for (const id of this.index.candidates(event.key, event.repository)) {
      const compiled = this.flows.get(id);
      if (compiled && compiled.flow.enabled && matchesAnyTrigger(compiled, event)) matching.push(compiled);
    }
    matching.sort(byDispatchOrder);

    const selected: CompiledFlow[] = [];
    const suppressed: Suppression[] = [];
    const claims = new Map<string, string>();
    for (const compiled of matching) {
      const group = compiled.flow.mutex_group;
      const claimedBy = group === undefined ? undefined : claims.get(group);
      if (claimedBy !== undefined) {
        suppressed.push({ flow: compiled.flow.id, claimed_by: claimedBy });
        continue;
      }
      if (group !== undefined) claims.set(group, compiled.flow.id);
      selected.push(compiled);
    }
    return { selected, suppressed };
  }

  /** Says whether `compiled` would run for `event` with the flows served now, and why not. */
  explain(compiled: CompiledFlow, event: HookEvent): Explanation {
    if (!compiled.flow.enabled) return { selected: false, reason: 'the flow is disabled' };
    const mismatches = [...compiled.triggers].map(([node, matcher]) => {
      const why = matcher.mismatch(event);
      return why ? `trigger ${node}: ${why}` : null;
    });
    if (mismatches.every((m) => m !== null)) return { selected: false, reason: `no trigger matched (${mismatches.join('; ')})` };

    const group = compiled.flow.mutex_group;
    if (group !== undefined) {
      const others = this.select(event).selected.filter((c) => c.flow.id !== compiled.flow.id);
      const claimer = [compiled, ...others].sort(byDispatchOrder).find((c) => c.flow.mutex_group === group);
      if (claimer && claimer !== compiled) {
        return { selected: false, reason: `suppressed: flow ${claimer.flow.id} claims mutex group ${group}` };
      }
    }
    return { selected: true, reason: 'a trigger matched' };
  }
}

function triggerEvents(compiled: CompiledFlow): string[] {
  return [...compiled.triggers.values()].flatMap((matcher) => matcher.events);
}

/** Collects the repository owners every trigger of the flow is limited to; null when one trigger takes any repository. */
function triggerOwners(compiled: CompiledFlow): string[] | null {
  const owners: string[] = [];
  for (const nodeId of compiled.triggers.keys()) {
    const args = compiled.flow.nodes[nodeId]?.args as TriggerArgs | undefined;
    const limited = repositoryOwners(args?.repositories);
    if (limited === null) return null;
    owners.push(...limited);
  }
  return owners;
}

function matchesAnyTrigger(compiled: CompiledFlow, event: HookEvent): boolean {
  for (const matcher of compiled.triggers.values()) if (matcher.mismatch(event) === null) return true;
  return false;
}

/** Priority descending, then id ascending, so ties never depend on load order. */
export function byDispatchOrder(a: CompiledFlow, b: CompiledFlow): number {
  if (a.flow.priority !== b.flow.priority) return b.flow.priority - a.flow.priority;
  if (a.flow.id < b.flow.id) return -1;
  if (a.flow.id > b.flow.id) return 1;
  return 0;
}
