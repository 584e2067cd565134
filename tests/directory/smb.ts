import { execFile } from 'node:child_process';
import { readHarness } from '../helpers.ts';

/**
 * Logs on to the shared DC over SMB with smbclient (lists the shares: a session set-up with the
 * account's password). The password goes through the environment, never the command line.
 */
export function smbLogon(login: string, password: string): Promise<{ ok: boolean; status: string }> {
  const h = readHarness();
  return new Promise((resolve) => {
    execFile(
      'smbclient',
      ['-L', '127.0.0.1', '-U', login, '-s', h.smbConf, '-m', 'SMB3'],
      { env: { ...process.env, PASSWD: password }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const text = `${stdout}\n${stderr}`;
        const status = /NT_STATUS_[A-Z_]+/.exec(text)?.[0] ?? (err ? `exit ${String((err as { code?: unknown }).code)}` : 'OK');
        resolve({ ok: !err, status });
      },
    );
  });
}
