/**
 * Order and cycles of a flow's node graph. Edges run in data-flow direction: from the node that
 * produces an output to the node whose input reads it. Ties are broken by node id (UTF-16 code
 * unit order, as `<` compares strings), so every result is the same whatever the key order of
 * the document.
 */
import type { NodeSpec } from './model.js';

/** Node id to the ids of the nodes whose outputs it reads. Every node of the graph is a key. */
export type DependencyMap = ReadonlyMap<string, readonly string[]>;

export type TopologicalOrder = { ok: true; order: string[] } | { ok: false; cycles: string[][] };

export const INPUT_REFERENCE_PATTERN = /^([a-z][a-z0-9_]{0,63})\.([a-z][a-z0-9_]{0,63})$/;

/** Splits `"<node id>.<output port>"`; returns null when the reference is malformed. */
export function parseInputReference(reference: unknown): { node: string; port: string } | null {
  if (typeof reference !== 'string') return null;
  const match = INPUT_REFERENCE_PATTERN.exec(reference);
  return match ? { node: match[1], port: match[2] } : null;
}

/**
 * Builds the dependency map of a flow's nodes. Malformed references and references to nodes
 * that do not exist are left out: the validator reports them, and the graph cannot use them.
 */
export function flowDependencies(nodes: Readonly<Record<string, NodeSpec>>): Map<string, string[]> {
  const dependencies = new Map<string, string[]>();
  for (const [id, spec] of Object.entries(nodes)) {
    const producers = new Set<string>();
    for (const reference of Object.values(spec.inputs ?? {})) {
      const parsed = parseInputReference(reference);
      if (parsed && Object.hasOwn(nodes, parsed.node)) producers.add(parsed.node);
    }
    dependencies.set(id, [...producers]);
  }
  return dependencies;
}

/**
 * Sorts the nodes so that every node comes after the nodes it reads from (Kahn's algorithm,
 * smallest ready id first). When the graph has a cycle, returns every cycle `findCycles` finds.
 */
export function topologicalOrder(dependencies: DependencyMap): TopologicalOrder {
  const consumers = consumerMap(dependencies);
  const waitingOn = new Map<string, number>();
  const ready: string[] = [];
  for (const [id, producers] of dependencies) {
    const count = new Set(producers.filter((producer) => dependencies.has(producer))).size;
    waitingOn.set(id, count);
    if (count === 0) ready.push(id);
  }
  ready.sort(compareIds);

  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const consumer of consumers.get(id)!) {
      const remaining = waitingOn.get(consumer)! - 1;
      waitingOn.set(consumer, remaining);
      if (remaining === 0) insertSorted(ready, consumer);
    }
  }

  if (order.length === dependencies.size) return { ok: true, order };
  return { ok: false, cycles: findCycles(dependencies) };
}

/**
 * Finds one cycle per strongly connected component that has one. Each cycle lists its node ids
 * once each, in data-flow order. It starts at the smallest id of the component and takes the
 * shortest way back to it. `["a", "b"]` means a feeds b and b feeds a, and a node that reads its
 * own output is the cycle `["a"]`. Cycles are sorted by their first id.
 */
export function findCycles(dependencies: DependencyMap): string[][] {
  const consumers = consumerMap(dependencies);
  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents(dependencies, consumers)) {
    const start = component.reduce((smallest, id) => (id < smallest ? id : smallest));
    const cycle = shortestCycleThrough(start, new Set(component), consumers);
    if (cycle) cycles.push(cycle);
  }
  return cycles.sort((left, right) => compareIds(left[0], right[0]));
}

function compareIds(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function insertSorted(sorted: string[], id: string): void {
  let index = 0;
  while (index < sorted.length && sorted[index] < id) index++;
  sorted.splice(index, 0, id);
}

/** Producer id to its consumers' ids, each list sorted and free of repeats. */
function consumerMap(dependencies: DependencyMap): Map<string, string[]> {
  const consumers = new Map<string, Set<string>>();
  for (const id of dependencies.keys()) consumers.set(id, new Set());
  for (const [id, producers] of dependencies) {
    for (const producer of producers) consumers.get(producer)?.add(id);
  }
  return new Map([...consumers].map(([id, set]) => [id, [...set].sort(compareIds)]));
}

/** Tarjan's algorithm over the data-flow edges. */
function stronglyConnectedComponents(dependencies: DependencyMap, consumers: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (id: string): void => {
    index.set(id, index.size);
    lowLink.set(id, index.get(id)!);
    stack.push(id);
    onStack.add(id);

    for (const next of consumers.get(id)!) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(id, Math.min(lowLink.get(id)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(id, Math.min(lowLink.get(id)!, index.get(next)!));
      }
    }

    if (lowLink.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    components.push(component);
  };

  for (const id of [...dependencies.keys()].sort(compareIds)) {
    if (!index.has(id)) visit(id);
  }
  return components;
}

/** Breadth-first search from `start` back to itself, staying inside one component. */
function shortestCycleThrough(start: string, component: Set<string>, consumers: Map<string, string[]>): string[] | null {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    for (const next of consumers.get(id)!) {
      if (next === start) return pathTo(id, start, previous);
      if (!component.has(next) || previous.has(next)) continue;
      previous.set(next, id);
      queue.push(next);
    }
  }
  return null;
}

function pathTo(last: string, start: string, previous: Map<string, string>): string[] {
  const path = [last];
  while (path[0] !== start) path.unshift(previous.get(path[0])!);
  return path;
}
