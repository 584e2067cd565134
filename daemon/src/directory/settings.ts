import { Ajv } from 'ajv';
import type { Db } from '../db/index.ts';
import { AppError } from '../core/errors.ts';
import { DEFAULT_LOGIN_SCHEME, validateScheme } from './logins.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

export interface PasswordPolicy {
  /** Domain-wide minimum (pupils). */
  minLength: number;
  /** Minimum for teachers and staff (a password settings object on their groups). */
  staffMinLength: number;
  complexity: boolean;
  historyLength: number;
  /** 0: passwords never expire. */
  maxAgeDays: number;
  /** 0: no lockout. */
  lockoutThreshold: number;
  lockoutMinutes: number;
}

export interface DirectorySettings {
  loginScheme: string;
  pupilPasswordLength: number;
  staffPasswordLength: number;
  mustChangePassword: { eleve: boolean; enseignant: boolean; personnel: boolean };
  /** How long initial passwords are kept (encrypted) for the sheets; 0: never kept. */
  keepInitialPasswordsDays: number;
  /** Grace period of a deleted account before it is purged (the CNIL asks for ≤ 3 months). */
  deletionGraceDays: number;
  policy: PasswordPolicy;
}

const int = (min: number, max: number, def: number) => ({ type: 'integer', minimum: min, maximum: max, default: def });

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    loginScheme: { type: 'string', minLength: 3, maxLength: 40, default: DEFAULT_LOGIN_SCHEME },
    pupilPasswordLength: int(6, 32, 8),
    staffPasswordLength: int(12, 64, 14),
    mustChangePassword: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        eleve: { type: 'boolean', default: false },
        enseignant: { type: 'boolean', default: true },
        personnel: { type: 'boolean', default: true },
      },
    },
    keepInitialPasswordsDays: int(0, 365, 30),
    deletionGraceDays: int(0, 90, 90),
    policy: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        minLength: int(4, 32, 8),
        staffMinLength: int(8, 64, 12),
        complexity: { type: 'boolean', default: true },
        historyLength: int(0, 24, 0),
        maxAgeDays: int(0, 999, 0),
        lockoutThreshold: int(0, 999, 10),
        lockoutMinutes: int(1, 1440, 10),
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(settingsSchema);

const FIELD_FR: Record<string, string> = {
  loginScheme: 'le modèle d’identifiant',
  pupilPasswordLength: 'la longueur des mots de passe des élèves',
  staffPasswordLength: 'la longueur des mots de passe des personnels',
  keepInitialPasswordsDays: 'la durée de conservation des mots de passe initiaux',
  deletionGraceDays: 'le délai avant suppression définitive',
  'policy.minLength': 'la longueur minimale des mots de passe',
  'policy.staffMinLength': 'la longueur minimale des mots de passe des personnels',
  'policy.historyLength': 'l’historique des mots de passe',
  'policy.maxAgeDays': 'la durée de validité des mots de passe',
  'policy.lockoutThreshold': 'le seuil de verrouillage',
  'policy.lockoutMinutes': 'la durée de verrouillage',
};

/** Validates (filling defaults) a settings object; throws a French AppError naming the first problem. */
export function parseSettings(input: unknown): DirectorySettings {
  const value = structuredClone(input ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    const err = validate.errors?.[0];
    const key = (err?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const p = (err?.params ?? {}) as Record<string, unknown>;
    const what = FIELD_FR[key] ?? key ?? 'un réglage';
    let msg = `Réglage invalide : ${what}.`;
    if (err?.keyword === 'minimum') msg = `Réglage invalide : ${what} doit valoir au moins ${String(p.limit)}.`;
    else if (err?.keyword === 'maximum') msg = `Réglage invalide : ${what} doit valoir au plus ${String(p.limit)}.`;
    else if (err?.keyword === 'additionalProperties') msg = `Réglage inconnu : ${String(p.additionalProperty)}.`;
    else if (err?.keyword === 'type') msg = `Réglage invalide : ${what} n’a pas le bon type.`;
    throw new AppError('INVALID_SETTINGS', msg, 400);
  }
  const s = value as unknown as DirectorySettings;
  const schemeError = validateScheme(s.loginScheme);
  if (schemeError) throw new AppError('INVALID_SETTINGS', schemeError, 400);
  if (s.pupilPasswordLength < s.policy.minLength) {
    throw new AppError(
      'INVALID_SETTINGS',
      `Les mots de passe des élèves (${s.pupilPasswordLength} caractères) seraient plus courts que le minimum du domaine (${s.policy.minLength}) : augmentez la longueur ou baissez le minimum.`,
      400,
    );
  }
  if (s.staffPasswordLength < s.policy.staffMinLength) {
    throw new AppError(
      'INVALID_SETTINGS',
      `Les mots de passe des personnels (${s.staffPasswordLength} caractères) seraient plus courts que leur minimum (${s.policy.staffMinLength}).`,
      400,
    );
  }
  if (s.policy.staffMinLength < s.policy.minLength) {
    throw new AppError('INVALID_SETTINGS', 'Le minimum des personnels ne peut pas être plus petit que celui du domaine.', 400);
  }
  return s;
}

export const DEFAULT_SETTINGS: DirectorySettings = parseSettings({});

const KEY = 'directory';

export function loadSettings(db: Db): DirectorySettings {
  const value = readSetting(db, KEY);
  if (value === undefined) return structuredClone(DEFAULT_SETTINGS);
  try {
    return parseSettings(value);
  } catch {
    return structuredClone(DEFAULT_SETTINGS);
  }
}

export function saveSettings(db: Db, settings: DirectorySettings): void {
  writeSetting(db, KEY, settings);
}
