import { execFile, spawn } from 'node:child_process';
import { CLASSROOM_PC } from '../harness/shared-dc.ts';
import { readHarness } from '../helpers.ts';

export interface SmbResult {
  ok: boolean;
  out: string;
  /** The NT_STATUS codes smbclient printed (empty when every command worked). */
  errors: string[];
}

/**
 * Runs smbclient commands on a share of the shared DC as an account (password through the
 * environment, never the command line). `from: 'pc'` runs it inside the classroom PC's network
 * namespace, against the server's address on that network.
 */
export function smb(login: string, password: string, share: string, commands: string, opts: { from?: 'server' | 'pc' } = {}): Promise<SmbResult> {
  const h = readHarness();
  const host = opts.from === 'pc' ? CLASSROOM_PC.serverIp : '127.0.0.1';
  const args = [`//${host}/${share}`, '-U', login, '-s', h.smbConf, '-m', 'SMB3', '-c', commands];
  const [cmd, argv] = opts.from === 'pc' ? ['ip', ['netns', 'exec', CLASSROOM_PC.netns, 'smbclient', ...args]] : ['smbclient', args];
  return new Promise((resolve) => {
    execFile(cmd as string, argv as string[], { env: { ...process.env, PASSWD: password }, timeout: 30_000 }, (err, stdout, stderr) => {
      const out = `${stdout}\n${stderr}`;
      const errors = [...out.matchAll(/NT_STATUS_[A-Z_]+/g)].map((m) => m[0]);
      resolve({ ok: !err && errors.length === 0, out, errors });
    });
  });
}

/** An interactive smbclient session kept open: send commands, read what came back. */
export function openSession(login: string, password: string, share: string) {
  const h = readHarness();
  const child = spawn('smbclient', [`//127.0.0.1/${share}`, '-U', login, '-s', h.smbConf, '-m', 'SMB3'], {
    env: { ...process.env, PASSWD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return {
    async run(command: string, waitMs = 1500): Promise<string> {
      const from = out.length;
      child.stdin.write(`${command}\n`);
      await new Promise((r) => setTimeout(r, waitMs));
      return out.slice(from);
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        child.on('close', () => resolve());
        child.stdin.end('exit\n');
      });
    },
  };
}
