import { statement, type Db } from './db.js';

export interface RunRef {
  flow: string;
  run: string;
}

export interface DeliveryRecord {
  source: string;
  id: string;
  event_key: string;
  received_at: string;
  runs: RunRef[];
}

/**
 * Claims a delivery id for a source. Returns false when the id was claimed before; the
 * primary key makes the claim atomic even across processes sharing the file.
 */
export function claimDelivery(db: Db, delivery: DeliveryRecord): boolean {
  const result = statement(db, 
    `INSERT INTO deliveries (source, id, event_key, received_at, runs) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source, id) DO NOTHING`,
  ).run(delivery.source, delivery.id, delivery.event_key, delivery.received_at, JSON.stringify(delivery.runs));
  return result.changes === 1;
}

export function findDelivery(db: Db, source: string, id: string): DeliveryRecord | undefined {
  const row = statement(db, `SELECT * FROM deliveries WHERE source = ? AND id = ?`).get(source, id) as
    | (Omit<DeliveryRecord, 'runs'> & { runs: string })
    | undefined;
  return row ? { ...row, runs: JSON.parse(row.runs) } : undefined;
}
