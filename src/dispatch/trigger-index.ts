import { isGlob } from '../flow/glob.js';

/**
 * Maps event keys to the ids of the flows whose triggers may match them, so that selection
 * looks only at candidate flows instead of all of them. Exact keys are looked up directly;
 * a glob whose first segment is literal (`issues.*`) is filed under that segment; a glob
 * starting with a wildcard is a candidate for every key.
 */
export class TriggerIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byFirstSegment = new Map<string, Set<string>>();
  private readonly everywhere = new Set<string>();
  private readonly entries = new Map<string, string[]>();

  add(flowId: string, eventPatterns: readonly string[]): void {
    this.remove(flowId);
    this.entries.set(flowId, [...eventPatterns]);
    for (const pattern of eventPatterns) this.bucketFor(pattern)?.add(flowId);
  }

  remove(flowId: string): void {
    const patterns = this.entries.get(flowId);
    if (!patterns) return;
    this.entries.delete(flowId);
    for (const pattern of patterns) this.bucketFor(pattern, false)?.delete(flowId);
  }

  /** Ids of flows that may match `key`; the caller still checks each trigger. */
  candidates(key: string): Set<string> {
    const found = new Set<string>(this.everywhere);
    for (const id of this.byKey.get(key) ?? []) found.add(id);
    const dot = key.indexOf('.');
    const first = dot === -1 ? key : key.slice(0, dot);
    for (const id of this.byFirstSegment.get(first) ?? []) found.add(id);
    return found;
  }

  private bucketFor(pattern: string, create = true): Set<string> | undefined {
    if (!isGlob(pattern)) return getBucket(this.byKey, pattern, create);
    const first = pattern.split('.')[0];
    if (isGlob(first)) return this.everywhere;
    return getBucket(this.byFirstSegment, first, create);
  }
}

function getBucket(map: Map<string, Set<string>>, key: string, create: boolean): Set<string> | undefined {
  let bucket = map.get(key);
  if (!bucket && create) {
    bucket = new Set();
    map.set(key, bucket);
  }
  return bucket;
}
