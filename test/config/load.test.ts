import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { currentOsUser } from '../../src/config/derive.js';
import { ConfigError } from '../../src/config/errors.js';
import { configFromObject, loadConfig } from '../../src/config/load.js';
import { packageRoot } from '../../src/paths.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookflow-config-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeConfig(text: string, name = 'webhook-config.yaml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

describe('loadConfig', () => {
  test('no file gives every default', () => {
    const config = loadConfig(undefined, { cwd: dir });

    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 8787 },
      flows_dir: path.join(dir, 'flows.d'),
      data_dir: path.join(dir, 'data'),
      log: { level: 'info' },
      auth: { operator_user: 'operator', operator_email: 'operator@hookflow.invalid' },
      webhooks: {},
      forges: {},
      http: { allowed_hosts: [] },
      commands: {},
      reconcile: { resync_seconds: 60, commit_hand_edits: true, hand_edit_operator: currentOsUser(), debounce_ms: 50 },
      dispatch: { max_concurrent_runs: 4, queue_size: 1000 },
    });
  });

  test('empty file gives every default', () => {
    const file = writeConfig('# nothing set yet\n');

    expect(loadConfig(file)).toEqual(loadConfig(undefined, { cwd: dir }));
  });

  test('full file gives its values', () => {
    const file = writeConfig(`
server: { host: 0.0.0.0, port: 0 }
flows_dir: /srv/flows
data_dir: /srv/data
log: { level: debug }
auth:
  operator_user: alice
  operator_email: alice@example.com
  operator_token_file: /etc/hookflow/token
webhooks:
  github: { secret_env: GH_SECRET }
  generic: {}
forges:
  ghe: { kind: github, base_url: https://ghe.example.com/api/v3, token_env: GHE_TOKEN }
  home: { kind: gitea, base_url: https://gitea.example.com/ }
http: { allowed_hosts: [example.com, 'api.example.com:8443'] }
commands:
  agent: { argv: [/usr/bin/agent, --run], cwd: /srv/agent, timeout_ms: 5000 }
reconcile: { resync_seconds: 30, commit_hand_edits: false, hand_edit_operator: bob, debounce_ms: 200 }
dispatch: { max_concurrent_runs: 2, queue_size: 10 }
`);

    expect(loadConfig(file)).toEqual({
      server: { host: '0.0.0.0', port: 0 },
      flows_dir: '/srv/flows',
      data_dir: '/srv/data',
      log: { level: 'debug' },
      auth: { operator_user: 'alice', operator_email: 'alice@example.com', operator_token_file: '/etc/hookflow/token' },
      webhooks: { github: { secret_env: 'GH_SECRET' }, generic: {} },
      forges: {
        ghe: { kind: 'github', base_url: 'https://ghe.example.com/api/v3', token_env: 'GHE_TOKEN' },
        home: { kind: 'gitea', base_url: 'https://gitea.example.com' },
      },
      http: { allowed_hosts: ['example.com', 'api.example.com:8443'] },
      commands: { agent: { argv: ['/usr/bin/agent', '--run'], cwd: '/srv/agent', timeout_ms: 5000 } },
      reconcile: { resync_seconds: 30, commit_hand_edits: false, hand_edit_operator: 'bob', debounce_ms: 200 },
      dispatch: { max_concurrent_runs: 2, queue_size: 10 },
    });
  });

  test('relative paths resolve against the file folder', () => {
    const file = writeConfig(`
flows_dir: my-flows
data_dir: ../state
auth: { operator_token_file: secrets/token }
commands:
  lint: { argv: [eslint], cwd: ./repo }
  plain: { argv: [make] }
`);
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);

    const config = loadConfig(path.join('..', 'webhook-config.yaml'), { cwd: elsewhere });

    expect(config.flows_dir).toBe(path.join(dir, 'my-flows'));
    expect(config.data_dir).toBe(path.join(path.dirname(dir), 'state'));
    expect(config.auth.operator_token_file).toBe(path.join(dir, 'secrets/token'));
    expect(config.commands.lint.cwd).toBe(path.join(dir, 'repo'));
    expect(config.commands.plain.cwd).toBeUndefined();
  });

  test('github forge gets the public API by default', () => {
    const file = writeConfig('forges:\n  gh: { kind: github }\n');

    expect(loadConfig(file).forges.gh.base_url).toBe('https://api.github.com');
  });

  test('command timeout defaults to 60000 ms', () => {
    const file = writeConfig('commands:\n  agent: { argv: [agent] }\n');

    expect(loadConfig(file).commands.agent.timeout_ms).toBe(60000);
  });

  test('operator email is derived from the user', () => {
    const file = writeConfig('auth: { operator_user: Jane Doe }\n');

    expect(loadConfig(file).auth.operator_email).toBe('Jane-Doe@hookflow.invalid');
  });

  test('missing file is named in the error', () => {
    const file = path.join(dir, 'absent.yaml');

    const error = loadError(() => loadConfig(file));

    expect(error.message).toMatch(new RegExp(`^${file}: the file could not be read: .*ENOENT`));
  });
});

