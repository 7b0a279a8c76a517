import { spawn } from 'node:child_process';

/** Largest stdout a command run keeps; the rest is read and dropped so the child never blocks. */
export const MAX_STDOUT_BYTES = 1024 * 1024;
/** Stderr is kept only for the log, so a shorter tail is enough. */
const MAX_STDERR_BYTES = 64 * 1024;

export interface CommandRun {
  argv: string[];
  cwd?: string;
  stdin?: string;
  timeoutMs: number;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stdoutTruncated: boolean;
  stderr: string;
}

function collect(limit: number, keep: 'head' | 'tail') {
  let chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    push(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      truncated = true;
      const all = Buffer.concat(chunks);
      chunks = [keep === 'head' ? all.subarray(0, limit) : all.subarray(all.length - limit)];
      size = limit;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => truncated,
  };
}

/**
 * Runs argv without a shell. The child leads its own process group, so the timeout's
 * SIGKILL also reaches anything it started. A non-zero exit code is a result, not an error.
 * A timeout, a failure to start or a death by signal rejects.
 */
export function runCommand(name: string, run: CommandRun): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.argv[0], run.argv.slice(1), {
      cwd: run.cwd,
      shell: false,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = collect(MAX_STDOUT_BYTES, 'head');
    const stderr = collect(MAX_STDERR_BYTES, 'tail');
    let timedOut = false;

    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, run.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits without reading stdin closes the pipe (EPIPE), which is not an error of the run.
    child.stdin.on('error', () => {});
    child.stdin.end(run.stdin ?? '');

    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`command ${name} failed to start: ${err.message}`, { cause: err }));
    });
    // 'close' waits for the output pipes. A grandchild that left the process group could keep
    // them open after the kill, so after a timeout 'exit' settles the run.
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`command ${name} timed out after ${run.timeoutMs} ms and was killed`));
      if (code === null) return reject(new Error(`command ${name} was killed by signal ${signal}`));
      resolve({ exitCode: code, stdout: stdout.text(), stdoutTruncated: stdout.truncated(), stderr: stderr.text() });
    };
    child.on('exit', (code, signal) => {
      if (timedOut) finish(code, signal);
    });
    child.on('close', finish);
  });
}
