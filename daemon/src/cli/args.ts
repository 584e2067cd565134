import { AppError } from '../core/errors.ts';

/** Minimal --flag value parser: refuses unknown flags with a French message. */
export function parseFlags(argv: string[], allowed: Record<string, 'string' | 'number' | 'boolean'>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new AppError('CLI_ARG', `Argument inattendu : ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const kind = allowed[name];
    if (!kind) throw new AppError('CLI_ARG', `Option inconnue : --${name} (options possibles : ${Object.keys(allowed).map((k) => `--${k}`).join(', ')})`);
    if (kind === 'boolean') {
      out[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new AppError('CLI_ARG', `L’option --${name} attend une valeur.`);
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AppError('CLI_ARG', `--${name} attend un nombre entier entre 0 et 65535 (reçu : ${value}).`);
      out[name] = n;
    } else out[name] = value;
  }
  return out;
}
