/** The service configuration after defaults are applied and paths are made absolute. */
export interface Config {
  server: { host: string; port: number };
  /** Absolute path of the folder of flow files. */
  flows_dir: string;
  /** Absolute path of the folder that holds the SQLite file and the generated token. */
  data_dir: string;
  log: { level: string };
  auth: {
    operator_user: string;
    operator_email?: string;
    operator_token_file?: string;
  };
  /** Per webhook source (`github`, `gitea`, `generic`): the environment variable that holds its secret. */
  webhooks: Record<string, { secret_env?: string }>;
  forges: Record<string, ForgeConfig>;
  http: { allowed_hosts: string[] };
  commands: Record<string, CommandConfig>;
  reconcile: {
    resync_seconds: number;
    commit_hand_edits: boolean;
    hand_edit_operator?: string;
    debounce_ms: number;
  };
  dispatch: { max_concurrent_runs: number; queue_size: number };
}

export interface ForgeConfig {
  kind: 'github' | 'gitea';
  /** REST API root for GitHub, server root for Gitea (hookflow adds `/api/v1`). */
  base_url: string;
  /** Environment variable that holds the API token. */
  token_env?: string;
}

export interface CommandConfig {
  /** Fixed start of the command line; a node's `argv` is appended. */
  argv: string[];
  cwd?: string;
  timeout_ms: number;
}
