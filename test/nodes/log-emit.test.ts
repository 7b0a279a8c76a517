import { describe, expect, it } from 'vitest';
import { logEmit } from '../../src/nodes/log-emit.js';
import { exampleEvent } from '../helpers/events.js';
import { realContext } from '../helpers/node-context.js';

const event = exampleEvent('issues', 'opened');

describe('log.emit', () => {
  it('logs the rendered message at info by default', async () => {
    const { ctx, logs } = realContext(logEmit, { args: { message: '{{key}} by {{sender}}: <{{value.n}}>' }, inputs: { value: { n: 7 } }, event });

    expect(await logEmit.run(ctx)).toEqual({ outputs: {} });

    expect(logs).toHaveLength(1);
    expect(logs[0].level).toBe(30);
    expect(logs[0].msg).toBe('issues.opened by Codertocat: <7>');
    expect(logs[0].node).toBe('node_under_test');
    expect(logs[0].event).toBe(event.id);
    expect(logs[0].value).toEqual({ n: 7 });
  });

  it('logs an event input by its key, not its payload', async () => {
    const { ctx, logs } = realContext(logEmit, { args: { message: 'saw {{key}}' }, inputs: { value: event }, event });
    await logEmit.run(ctx);

    expect(logs[0].value).toEqual({ event_key: 'issues.opened' });
    expect(JSON.stringify(logs[0])).not.toContain('"payload"');
  });

  it.each([
    ['debug', 20],
    ['warn', 40],
    ['error', 50],
  ])('logs at %s', async (level, number) => {
    const { ctx, logs } = realContext(logEmit, { args: { level, message: 'hello' }, inputs: {}, event });
    await logEmit.run(ctx);
    expect(logs[0].level).toBe(number);
    expect(logs[0].msg).toBe('hello');
  });

  it('rejects an unknown level', () => {
    expect(() => realContext(logEmit, { args: { level: 'trace', message: 'x' } })).toThrow(/invalid args/);
  });
});
