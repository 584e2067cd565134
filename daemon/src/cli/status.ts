import { errorMessage } from '../core/errors.ts';
import { resolveTarget, type Target } from './client.ts';

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
  let target: Target;
  try {
    target = resolveTarget(opts);
  } catch (err) {
    out(errorMessage(err));
    return 2;
  }
  const { url, token } = target;
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
