import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/model.js';
import { HookflowError } from '../errors.js';

export const TOKEN_ENV = 'HOOKFLOW_OPERATOR_TOKEN';

/**
 * Finds the operator token: the environment variable, else `auth.operator_token_file`, else
 * `<data_dir>/operator-token`, which is generated (mode 0600) when missing. The token itself
 * is never logged.
 */
export function resolveOperatorToken(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[TOKEN_ENV]?.trim();
  if (fromEnv) {
    log.info({ source: TOKEN_ENV }, 'operator token read from the environment');
    return fromEnv;
  }

  if (config.auth.operator_token_file) {
    const token = fs.readFileSync(config.auth.operator_token_file, 'utf8').trim();
    if (!token) throw new Error(`auth.operator_token_file ${config.auth.operator_token_file} is empty`);
    log.info({ path: config.auth.operator_token_file }, 'operator token read from file');
    return token;
  }

  const file = path.join(config.data_dir, 'operator-token');
  if (fs.existsSync(file)) {
    log.info({ path: file }, 'operator token read from the data folder');
    return fs.readFileSync(file, 'utf8').trim();
  }
  fs.mkdirSync(config.data_dir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  log.warn({ path: file }, 'generated an operator token; read it from this file');
  return token;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares hashes so that the compare takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Builds the preHandler that checks HTTP Basic `user:token` or `Bearer token`. */
export function operatorAuth(user: string, token: string) {
  return async function checkOperator(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization ?? '';
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();

    let ok = false;
    if (scheme === 'bearer') {
      ok = sameSecret(value, token);
    } else if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const givenUser = colon === -1 ? decoded : decoded.slice(0, colon);
      const givenToken = colon === -1 ? '' : decoded.slice(colon + 1);
      // Both compares always run, so a wrong user takes as long as a wrong token.
      const userOk = sameSecret(givenUser, user);
      const tokenOk = sameSecret(givenToken, token);
      ok = userOk && tokenOk;
    }

    if (!ok) {
      throw new HookflowError('UNAUTHORIZED', header ? 'the operator credentials are wrong' : 'operator credentials are required', {
        headers: { 'www-authenticate': 'Basic realm="hookflow", Bearer realm="hookflow"' },
      });
    }
  };
}
