import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../core/config.ts';
import { runtimeFile } from './run.ts';
import { DEMO_DEFAULT_DIR } from './demo.ts';

const STATE_FR: Record<string, string> = {
  provisioning: 'création du domaine…',
  starting: 'démarrage…',
  running: 'en service',
  restarting: 'redémarrage…',
  stopped: 'arrêté',
  failed: 'en panne',
};

/** `trousse status`: asks a running daemon. Exit 0 ready, 1 running but not ready, 2 not reachable. */
export async function runStatus(opts: { url?: string; config?: string; data?: string }, out: (line: string) => void): Promise<number> {
  let url = opts.url;
  let token: string | undefined;
  let dataDir: string | undefined;
  if (opts.config) dataDir = loadConfigFile(opts.config).dataDir;
  else if (!url) dataDir = resolve(opts.data ?? DEMO_DEFAULT_DIR);
  if (dataDir) {
    try {
      url ??= (JSON.parse(readFileSync(runtimeFile(dataDir), 'utf8')) as { url: string }).url;
    } catch {
      out(`Aucun démon Trousse en marche pour ${dataDir} (fichier ${runtimeFile(dataDir)} absent).`);
      return 2;
    }
    try {
      token = (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { apiToken?: string }).apiToken;
    } catch {
      /* no demo credentials: readiness only */
    }
  }
  token ??= process.env.TROUSSE_TOKEN;
  let ready: { ok: boolean; reasons: string[] };
  try {
    const r = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(5000) });
    ready = (await r.json()) as typeof ready;
  } catch (err) {
    out(`Le démon ne répond pas à ${url} : ${(err as Error).message}`);
    return 2;
  }
  out(`Trousse à ${url} : ${ready.ok ? 'prêt' : 'pas prêt'}`);
  for (const reason of ready.reasons) out(`  - ${reason}`);
  if (token) {
    const r = await fetch(new URL('/api/v1/system/status', url), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    if (r.ok) {
      const s = (await r.json()) as {
        school: { name: string; uai: string; realm: string };
        dc: { state: string; restarts: number; ldaps: boolean };
        versions: { trousse: string; node: string; samba: string };
      };
      out(`Établissement : ${s.school.name} (UAI ${s.school.uai}), domaine ${s.school.realm}`);
      out(`Contrôleur de domaine : ${STATE_FR[s.dc.state] ?? s.dc.state}, LDAPS ${s.dc.ldaps ? 'joignable' : 'injoignable'}, ${s.dc.restarts} redémarrage(s)`);
      out(`Versions : Trousse ${s.versions.trousse}, Node.js ${s.versions.node}, Samba ${s.versions.samba}`);
    }
  }
  return ready.ok ? 0 : 1;
}
