import { Ajv } from 'ajv';
import type { Db } from '../db/index.ts';
import { AppError } from '../core/errors.ts';
import type { ShareSettings } from './layout.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

const limits = (soft: number, hard: number) => ({
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: { softMb: { type: 'integer', minimum: 10, maximum: 10_000_000, default: soft }, hardMb: { type: 'integer', minimum: 10, maximum: 10_000_000, default: hard } },
});
const flag = { type: 'boolean', default: true };

export const shareSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    quotas: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { eleve: limits(400, 500), enseignant: limits(2000, 2500), personnel: limits(1000, 1200) },
    },
    roamingProfiles: { type: 'object', additionalProperties: false, default: {}, properties: { eleve: flag, enseignant: flag, personnel: flag } },
    homeDrive: { type: 'string', pattern: '^[D-Zd-z]:$', default: 'H:' },
    groupShares: { type: 'array', maxItems: 200, uniqueItems: true, default: [], items: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } },
  },
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(shareSettingsSchema);

export function parseShareSettings(input: unknown): ShareSettings {
  const value = structuredClone(input ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    const err = validate.errors?.[0];
    const key = (err?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    let msg = `Réglage des partages invalide : ${key || 'valeur'}.`;
    if (key.startsWith('quotas')) msg = 'Quota invalide : indiquez un nombre entier de Mo (10 au moins).';
    else if (key === 'homeDrive') msg = 'Lettre de lecteur invalide : une lettre de D à Z suivie de « : », par exemple H:.';
    else if (key.startsWith('groupShares')) msg = 'Partages de groupes : noms de groupes de l’annuaire attendus, sans doublon.';
    else if (err?.keyword === 'additionalProperties') msg = `Réglage inconnu : ${String((err.params as { additionalProperty?: string }).additionalProperty)}.`;
    throw new AppError('INVALID_SETTINGS', msg, 400);
  }
  const s = value as unknown as ShareSettings;
  s.homeDrive = s.homeDrive.toUpperCase();
  for (const [profile, q] of Object.entries(s.quotas)) {
    if (q.softMb > q.hardMb) {
      throw new AppError('INVALID_SETTINGS', `Quota « ${profile} » : la limite d’avertissement (${q.softMb} Mo) dépasse la limite stricte (${q.hardMb} Mo).`, 400);
    }
  }
  return s;
}

export const DEFAULT_SHARE_SETTINGS = parseShareSettings({});

export function loadShareSettings(db: Db): ShareSettings {
  const value = readSetting(db, 'shares');
  if (value === undefined) return structuredClone(DEFAULT_SHARE_SETTINGS);
  try {
    return parseShareSettings(value);
  } catch {
    return structuredClone(DEFAULT_SHARE_SETTINGS);
  }
}

export function saveShareSettings(db: Db, s: ShareSettings): void {
  writeSetting(db, 'shares', s);
}
