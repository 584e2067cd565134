import { AppError } from '../core/errors.ts';
import { parseFlags } from './args.ts';
import { callApi, resolveTarget } from './client.ts';

interface Summary {
  login: string;
  displayName: string;
  profile: string;
  classe: string | null;
  state: string;
  uidNumber: number;
}

interface Detail extends Summary {
  staffFunction: string | null;
  nationalId: string | null;
  groups: { name: string; label: string }[];
  createdAt: string | null;
  lastLogonAt: string | null;
  mustChangePassword: boolean;
  purgeAfter: string | null;
}

const PROFILE_FR: Record<string, string> = { eleve: 'élève', enseignant: 'enseignant', personnel: 'personnel' };
const STATE_FR: Record<string, string> = { active: 'actif', disabled: 'désactivé', deleted: 'supprimé' };

export const USERS_USAGE = `  trousse users list [--q TEXTE] [--classe C] [--profil eleve|enseignant|personnel] [--etat actif|desactive|supprime|tous] [--page N]
  trousse users show IDENTIFIANT
  trousse users create --prenom P --nom N --profil eleve|enseignant|personnel [--classe C] [--fonction F] [--id-national SOURCE:valeur]
  trousse users reset-password IDENTIFIANT [--changer]
  trousse users disable|enable|delete|restore IDENTIFIANT
  trousse users move IDENTIFIANT --classe C
                                        gère les comptes de l’annuaire (démon en marche ; options communes :
                                        --config FICHIER | --data DOSSIER | --url URL, --json)`;

const COMMON = { config: 'string', data: 'string', url: 'string', json: 'boolean' } as const;
const STATE_IN: Record<string, string> = { actif: 'active', desactive: 'disabled', supprime: 'deleted', tous: 'all' };

