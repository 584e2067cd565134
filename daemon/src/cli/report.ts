import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../core/errors.ts';
import { parseFlags } from './args.ts';
import { callRaw, resolveTarget } from './client.ts';

export const REPORT_USAGE = `  trousse report inventory [--format json|csv|html] [--out FICHIER]
                                        rapport d’inventaire du parc (JSON par défaut, sur la sortie
                                        standard sans --out)`;

const FORMATS = ['json', 'csv', 'html'] as const;

/** `trousse report inventory --format json|csv|html [--out FILE]`: asks the running daemon. */
export async function runReport(argv: string[], out: (l: string) => void, write: (b: Buffer) => void = (b) => process.stdout.write(b)): Promise<number> {
  const [what, ...rest] = argv;
  if (what !== 'inventory') {
    throw new AppError('CLI_ARG', `Rapport inconnu : ${what ?? '(aucun)'}. Seul « trousse report inventory » existe.`);
  }
  const flags = parseFlags(rest, { format: 'string', out: 'string', config: 'string', data: 'string', url: 'string' });
  const format = String(flags.format ?? 'json');
  if (!(FORMATS as readonly string[]).includes(format)) throw new AppError('CLI_ARG', `--format attend json, csv ou html (reçu : ${format}).`);
  const target = resolveTarget({
    ...(flags.config !== undefined ? { config: String(flags.config) } : {}),
    ...(flags.data !== undefined ? { data: String(flags.data) } : {}),
    ...(flags.url !== undefined ? { url: String(flags.url) } : {}),
  });
  const body = await callRaw(target, 'GET', `/inventory/report?format=${format}`, undefined, 120_000);
  if (flags.out !== undefined) {
    const file = resolve(String(flags.out));
    writeFileSync(file, body);
    out(`Rapport d’inventaire (${format.toUpperCase()}) écrit dans ${file} (${body.length} octets).`);
  } else write(body);
  return 0;
}
