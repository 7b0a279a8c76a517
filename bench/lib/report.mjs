/**
 * Output shared by every benchmark: a few human-readable lines on stdout and, when the
 * process was started with `--json`, one JSON line after them (the last line of stdout).
 */
import os from 'node:os';

export function wantsJson(argv = process.argv) {
  return argv.includes('--json');
}

/** The machine a number was measured on, for RESULTS.md and the JSON line. */
export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_mb: Math.round(os.totalmem() / 1024 / 1024),
    // Other processes on the machine skew every number; a 1-minute load above the core count means they did.
    load_average_1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

/**
 * Prints one benchmark's result. Each metric is `{ name, value, unit, target?, digits? }`,
 * where `target` is `{ max }` or `{ min }`; `details` is free-form data for the JSON line only.
 * Returns whether every metric with a target met it.
 */
export function report({ bench, title, metrics, notes = [], details = {} }) {
  const lines = [title];
  for (const metric of metrics) lines.push(`  ${formatMetric(metric)}`);
  for (const note of notes) lines.push(`  note: ${note}`);
  const host = machine();
  lines.push(`  machine: Node ${host.node}, ${host.cpus} CPUs (${host.cpu_model}), 1-minute load ${host.load_average_1m}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  const allMet = metrics.every((metric) => targetMet(metric) !== false);
  if (wantsJson()) {
    const json = {
      bench,
      date: new Date().toISOString(),
      machine: host,
      metrics: Object.fromEntries(metrics.map((metric) => [metric.name, {
        value: metric.value, unit: metric.unit, target: metric.target, met: targetMet(metric),
      }])),
      notes,
      details,
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }
  return allMet;
}

/** True or false for a metric with a target, undefined without one. */
export function targetMet(metric) {
  if (!metric.target) return undefined;
  if (metric.target.max !== undefined && !(metric.value <= metric.target.max)) return false;
  if (metric.target.min !== undefined && !(metric.value >= metric.target.min)) return false;
  return true;
}

function formatMetric(metric) {
  const digits = metric.digits ?? 2;
  const value = Number.isFinite(metric.value) ? metric.value.toFixed(digits) : String(metric.value);
  let text = `${metric.name}: ${value}${metric.unit ? ` ${metric.unit}` : ''}`;
  if (metric.target) {
    const bound = metric.target.max !== undefined ? `<= ${metric.target.max}` : `>= ${metric.target.min}`;
    text += ` (target ${bound}: ${targetMet(metric) ? 'met' : 'MISSED'})`;
  }
  return text;
}