describe('loadConfig errors', () => {
  const cases = [
    { name: 'unknown key', yaml: 'server:\n  hots: 0.0.0.0\n', path: 'server.hots', message: 'server.hots is not a known key, expected one of: host, port', line: 2 },
    { name: 'unknown top-level key', yaml: 'listen: 80\n', path: 'listen', message: 'listen is not a known key', line: 1 },
    { name: 'unknown webhook source', yaml: 'webhooks:\n  gitlab: {}\n', path: 'webhooks.gitlab', message: 'webhooks.gitlab is not a known key, expected one of: github, gitea, generic', line: 2 },
    { name: 'port of wrong type', yaml: 'server:\n  port: "8080"\n', path: 'server.port', message: 'server.port must be an integer, got "8080"', line: 2 },
    { name: 'port out of range', yaml: 'server:\n  port: 70000\n', path: 'server.port', message: 'server.port must be at most 65535, got 70000', line: 2 },
    { name: 'unknown log level', yaml: 'log: { level: verbose }\n', path: 'log.level', message: 'log.level must be one of: fatal, error, warn, info, debug, trace, silent, got "verbose"', line: 1 },
    { name: 'bad forge kind', yaml: 'forges:\n  lab:\n    kind: gitlab\n', path: 'forges.lab.kind', message: 'forges.lab.kind must be one of: github, gitea, got "gitlab"', line: 3 },
    { name: 'forge without kind', yaml: 'forges:\n  lab: { base_url: https://x.example }\n', path: 'forges.lab.kind', message: 'forges.lab.kind is required', line: 2 },
    { name: 'gitea without base_url', yaml: 'forges:\n  home:\n    kind: gitea\n', path: 'forges.home.base_url', message: 'forges.home.base_url is required when kind is gitea', line: 2 },
    { name: 'base_url not a URL', yaml: 'forges:\n  gh: { kind: github, base_url: api.github.com }\n', path: 'forges.gh.base_url', message: 'forges.gh.base_url must be an http:// or https:// URL', line: 2 },
    { name: 'forge name with a dot', yaml: 'forges:\n  git.example: { kind: gitea }\n', path: 'forges["git.example"].base_url', message: 'forges["git.example"].base_url is required when kind is gitea', line: 2 },
    { name: 'empty argv', yaml: 'commands:\n  agent: { argv: [] }\n', path: 'commands.agent.argv', message: 'commands.agent.argv must have at least 1 item', line: 2 },
    { name: 'empty program', yaml: 'commands:\n  agent:\n    argv: ["", --x]\n', path: 'commands.agent.argv[0]', message: 'commands.agent.argv[0] must not be empty', line: 3 },
    { name: 'command as a shell string', yaml: 'commands:\n  agent: { argv: "agent --x" }\n', path: 'commands.agent.argv', message: 'commands.agent.argv must be a list', line: 2 },
    { name: 'bad environment variable name', yaml: 'webhooks:\n  github: { secret_env: "$SECRET" }\n', path: 'webhooks.github.secret_env', message: 'webhooks.github.secret_env must be an environment variable name', line: 2 },
    { name: 'host with a scheme', yaml: 'http:\n  allowed_hosts:\n    - ok.example\n    - https://x.example\n', path: 'http.allowed_hosts[1]', message: 'http.allowed_hosts[1] must be a host name or host:port', line: 4 },
    { name: 'boolean as a string', yaml: 'reconcile: { commit_hand_edits: "no" }\n', path: 'reconcile.commit_hand_edits', message: 'reconcile.commit_hand_edits must be a boolean (true or false), got "no"', line: 1 },
    { name: 'zero concurrency', yaml: 'dispatch: { max_concurrent_runs: 0 }\n', path: 'dispatch.max_concurrent_runs', message: 'dispatch.max_concurrent_runs must be at least 1, got 0', line: 1 },
    { name: 'list as the document', yaml: '- server\n', path: '', message: 'the configuration must be a mapping', line: 1 },
  ];

  test.each(cases)('$name is named in the error', ({ yaml, path: keyPath, message, line }) => {
    const file = writeConfig(yaml);

    const error = loadError(() => loadConfig(file));

    expect(error.file).toBe(file);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].path).toBe(keyPath);
    expect(error.problems[0].line).toBe(line);
    expect(error.message).toContain(`${file}: ${message}`);
  });

  test('every bad key is listed at once', () => {
    const file = writeConfig('server:\n  port: x\n  bogus: 1\nlog: { level: loud }\n');

    const error = loadError(() => loadConfig(file));

    expect(error.problems.map((problem) => problem.path)).toEqual(['server.port', 'server.bogus', 'log.level']);
    expect(error.message.split('\n')).toHaveLength(3);
  });

  test('message gives the line and column', () => {
    const file = writeConfig('log:\n  level: info\nserver:\n  port: x\n');

    const error = loadError(() => loadConfig(file));

    expect(error.message).toBe(`${file}: server.port must be an integer, got "x" (line 4, column 3)`);
  });

  test('YAML syntax error gives line and column', () => {
    const file = writeConfig('server:\n  host: a: b\n');

    const error = loadError(() => loadConfig(file));

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: '', line: 2, column: 9 });
    expect(error.message).toMatch(new RegExp(`^${file}: YAML syntax error: .+ \\(line 2, column 9\\)$`));
  });

  test('duplicate key is a YAML error', () => {
    const file = writeConfig('data_dir: a\ndata_dir: b\n');

    const error = loadError(() => loadConfig(file));

    expect(error.problems[0]).toMatchObject({ line: 2, column: 1 });
    expect(error.message).toContain('YAML syntax error');
  });
});

