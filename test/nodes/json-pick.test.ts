import { describe, expect, it } from 'vitest';
import { jsonPick } from '../../src/nodes/json-pick.js';
import { exampleEvent } from '../helpers/events.js';
import { realContext } from '../helpers/node-context.js';

const event = exampleEvent('pull_request', 'opened');

async function pick(path: string, value: unknown = event): Promise<unknown> {
  const { ctx } = realContext(jsonPick, { args: { path }, inputs: { value }, event });
  const result = await jsonPick.run(ctx);
  return (result as { outputs: Record<string, unknown> }).outputs.value;
}

describe('json.pick', () => {
  it('picks a nested value', async () => {
    expect(await pick('/payload/pull_request/number')).toBe(2);
  });

  it('picks an array element', async () => {
    expect(await pick('/1/name', [{ name: 'a' }, { name: 'b' }])).toBe('b');
  });

  it('picks the whole value with the empty pointer', async () => {
    expect(await pick('', { a: 1 })).toEqual({ a: 1 });
  });

  it('gives null for a missing path', async () => {
    expect(await pick('/payload/nothing/here')).toBeNull();
  });

  it('gives null when the input is text', async () => {
    expect(await pick('/a', 'plain text')).toBeNull();
  });
});
