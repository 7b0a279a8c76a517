import type { NodeType } from './types.js';

/**
 * Renders the node-type reference (docs/nodes.md) from the registry, so that the docs
 * cannot drift from the code: a test compares the file with this output.
 */
export function renderNodeReference(types: readonly NodeType[]): string {
  const lines = [
    '# Node types',
    '',
    'Generated from the node registry by `npm run docs:nodes`; do not edit by hand.',
    '',
    '| type | mutating | inputs | outputs |',
    '| --- | --- | --- | --- |',
  ];
  for (const type of types) {
    lines.push(`| [\`${type.type}\`](#${anchor(type.type)}) | ${mutatingText(type)} | ${portsText(type.inputs)} | ${outputsText(type.outputs)} |`);
  }

  for (const type of types) {
    lines.push('', `## \`${type.type}\``, '', type.description, '');
    lines.push(`- Mutating: ${mutatingText(type)}`);
    lines.push(`- Inputs: ${portsText(type.inputs)}`);
    lines.push(`- Outputs: ${outputsText(type.outputs)}`);
    lines.push('', 'Args:', '', '| arg | type | default | description |', '| --- | --- | --- | --- |');
    const schema = type.args as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const required = schema.required?.includes(name) ? ' (required)' : '';
      const defaultValue = 'default' in property ? `\`${JSON.stringify(property.default)}\`` : '';
      lines.push(`| \`${name}\`${required} | ${schemaTypeText(property)} | ${defaultValue} | ${escapeCell(String(property.description ?? ''))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function mutatingText(type: NodeType): string {
  if (typeof type.mutating === 'function') return type.mutatingNote ?? 'depends on args';
  return type.mutating ? 'yes' : 'no';
}

function portsText(ports: NodeType['inputs']): string {
  const entries = Object.entries(ports);
  if (entries.length === 0) return '(none)';
  return entries.map(([name, port]) => `\`${name}: ${port.type}\`${port.required ? '' : ' (optional)'}`).join(', ');
}

function outputsText(ports: NodeType['outputs']): string {
  const entries = Object.entries(ports);
  return entries.length === 0 ? '(none)' : entries.map(([name, type]) => `\`${name}: ${type}\``).join(', ');
}

function schemaTypeText(property: Record<string, unknown>): string {
  if (Array.isArray(property.enum)) return property.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  if (property.type === 'array') {
    const items = property.items as Record<string, unknown> | undefined;
    return `array of ${items ? schemaTypeText(items) : 'any'}`;
  }
  if (typeof property.type === 'string') return property.type;
  if (Array.isArray(property.type)) return property.type.join(' \\| ');
  return 'any JSON';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(type: string): string {
  return type.replace(/\./g, '');
}