describe('configFromObject', () => {
  test('applies defaults and resolves against baseDir', () => {
    const input = { server: { port: 0 }, forges: { gh: { kind: 'github' } } };

    const config = configFromObject(input, dir);

    expect(config.server).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.data_dir).toBe(path.join(dir, 'data'));
    expect(config.forges.gh.base_url).toBe('https://api.github.com');
    expect(input).toEqual({ server: { port: 0 }, forges: { gh: { kind: 'github' } } });
  });

  test('rejects what loadConfig rejects', () => {
    const error = loadError(() => configFromObject({ forges: { home: { kind: 'gitea' } }, extra: true }, dir));

    expect(error.message).toBe(
      'configuration: extra is not a known key, expected one of: ' +
        'server, flows_dir, data_dir, log, auth, webhooks, forges, http, commands, reconcile, dispatch\n' +
        'configuration: forges.home.base_url is required when kind is gitea',
    );
  });
});

describe('currentOsUser', () => {
  test('falls back when the OS cannot name the user', () => {
    const saved = { USER: process.env.USER, LOGNAME: process.env.LOGNAME, USERNAME: process.env.USERNAME };
    const throwing = () => {
      throw new Error('ENOENT: no passwd entry for uid 12345');
    };

    try {
      process.env.USER = 'from-env';
      expect(currentOsUser(throwing)).toBe('from-env');

      delete process.env.USER;
      delete process.env.LOGNAME;
      delete process.env.USERNAME;
      expect(currentOsUser(throwing)).toBe('hookflow');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('uses the OS user name', () => {
    expect(currentOsUser(() => ({ username: 'carol' }))).toBe('carol');
  });
});

describe('example configuration', () => {
  const exampleFile = path.join(packageRoot, 'webhook-config.example.yaml');

  test('example file loads', () => {
    const config = loadConfig(exampleFile);

    expect(config.auth.operator_user).toBe('alice');
    expect(config.forges['gitea-internal'].base_url).toBe('https://gitea.example.com');
    expect(config.commands['triage-agent'].cwd).toBe(path.join(packageRoot, 'agents'));
    expect(config.commands.notify.timeout_ms).toBe(60000);
  });

  test('docs show the example file', () => {
    const docs = fs.readFileSync(path.join(packageRoot, 'docs/configuration.md'), 'utf8');
    const example = fs.readFileSync(exampleFile, 'utf8');

    const section = docs.slice(docs.indexOf('## Full example'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];

    expect(block).toBe(example);
  });
});
