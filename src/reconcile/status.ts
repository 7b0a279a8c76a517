import type { Logger } from 'pino';
import type { Problem } from '../flow/model.js';

export type FlowState = 'active' | 'disabled' | 'stale' | 'invalid';

/** The service's last observation of one flow file, shown by the API, the CLI and the logs alike. */
export interface FlowStatus {
  state: FlowState;
  /** A stable CamelCase word for the last transition, e.g. `Loaded`, `ValidationFailed`. */
  reason: string;
  message: string;
  errors: Problem[];
  /** Fingerprint of the file content last read from disk, or null when the file is gone. */
  observed_version: string | null;
  /** When the state last changed (ISO 8601 UTC). */
  since: string;
  file: string;
}

/** The status of every flow file; logs once per change of state or reason. */
export class StatusBoard {
  private readonly statuses = new Map<string, FlowStatus>();

  constructor(private readonly log: Logger) {}

  get(id: string): FlowStatus | undefined {
    return this.statuses.get(id);
  }

  all(): Map<string, FlowStatus> {
    return this.statuses;
  }

  /**
   * Records a flow's status and logs a change of state or reason. With `quiet`, a healthy
   * state is logged at debug: the start-up load logs one summary instead of a line per flow.
   */
  set(id: string, next: Omit<FlowStatus, 'since'>, options: { quiet?: boolean } = {}): FlowStatus {
    const previous = this.statuses.get(id);
    const changed = !previous || previous.state !== next.state || previous.reason !== next.reason;
    const status: FlowStatus = { ...next, since: changed || !previous ? new Date().toISOString() : previous.since };
    this.statuses.set(id, status);

    if (changed) {
      const context = { flow: id, state: status.state, reason: status.reason, file: status.file, errors: status.errors.length || undefined };
      if (status.state === 'stale' || status.state === 'invalid') this.log.warn(context, status.message);
      else if (options.quiet) this.log.debug(context, status.message);
      else this.log.info(context, status.message);
    }
    return status;
  }

  delete(id: string): void {
    if (this.statuses.delete(id)) this.log.info({ flow: id }, 'flow removed');
  }

  countByState(): Record<FlowState, number> {
    const counts: Record<FlowState, number> = { active: 0, disabled: 0, stale: 0, invalid: 0 };
    for (const status of this.statuses.values()) counts[status.state]++;
    return counts;
  }
}
