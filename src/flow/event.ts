import type { HookEvent } from './model.js';

export interface RawEvent {
  id: string;
  source: string;
  type: string;
  payload: unknown;
  received_at?: string;
}

/** Builds the normalised event: the key, repository and sender come from the payload. */
export function normalizeEvent(raw: RawEvent): HookEvent {
  const payload = (raw.payload ?? {}) as Record<string, any>;
  const action = typeof payload.action === 'string' && payload.action !== '' ? payload.action : undefined;
  const repository = typeof payload.repository?.full_name === 'string' ? payload.repository.full_name : undefined;
  const sender = typeof payload.sender?.login === 'string' ? payload.sender.login : undefined;

  return {
    id: raw.id,
    source: raw.source,
    type: raw.type,
    action,
    key: action ? `${raw.type}.${action}` : raw.type,
    repository,
    sender,
    payload: raw.payload,
    received_at: raw.received_at ?? new Date().toISOString(),
  };
}
