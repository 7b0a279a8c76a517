import os from 'node:os';
import path from 'node:path';
import type { Config } from './model.js';

export const GITHUB_API_URL = 'https://api.github.com';

/**
 * Completes a configuration that passed the schema (so its static defaults are in place):
 * fills the defaults that depend on other keys or on the machine, and makes every path
 * absolute against `baseDir`. Mutates and returns `config`.
 */
export function completeConfig(config: Config, baseDir: string, osUser: () => string = currentOsUser): Config {
  config.flows_dir = path.resolve(baseDir, config.flows_dir);
  config.data_dir = path.resolve(baseDir, config.data_dir);

  const auth = config.auth;
  auth.operator_email ??= deriveOperatorEmail(auth.operator_user);
  if (auth.operator_token_file !== undefined) {
    auth.operator_token_file = path.resolve(baseDir, auth.operator_token_file);
  }

  for (const forge of Object.values(config.forges)) {
    // The schema requires base_url for gitea, so only github can arrive without one.
    forge.base_url = (forge.base_url ?? GITHUB_API_URL).replace(/\/+$/, '');
  }

  for (const command of Object.values(config.commands)) {
    if (command.cwd !== undefined) command.cwd = path.resolve(baseDir, command.cwd);
  }

  config.reconcile.hand_edit_operator ??= osUser();
  return config;
}

/**
 * Derives a git author email from the operator name: `operator` gives `operator@hookflow.invalid`.
 * Characters an email local part cannot hold unquoted (a space in `Jane Doe`) become `-`.
 * The `.invalid` top-level domain is reserved (RFC 2606), so the address never reaches anyone.
 */
export function deriveOperatorEmail(user: string): string {
  const localPart = user.replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'operator';
  return `${localPart}@hookflow.invalid`;
}

/**
 * Returns the name of the OS user running hookflow. `os.userInfo()` throws when the user id
 * has no passwd entry (common in containers started with an arbitrary uid), so the login
 * variables come next, then the fixed name `hookflow`.
 */
export function currentOsUser(userInfo: () => { username: string } = os.userInfo): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // The environment variables below are the fallback.
  }
  return process.env.USER || process.env.LOGNAME || process.env.USERNAME || 'hookflow';
}
