/**
 * Check 6 of the validator: every node's args against its type's widget schema, with the
 * schema's defaults written into the args.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { NodeType } from '../nodes/types.js';
import type { Problem } from './model.js';
import { problemPath } from './problem-path.js';
import { schemaErrorsToProblems } from './schema-messages.js';

// strict: false because widget schemas carry editor keywords (titles, widget hints) that ajv's
// strict mode rejects. verbose: true because the messages quote the offending values.
const widgetAjv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: false });

/**
 * Compiled widget schemas by node type. Keyed by the NodeType object, so each registry's types
 * compile once and a type that is no longer referenced is collected with its validator.
 */
const compiledWidgets = new WeakMap<NodeType, ValidateFunction>();

export function widgetValidator(nodeType: NodeType): ValidateFunction {
  let validate = compiledWidgets.get(nodeType);
  if (!validate) {
    try {
      validate = widgetAjv.compile(nodeType.args);
    } catch (error) {
      throw new Error(`The widget schema of node type ${nodeType.type} is invalid: ${(error as Error).message}`, { cause: error });
    }
    compiledWidgets.set(nodeType, validate);
  }
  return validate;
}

/**
 * Validates `args` (an object from a cloned document, which this changes) and fills in the
 * widget schema's defaults. Returns the problems, with paths under `/nodes/<id>/args`.
 */
export function checkNodeArgs(nodeId: string, nodeType: NodeType, args: Record<string, unknown>): Problem[] {
  const validate = widgetValidator(nodeType);
  if (validate(args)) return [];
  return schemaErrorsToProblems(validate.errors ?? [], 'FLOW_ARGS', problemPath('nodes', nodeId, 'args'));
}
