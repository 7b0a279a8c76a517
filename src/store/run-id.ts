import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7: 48 bits of Unix time in milliseconds, then random bits. Ids made later
 * sort later, so SQLite appends new runs at the end of the primary-key index instead of
 * splitting pages at random places. The random part comes from `randomUUID`, which draws
 * from a pooled buffer; a `randomBytes` call per id costs a system call each.
 */
export function newRunId(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0').slice(-12);
  // randomUUID gives xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx: keep the variant and the random tail.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}
