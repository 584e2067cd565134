import type { Db } from '../db/index.ts';
import { readSetting, writeSetting } from '../db/settings.ts';

/** What the administrator tunes from the console (stored in `settings` key `devices`). */
export interface DeviceSettings {
  /** Seconds between two status checks of every projector. */
  pollSeconds: number;
  /** Devices checked at the same time. */
  concurrency: number;
  /** Deadline of one PJLink exchange (connect or reply), ms. */
  timeoutMs: number;
  /** Lamp hours: warning, then replacement (formats.md §7: 3,000 h "corresponding value"). */
  lampWarnHours: number;
  lampReplaceHours: number;
  /** Filter hours before cleaning (100–300 h usual). */
  filterCleanHours: number;
  /** After a wake-up, how long to wait for the PCs to answer. */
  wakeCheckSeconds: number;
  /** Windows shutdown: delay shown to the users and message. */
  shutdownDelaySeconds: number;
  shutdownMessage: string;
  /** Linux PCs: the account the SSH key is installed for. */
  sshUser: string;
  sshPort: number;
  /** Hours without an answer before "injoignable" becomes an alert. */
  unreachableAlertHours: number;
}

export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = {
  pollSeconds: 60,
  concurrency: 256,
  timeoutMs: 2500,
  lampWarnHours: 2500,
  lampReplaceHours: 3000,
  filterCleanHours: 300,
  wakeCheckSeconds: 120,
  shutdownDelaySeconds: 60,
  shutdownMessage: 'Cet ordinateur va s’éteindre dans une minute. Enregistrez votre travail.',
  sshUser: 'root',
  sshPort: 22,
  unreachableAlertHours: 24,
};

export const deviceSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pollSeconds: { type: 'integer', minimum: 30, maximum: 3600 },
    concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    timeoutMs: { type: 'integer', minimum: 200, maximum: 30_000 },
    lampWarnHours: { type: 'integer', minimum: 1, maximum: 100_000 },
    lampReplaceHours: { type: 'integer', minimum: 1, maximum: 100_000 },
    filterCleanHours: { type: 'integer', minimum: 1, maximum: 100_000 },
    wakeCheckSeconds: { type: 'integer', minimum: 1, maximum: 900 },
    shutdownDelaySeconds: { type: 'integer', minimum: 0, maximum: 600 },
    shutdownMessage: { type: 'string', maxLength: 200, pattern: '^[^"\\u0000-\\u001f]*$' },
    sshUser: { type: 'string', pattern: '^[a-z_][a-z0-9_-]{0,31}$' },
    sshPort: { type: 'integer', minimum: 1, maximum: 65535 },
    unreachableAlertHours: { type: 'integer', minimum: 1, maximum: 24 * 60 },
  },
} as const;

export function readDeviceSettings(db: Db): DeviceSettings {
  const stored = readSetting(db, 'devices');
  return { ...DEFAULT_DEVICE_SETTINGS, ...(stored && typeof stored === 'object' ? (stored as Partial<DeviceSettings>) : {}) };
}

export function writeDeviceSettings(db: Db, s: DeviceSettings): void {
  writeSetting(db, 'devices', s);
}
