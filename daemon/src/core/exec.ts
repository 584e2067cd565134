import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { AppError } from './errors.ts';

/**
 * The one place where Trousse starts processes. Arguments are always passed as an array
 * (never through a shell), so user data can never become a command.
 */

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the child's stdin, then stdin is closed. */
  input?: string;
  /** Strings to hide from error messages (passwords passed on a command line). */
  secrets?: string[];
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export class ExecError extends AppError {
  readonly result: RunResult;
  constructor(message: string, result: RunResult) {
    super('EXEC_FAILED', message, 500);
    this.result = result;
  }
}

const MAX_OUTPUT = 1024 * 1024;

function mask(text: string, secrets: string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s) out = out.split(s).join('***');
  return out;
}

/** Runs a command to completion and returns its output; never throws for a non-zero exit. */
export function run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      const code = (err as NodeJS.ErrnoException).code;
      reject(
        new AppError(
          'EXEC_NOT_FOUND',
          code === 'ENOENT' ? `Programme introuvable : ${command}. Le paquet qui le fournit est-il installé ?` : `${command} : ${err.message}`,
          500,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: mask(stdout, opts.secrets),
        stderr: mask(stderr, opts.secrets),
        ms: Math.round(performance.now() - t0),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run(), but throws an ExecError (with the masked stderr tail) when the exit code is not 0. */
export async function runChecked(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    const how = result.signal ? `tué par ${result.signal}` : `code ${result.code}`;
    throw new ExecError(`${command} a échoué (${how}) : ${tail}`, result);
  }
  return result;
}

/** Starts a long-running child (a daemon that Trousse supervises). */
export function spawnDaemon(command: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  return spawn(command, args, opts);
}
