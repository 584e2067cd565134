import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AppError } from '../core/errors.ts';
import { DIFF_ACTION_LABELS, type DiffAction, type DiffItem } from '../imports/model.ts';
import type { ImportRunView } from '../imports/service.ts';
import { parseFlags } from './args.ts';
import { callApi, callRaw, resolveTarget, type Target } from './client.ts';

export const IMPORT_USAGE = `  trousse import FICHIER... [--apply] [--rentree] [--ignorer-erreurs] [--passwords-csv SORTIE.csv] [--details]
                                        lit des exports SIECLE, STS-Web, AAF ou CSV et affiche les différences
                                        avec l’annuaire (rien n’est modifié sans --apply)
  trousse sheets (--class C | --group G | --import N) --out FICHIER.pdf [--reset-missing]
                                        fiches de connexion à découper (8 par page A4)`;

const COMMON = { config: 'string', data: 'string', url: 'string', json: 'boolean' } as const;
const ORDER: DiffAction[] = ['create', 'update', 'move', 'reactivate', 'disable', 'unchanged', 'ambiguous', 'error', 'ignored'];

/** Splits `FILE... --flag value` into positional arguments and flags. */
function splitArgs(argv: string[], allowed: Record<string, 'string' | 'number' | 'boolean'>): { files: string[]; flags: string[] } {
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      files.push(a);
      continue;
    }
    flags.push(a);
    const kind = allowed[a.slice(2).split('=')[0] as string];
    if (kind && kind !== 'boolean' && !a.includes('=') && argv[i + 1] !== undefined) flags.push(argv[++i] as string);
  }
  return { files, flags };
}

function describe(it: DiffItem): string {
  const who = `${it.displayName}${it.login ? ` (${it.login})` : ''}`;
  const parts: string[] = [];
  for (const c of it.changes) {
    if (c.field === 'classe') parts.push(`classe ${c.from ?? '—'} → ${c.to}`);
    else if (c.field === 'givenName' || c.field === 'surname') parts.push(`${c.field === 'givenName' ? 'prénom' : 'nom'} « ${c.from} » → « ${c.to} »`);
    else if (c.field === 'staffFunction') parts.push(`fonction ${c.from ?? '—'} → ${c.to}`);
  }
  if (it.actions.includes('create') && it.classe) parts.push(`classe ${it.classe}`);
  if (it.reason) parts.push(it.reason);
  if (it.candidates.length) parts.push(`comptes possibles : ${it.candidates.map((c) => c.login).join(', ')}`);
  if (it.where && (it.actions.includes('error') || it.actions.includes('ambiguous'))) parts.push(`${it.file ?? ''} ${it.where}`.trim());
  return `    ${who}${parts.length ? ` — ${parts.join(' ; ')}` : ''}`;
}

async function printDiff(target: Target, run: ImportRunView, details: boolean, out: (l: string) => void): Promise<void> {
  const d = run.diff;
  if (!d) return;
  out(`Différences (${run.mode === 'rollover' ? 'rentrée' : 'mise à jour'}) :`);
  for (const a of ORDER) if (d.counts[a] > 0 || a === 'create' || a === 'unchanged') out(`  ${DIFF_ACTION_LABELS[a].padEnd(28)} ${d.counts[a]}`);
  if (d.classes.create.length) out(`  Classes à créer : ${d.classes.create.join(', ')}`);
  if (d.classes.remove.length) out(`  Classes vides à supprimer : ${d.classes.remove.join(', ')}`);
  if (d.teams > 0) out(`  Équipes pédagogiques à mettre à jour : ${d.teams}`);
  if (d.untouchedManual > 0) out(`  Comptes créés à la main, non concernés : ${d.untouchedManual}`);
  for (const a of ORDER) {
    if (a === 'unchanged' || d.counts[a] === 0) continue;
    const limit = details || a === 'error' || a === 'ambiguous' ? 200 : 10;
    const page = await callApi<{ total: number; items: DiffItem[] }>(target, 'GET', `/imports/${run.id}/items?action=${a}&pageSize=${limit}`);
    out(`  ${DIFF_ACTION_LABELS[a]} :`);
    for (const it of page.items) out(describe(it));
    if (page.total > page.items.length) out(`    … et ${page.total - page.items.length} autre(s) (--details pour tout voir, ou la console)`);
  }
}