function pad(s: string, n: number): string {
  return s.length >= n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

/** `trousse users …`: the directory through the running daemon's API (so every change is audited). */
export async function runUsers(argv: string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  const positional = rest[0] && !rest[0].startsWith('--') ? rest.shift() : undefined;
  const needLogin = (): string => {
    if (!positional) throw new AppError('CLI_ARG', `Indiquez l’identifiant du compte : trousse users ${sub} IDENTIFIANT`);
    return encodeURIComponent(positional);
  };
  switch (sub) {
    case 'list': {
      const f = parseFlags(rest, { ...COMMON, q: 'string', classe: 'string', profil: 'string', etat: 'string', page: 'number' });
      const q = new URLSearchParams({ pageSize: '200', page: String(f.page ?? 1) });
      if (f.q) q.set('q', String(f.q));
      if (f.classe) q.set('classe', String(f.classe));
      if (f.profil) q.set('profile', String(f.profil));
      if (f.etat) {
        const state = STATE_IN[String(f.etat)];
        if (!state) throw new AppError('CLI_ARG', `--etat attend actif, desactive, supprime ou tous (reçu : ${String(f.etat)}).`);
        q.set('state', state);
      }
      const page = await callApi<{ total: number; page: number; pageSize: number; items: Summary[] }>(resolveTarget(f as never), 'GET', `/directory/users?${q}`);
      if (f.json) {
        out(JSON.stringify(page, null, 2));
        return 0;
      }
      out(`${pad('Identifiant', 21)}${pad('Nom', 32)}${pad('Profil', 12)}${pad('Classe', 12)}État`);
      for (const u of page.items) out(`${pad(u.login, 21)}${pad(u.displayName, 32)}${pad(PROFILE_FR[u.profile] ?? u.profile, 12)}${pad(u.classe ?? '', 12)}${STATE_FR[u.state] ?? u.state}`);
      const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
      out(`${page.total} compte(s) — page ${page.page} sur ${pages}`);
      return 0;
    }
    case 'show': {
      const f = parseFlags(rest, COMMON);
      const u = await callApi<Detail>(resolveTarget(f as never), 'GET', `/directory/users/${needLogin()}`);
      if (f.json) out(JSON.stringify(u, null, 2));
      else {
        out(`${u.displayName} (${u.login}) — ${PROFILE_FR[u.profile] ?? u.profile}${u.classe ? `, classe ${u.classe}` : ''}${u.staffFunction ? `, ${u.staffFunction}` : ''}`);
        out(`État : ${STATE_FR[u.state] ?? u.state}${u.purgeAfter ? ` (effacement définitif le ${u.purgeAfter.slice(0, 10)})` : ''}`);
        out(`uidNumber : ${u.uidNumber}${u.nationalId ? ` — identifiant national : ${u.nationalId}` : ''}`);
        out(`Groupes : ${u.groups.map((g) => g.name).join(', ') || 'aucun'}`);
        out(`Dernière connexion : ${u.lastLogonAt ?? 'jamais'}${u.mustChangePassword ? ' — doit changer son mot de passe' : ''}`);
      }
      return 0;
    }
    case 'create': {
      const f = parseFlags(rest, { ...COMMON, prenom: 'string', nom: 'string', profil: 'string', classe: 'string', fonction: 'string', 'id-national': 'string' });
      if (!f.prenom || !f.nom || !f.profil) throw new AppError('CLI_ARG', 'Indiquez au moins --prenom, --nom et --profil (eleve, enseignant ou personnel).');
      const body = {
        givenName: String(f.prenom),
        surname: String(f.nom),
        profile: String(f.profil),
        ...(f.classe ? { classe: String(f.classe) } : {}),
        ...(f.fonction ? { staffFunction: String(f.fonction) } : {}),
        ...(f['id-national'] ? { nationalId: String(f['id-national']) } : {}),
      };
      const r = await callApi<{ user: Detail; password: string }>(resolveTarget(f as never), 'POST', '/directory/users', body);
      if (f.json) out(JSON.stringify(r, null, 2));
      else {
        out(`Compte créé : ${r.user.login} (${r.user.displayName})`);
        out(`Mot de passe initial : ${r.password}`);
        out('Notez-le maintenant : il ne sera plus affiché.');
      }
      return 0;
    }
    case 'reset-password': {
      const f = parseFlags(rest, { ...COMMON, changer: 'boolean' });
      const r = await callApi<{ password: string }>(resolveTarget(f as never), 'POST', `/directory/users/${needLogin()}/password`, f.changer ? { mustChange: true } : {});
      if (f.json) out(JSON.stringify(r));
      else out(`Nouveau mot de passe de ${positional} : ${r.password}${f.changer ? ' (à changer à la prochaine connexion)' : ''}`);
      return 0;
    }
    case 'disable':
    case 'enable':
    case 'restore':
    case 'delete': {
      const f = parseFlags(rest, COMMON);
      const path = `/directory/users/${needLogin()}${sub === 'delete' ? '' : `/${sub}`}`;
      const u = await callApi<Detail>(resolveTarget(f as never), sub === 'delete' ? 'DELETE' : 'POST', path);
      if (f.json) out(JSON.stringify(u, null, 2));
      else if (sub === 'delete') out(`Compte ${u.login} supprimé : effacement définitif le ${u.purgeAfter?.slice(0, 10) ?? '?'} (trousse users restore ${u.login} pour annuler).`);
      else out(`Compte ${u.login} : ${STATE_FR[u.state] ?? u.state}.`);
      return 0;
    }
    case 'move': {
      const f = parseFlags(rest, { ...COMMON, classe: 'string' });
      if (!f.classe) throw new AppError('CLI_ARG', 'Indiquez la nouvelle classe : --classe C');
      const u = await callApi<Detail>(resolveTarget(f as never), 'POST', `/directory/users/${needLogin()}/move`, { classe: String(f.classe) });
      if (f.json) out(JSON.stringify(u, null, 2));
      else out(`${u.login} est maintenant en ${u.classe}.`);
      return 0;
    }
    default:
      out(`Sous-commande inconnue : ${sub ?? '(aucune)'}\n\n${USERS_USAGE}`);
      return 2;
  }
}
