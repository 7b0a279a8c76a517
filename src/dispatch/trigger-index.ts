import { isGlob } from '../flow/glob.js';

/**
 * Maps event keys to the ids of the flows whose triggers may match them, so that selection
 * looks only at candidate flows instead of all of them. Exact keys are looked up directly;
 * a glob whose first segment is literal (`issues.*`) is filed under that segment; a glob
 * starting with a wildcard is a candidate for every key.
 *
 * Within each of those, a flow whose repository filters all name a literal owner
 * (`acme/api`, `acme/*`) is filed under those owners, and any other flow under "any
 * repository", so that flows scoped to other owners are never candidates.
 */
export class TriggerIndex {
  private readonly byKey = new Map<string, OwnerBuckets>();
  private readonly byFirstSegment = new Map<string, OwnerBuckets>();
  private readonly everywhere = new OwnerBuckets();
  private readonly entries = new Map<string, { patterns: string[]; owners: string[] | null }>();

  /**
   * Files a flow under its event patterns. `owners` are the repository owners its triggers
   * are limited to, or null when one of its triggers may match any repository.
   */
  add(flowId: string, eventPatterns: readonly string[], owners: readonly string[] | null = null): void {
    this.remove(flowId);
    const entry = { patterns: [...eventPatterns], owners: owners === null ? null : [...new Set(owners)] };
    this.entries.set(flowId, entry);
    for (const pattern of entry.patterns) this.bucketFor(pattern)?.add(flowId, entry.owners);
  }

  remove(flowId: string): void {
    const entry = this.entries.get(flowId);
    if (!entry) return;
    this.entries.delete(flowId);
    for (const pattern of entry.patterns) this.bucketFor(pattern, false)?.delete(flowId, entry.owners);
  }

  /** Ids of flows that may match an event with `key` and `repository`; the caller still checks each trigger. */
  candidates(key: string, repository?: string): Set<string> {
    const owner = repository === undefined ? undefined : ownerOf(repository);
    const found = new Set<string>();
    this.everywhere.collect(found, owner);
    this.byKey.get(key)?.collect(found, owner);
    const dot = key.indexOf('.');
    const first = dot === -1 ? key : key.slice(0, dot);
    this.byFirstSegment.get(first)?.collect(found, owner);
    return found;
  }

  private bucketFor(pattern: string, create = true): OwnerBuckets | undefined {
    if (!isGlob(pattern)) return getBucket(this.byKey, pattern, create);
    const first = pattern.split('.')[0];
    if (isGlob(first)) return this.everywhere;
    return getBucket(this.byFirstSegment, first, create);
  }
}

/**
 * The owners that a list of repository patterns limits a trigger to, or null when it does
 * not limit it to literal owners: no patterns, or a pattern whose owner part has a wildcard.
 * A pattern's owner part is the text before its first `/` (the whole pattern without one).
 */
export function repositoryOwners(patterns: readonly string[] | undefined): string[] | null {
  if (!patterns || patterns.length === 0) return null;
  const owners: string[] = [];
  for (const pattern of patterns) {
    const owner = ownerOf(pattern);
    if (isGlob(owner)) return null;
    owners.push(owner);
  }
  return owners;
}

function ownerOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash === -1 ? repository : repository.slice(0, slash);
}

/** The flows of one event bucket, split by repository owner. */
class OwnerBuckets {
  private readonly anyRepository = new Set<string>();
  private readonly byOwner = new Map<string, Set<string>>();

  add(flowId: string, owners: readonly string[] | null): void {
    if (owners === null) {
      this.anyRepository.add(flowId);
      return;
    }
    for (const owner of owners) getSet(this.byOwner, owner).add(flowId);
  }

  delete(flowId: string, owners: readonly string[] | null): void {
    if (owners === null) {
      this.anyRepository.delete(flowId);
      return;
    }
    for (const owner of owners) {
      const set = this.byOwner.get(owner);
      set?.delete(flowId);
      if (set?.size === 0) this.byOwner.delete(owner);
    }
  }

  /** Adds the flows that may match an event of `owner` (undefined: an event without a repository). */
  collect(into: Set<string>, owner: string | undefined): void {
    for (const id of this.anyRepository) into.add(id);
    if (owner === undefined) return;
    const scoped = this.byOwner.get(owner);
    if (scoped) for (const id of scoped) into.add(id);
  }
}

function getBucket(map: Map<string, OwnerBuckets>, key: string, create: boolean): OwnerBuckets | undefined {
  let bucket = map.get(key);
  if (!bucket && create) {
    bucket = new OwnerBuckets();
    map.set(key, bucket);
  }
  return bucket;
}

function getSet(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