async function waitApplied(target: Target, id: number, out: (l: string) => void): Promise<ImportRunView> {
  let lastLine = '';
  for (;;) {
    const run = await callApi<ImportRunView>(target, 'GET', `/imports/${id}`);
    if (run.state !== 'applying') return run;
    const p = run.progress;
    if (p) {
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total / 10) * 10 : 0;
      const line = `  ${p.label} — ${pct} %`;
      if (line !== lastLine) out(line);
      lastLine = line;
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}

function printReport(run: ImportRunView, out: (l: string) => void): void {
  const r = run.report;
  if (run.state === 'applied') out(`Import n° ${run.id} appliqué.`);
  else out(`Import n° ${run.id} : ${run.error ?? run.state}`);
  if (r) out(`  ${r.done} opération(s) faites, ${r.failed} en échec, ${r.created} compte(s) créé(s).`);
  if (r && r.failed > 0) out(`  Détail des échecs : trousse import --rapport ${run.id} (ou la console, Imports).`);
}

/** `trousse import FILE... [--apply]`: the same import as the console, through the daemon's API. */
export async function runImport(argv: string[], out: (line: string) => void): Promise<number> {
  const allowed = { ...COMMON, apply: 'boolean', rentree: 'boolean', 'ignorer-erreurs': 'boolean', 'passwords-csv': 'string', details: 'boolean', rapport: 'number' } as const;
  const { files, flags } = splitArgs(argv, allowed);
  const f = parseFlags(flags, allowed);
  const target = resolveTarget({ url: f.url as string | undefined, config: f.config as string | undefined, data: f.data as string | undefined });
  if (f.rapport !== undefined) {
    out((await callRaw(target, 'GET', `/imports/${f.rapport}/report.csv`)).toString('utf8').replace(/^\ufeff/, ''));
    return 0;
  }
  if (files.length === 0) throw new AppError('CLI_ARG', 'Indiquez au moins un fichier : trousse import ElevesSansAdresses.xml [sts_emp_….xml] [--apply]');
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('CLI_ARG', `Fichier introuvable : ${file}`);
  }
  if (f.apply) {
    // a run interrupted by a crash is completed first: the new one is analysed on a settled directory
    const runs = await callApi<ImportRunView[]>(target, 'GET', '/imports');
    for (const r of runs.filter((x) => x.state === 'interrupted' || x.state === 'applying').reverse()) {
      out(`Reprise de l’import n° ${r.id}, interrompu…`);
      if (r.state === 'interrupted') await callApi(target, 'POST', `/imports/${r.id}/apply`, { confirm: true });
      printReport(await waitApplied(target, r.id, out), out);
    }
  }
  let run = await callApi<ImportRunView>(target, 'POST', '/imports', { mode: f.rentree ? 'rollover' : 'update' });
  try {
    for (const file of files) {
      const path = resolve(file);
      run = await callApi<ImportRunView>(target, 'GET', `/imports/${run.id}`);
      const before = run.files.length;
      const body = await callRaw(target, 'POST', `/imports/${run.id}/files?name=${encodeURIComponent(basename(path))}`, {
        stream: createReadStream(path),
        length: statSync(path).size,
      });
      run = JSON.parse(body.toString('utf8')) as ImportRunView;
      for (const pf of run.files.slice(before)) {
        out(
          `« ${pf.name} » : ${pf.label}${pf.uai ? `, UAI ${pf.uai}` : ''}${pf.year ? `, année ${pf.year}` : ''}, ${pf.persons} personne(s)${pf.errors.length ? `, ${pf.errors.length} erreur(s)` : ''}${pf.warnings.length ? `, ${pf.warnings.length} avertissement(s)` : ''}`,
        );
        for (const w of pf.warnings.slice(0, 5)) out(`    avertissement ${w.where} : ${w.message}`);
      }
    }
    run = await callApi<ImportRunView>(target, 'POST', `/imports/${run.id}/analyse`);
  } catch (err) {
    await callApi(target, 'DELETE', `/imports/${run.id}`).catch(() => {});
    throw err;
  }
  if (f.json && !f.apply) {
    out(JSON.stringify(run, null, 2));
    return 0;
  }
  await printDiff(target, run, f.details === true, out);
  if (!f.apply) {
    out(`Rien n’a été modifié (essai). Pour appliquer : relancez avec --apply, ou ouvrez l’import n° ${run.id} dans la console.`);
    return 0;
  }
  await callApi(target, 'POST', `/imports/${run.id}/apply`, { confirm: true, skipErrors: f['ignorer-erreurs'] === true });
  out('Application…');
  run = await waitApplied(target, run.id, out);
  printReport(run, out);
  if (f['passwords-csv'] && run.state === 'applied') {
    const csv = await callRaw(target, 'GET', `/imports/${run.id}/passwords.csv`);
    writeFileSync(String(f['passwords-csv']), csv, { mode: 0o600 });
    out(`Identifiants et mots de passe des nouveaux comptes : ${String(f['passwords-csv'])} (à garder en lieu sûr, puis à détruire).`);
  }
  return run.state === 'applied' && (run.report?.failed ?? 0) === 0 ? 0 : 1;
}

/** `trousse sheets --class 6A --out 6A.pdf`. */
export async function runSheets(argv: string[], out: (line: string) => void): Promise<number> {
  const f = parseFlags(argv, { ...COMMON, class: 'string', classe: 'string', group: 'string', import: 'number', out: 'string', 'reset-missing': 'boolean' });
  if (!f.out) throw new AppError('CLI_ARG', 'Indiquez le fichier PDF à écrire : --out 6A.pdf');
  const classe = (f.class ?? f.classe) as string | undefined;
  const body: Record<string, unknown> = {};
  if (classe) body.classe = classe;
  if (f.group) body.group = f.group;
  if (f.import !== undefined) body.importId = f.import;
  if (Object.keys(body).length !== 1) throw new AppError('CLI_ARG', 'Choisissez une seule sélection : --class C, --group G ou --import N.');
  if (f['reset-missing']) body.resetMissing = true;
  const target = resolveTarget({ url: f.url as string | undefined, config: f.config as string | undefined, data: f.data as string | undefined });
  const pdf = await callRaw(target, 'POST', '/sheets', { json: body });
  writeFileSync(String(f.out), pdf, { mode: 0o600 });
  out(`Fiches écrites dans ${String(f.out)} (${Math.ceil(pdf.length / 1024)} Ko). Imprimez-les, découpez-les, puis détruisez le fichier.`);
  return 0;
}
