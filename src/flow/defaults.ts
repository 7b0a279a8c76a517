import { DEFAULT_BUDGET, type Flow, type FlowBudget, type FlowSource } from './model.js';

/** A flow as written in its file: the dispatch settings may be left out. */
export type FlowDocument = Omit<Flow, 'source' | 'enabled' | 'priority' | 'budget'> & {
  source?: FlowSource;
  enabled?: boolean;
  priority?: number;
  budget?: Partial<FlowBudget>;
};

/** The flow-level defaults; `schemas/flow.schema.json` states the same values, and a test keeps them equal. */
export const FLOW_DEFAULTS = {
  source: 'operator',
  enabled: true,
  priority: 0,
  budget: DEFAULT_BUDGET,
} as const;

/**
 * Returns the flow with every dispatch setting filled in: `source`, `enabled`, `priority`, and
 * `budget` merged property by property over the default budget. The result shares `doc`'s
 * nodes, so pass a private copy when the result will be changed. Node args keep their own
 * defaults, which the validator applies from each node type's widget schema.
 */
export function withFlowDefaults(doc: FlowDocument): Flow {
  return {
    ...doc,
    source: doc.source ?? FLOW_DEFAULTS.source,
    enabled: doc.enabled ?? FLOW_DEFAULTS.enabled,
    priority: doc.priority ?? FLOW_DEFAULTS.priority,
    budget: { ...FLOW_DEFAULTS.budget, ...doc.budget },
  };
}
