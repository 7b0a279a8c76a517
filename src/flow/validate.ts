/**
 * The flow validator: the one check the HTTP API, the reconcile loop and the offline CLI share.
 * It reports every problem at once, in the order of the checks, and returns the flow with its
 * defaults applied only when there is none.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { schemasDir } from '../paths.js';
import { withFlowDefaults, type FlowDocument } from './defaults.js';
import { FLOW_ID_PATTERN, type Flow, type FlowSource, type Problem } from './model.js';
import { schemaErrorsToProblems } from './schema-messages.js';
import { checkNodeArgs } from './validate-args.js';
import { checkCycles, checkInputs, checkNodeTypes, checkTriggers, collectNodes, isPlainObject } from './validate-graph.js';

export interface ValidateOptions {
  registry: NodeRegistry;
  /** Name of the file the document came from; its base name must be `<id>.json`. Unchecked when absent. */
  fileName?: string;
  /** Sources the caller may write. Both by default. */
  allowedSources?: readonly FlowSource[];
}

export type ValidateResult = { ok: true; flow: Flow } | { ok: false; problems: Problem[] };

const ALL_SOURCES: readonly FlowSource[] = ['operator', 'default'];

let flowSchemaValidator: ValidateFunction | undefined;

/** Compiles `schemas/flow.schema.json` on first use, so that importing this module reads no file. */
function flowSchema(): ValidateFunction {
  if (!flowSchemaValidator) {
    const schema = JSON.parse(readFileSync(path.join(schemasDir, 'flow.schema.json'), 'utf8'));
    // verbose: true because the messages quote the offending values and allowed properties.
    flowSchemaValidator = new Ajv2020({ allErrors: true, verbose: true, strict: false }).compile(schema);
  }
  return flowSchemaValidator;
}

/**
 * Validates a flow document. The checks, each with its problem codes:
 * 1. the flow schema (FLOW_SCHEMA);
 * 2. node types are registered (FLOW_UNKNOWN_NODE_TYPE);
 * 3. input references resolve (FLOW_UNKNOWN_INPUT_NODE, FLOW_UNKNOWN_OUTPUT_PORT), and input
 *    names are ports of the node's type (FLOW_UNKNOWN_INPUT_PORT);
 * 4. connected ports fit (FLOW_PORT_TYPE_MISMATCH) and required inputs are connected (FLOW_MISSING_INPUT);
 * 5. no cycle (FLOW_CYCLE);
 * 6. args match the widget schema of the node's type (FLOW_ARGS);
 * 7. the file name matches the id (FLOW_FILE_NAME) and the caller may write the source
 *    (FLOW_SOURCE_FORBIDDEN).
 * Then: at least one trigger.webhook node (FLOW_NO_TRIGGER), and no trigger with inputs
 * (FLOW_TRIGGER_INPUTS). When part of the document is malformed, the checks that need that
 * part skip it and the others still run. The document is not changed: defaults go into a copy.
 */
export function validateFlow(doc: unknown, options: ValidateOptions): ValidateResult {
  let copy: unknown;
  try {
    copy = structuredClone(doc);
  } catch (err) {
    // structuredClone fails on values JSON cannot hold and on nesting deeper than its stack allows.
    const reason = err instanceof RangeError ? 'it is nested too deeply to process' : 'it holds values that are not JSON data';
    return { ok: false, problems: [{ code: 'FLOW_SCHEMA', path: '', message: `The flow document cannot be validated: ${reason}.` }] };
  }

  const validateSchema = flowSchema();
  const problems: Problem[] = validateSchema(copy) ? [] : schemaErrorsToProblems(validateSchema.errors ?? [], 'FLOW_SCHEMA', '');
  if (!isPlainObject(copy)) return { ok: false, problems };

  // Nodes that are not objects are left out of every node check; without a nodes object, all of them are skipped.
  const entries = isPlainObject(copy.nodes) ? collectNodes(copy.nodes, options.registry) : [];
  const nodeIds = isPlainObject(copy.nodes) ? Object.keys(copy.nodes) : [];
  problems.push(...checkNodeTypes(entries, options.registry));
  problems.push(...checkInputs(entries, nodeIds));
  problems.push(...checkCycles(entries));
  for (const entry of entries) {
    if (!entry.type || (entry.spec.args !== undefined && !isPlainObject(entry.spec.args))) continue;
    entry.spec.args ??= {};
    problems.push(...checkNodeArgs(entry.id, entry.type, entry.spec.args as Record<string, unknown>));
  }
  problems.push(...checkFileName(copy.id, options.fileName));
  problems.push(...checkSource(copy.source, options.allowedSources ?? ALL_SOURCES));
  problems.push(...checkTriggers(entries));

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, flow: withFlowDefaults(copy as unknown as FlowDocument) };
}

/**
 * Check 7a: `flows.d/<id>.json`, so that the id can be found from the file and back. An invalid
 * id is left to the schema check, because renaming the file after it would not help.
 */
function checkFileName(id: unknown, fileName: string | undefined): Problem[] {
  if (fileName === undefined || typeof id !== 'string' || !FLOW_ID_PATTERN.test(id)) return [];
  const baseName = path.basename(fileName);
  if (baseName === `${id}.json`) return [];
  return [{
    code: 'FLOW_FILE_NAME',
    path: '/id',
    message: `The file name "${baseName}" does not match the flow id "${id}": rename the file to "${id}.json" or change "id".`,
  }];
}

/** Check 7b: an absent source counts as its default, operator. */
function checkSource(source: unknown, allowed: readonly FlowSource[]): Problem[] {
  const effective = source ?? 'operator';
  if (!ALL_SOURCES.includes(effective as FlowSource) || allowed.includes(effective as FlowSource)) return [];
  const readOnly = effective === 'default' ? ' Default flows are read-only here: copy the flow under a new id with "source": "operator".' : '';
  return [{
    code: 'FLOW_SOURCE_FORBIDDEN',
    path: '/source',
    message: `Source "${effective as string}" may not be written here. Allowed sources: ${allowed.join(', ') || 'none'}.${readOnly}`,
  }];
}
