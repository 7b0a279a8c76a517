import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { textTemplate } from '../../src/nodes/text-template.js';
import { exampleEvent } from '../helpers/events.js';
import { realContext } from '../helpers/node-context.js';

const event = exampleEvent('issues', 'opened');

async function render(template: string, vars?: unknown): Promise<unknown> {
  const inputs = vars === undefined ? { event } : { event, vars };
  const { ctx, effects } = realContext(textTemplate, { args: { template }, inputs, event });
  const result = await textTemplate.run(ctx);
  expect(effects).toEqual([]);
  return (result as { outputs: Record<string, unknown> }).outputs.text;
}

describe('text.template', () => {
  it('renders event fields and the payload', async () => {
    const text = await render('Thanks @{{payload.sender.login}} for {{key}} in {{repository}} (#{{payload.issue.number}})');
    expect(text).toBe('Thanks @Codertocat for issues.opened in Codertocat/Hello-World (#1)');
  });

  it('leaves HTML characters as they are', async () => {
    expect(await render('{{vars.html}} and {{{vars.html}}}', { html: '<b>&"\'' })).toBe('<b>&"\' and <b>&"\'');
  });

  it('does not change the global Mustache escape', async () => {
    await render('{{vars.html}}', { html: '<b>' });
    expect(Mustache.render('{{x}}', { x: '<b>&' })).toBe('&lt;b&gt;&amp;');
  });

  it('renders vars under vars', async () => {
    expect(await render('{{vars.name}} has {{vars.count}} items', { name: 'box', count: 3 })).toBe('box has 3 items');
  });

  it('renders objects as JSON', async () => {
    expect(await render('{{vars.list}} {{vars.obj}}', { list: ['a', 'b'], obj: { k: 1 } })).toBe('["a","b"] {"k":1}');
  });

  it('iterates over lists with sections', async () => {
    expect(await render('{{#payload.issue.labels}}[{{name}}]{{/payload.issue.labels}}')).toBe('[bug]');
  });

  it('renders a missing name as empty text', async () => {
    expect(await render('a{{payload.nothing.here}}b')).toBe('ab');
  });

  it('inserts payload text without rendering it as a template', async () => {
    expect(await render('{{vars.text}}', { text: '{{key}}' })).toBe('{{key}}');
  });

  it('fails on a malformed template', async () => {
    await expect(render('{{#open}} never closed')).rejects.toThrow(/invalid template in args.template/);
  });
});
