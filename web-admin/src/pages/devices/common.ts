// Shared pieces of the Salles et appareils pages: API paths, console routes, French labels,
// status badges, action results, and the loaders that tolerate an empty or partial answer.
import { ApiError, api, errorMessage } from '../../api.ts';
import {
  type ActionRequest,
  type ActionResult,
  DEVICE_KIND_LABELS,
  type Device,
  type DeviceKind,
  type DeviceStatus,
  type ErrorLevel,
  PJLINK_KINDS,
  type Room,
  type ScheduleAction,
  type SchoolZone,
} from '../../devices-types.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';

const DV = '/api/v1/devices';

export const devicePaths = {
  rooms: `${DV}/rooms`,
  room: (id: number) => `${DV}/rooms/${id}`,
  roomActions: (id: number) => `${DV}/rooms/${id}/actions`,
  devices(query: { room?: number; kind?: DeviceKind } = {}): string {
    const params = new URLSearchParams();
    if (query.room !== undefined) params.set('room', String(query.room));
    if (query.kind) params.set('kind', query.kind);
    const text = params.toString();
    return `${DV}${text ? `?${text}` : ''}`;
  },
  create: DV,
  device: (id: number) => `${DV}/${id}`,
  actions: (id: number) => `${DV}/${id}/actions`,
  check: (id: number) => `${DV}/${id}/check`,
  history: (id: number, days = 365) => `${DV}/${id}/history?days=${days}`,
  alerts: `${DV}/alerts`,
  exportCsv: `${DV}/export.csv`,
  /** The daemon tries by default: applying needs dryRun=false. */
  importCsv: (dryRun: boolean) => `${DV}/import?dryRun=${dryRun}`,
  discover: `${DV}/discover`,
  adopt: `${DV}/adopt`,
  settings: `${DV}/settings`,
  schedules: `${DV}/schedules`,
  schedule: (id: number) => `${DV}/schedules/${id}`,
  calendar: `${DV}/calendar`,
  closures: `${DV}/calendar/closures`,
  closure: (id: number) => `${DV}/calendar/closures/${id}`,
  calendarImport: (zone: SchoolZone) => `${DV}/calendar/import?zone=${zone}`,
  shutdown: `${DV}/shutdown`,
  windowsSetup: `${DV}/shutdown/windows/setup`,
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const deviceRoutes = {
  devices: '/salles',
  device: (id: number) => `/salles/appareil/${id}`,
  planning: '/salles/planification',
  settings: '/salles/reglages',
  myRoom: '/ma-salle',
};

/** The socket event sent on each change of a device's status: `{ device: Device }`. */
export const STATUS_EVENT = 'devices.status';

export function kindLabel(kind: string): string {
  return (DEVICE_KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

export function isPjlink(device: Pick<Device, 'kind'>): boolean {
  return PJLINK_KINDS.includes(device.kind);
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name, 'fr', { numeric: true });
}

/** The list in an answer: the array itself, or `{ items | <key>: [...] }`; [] otherwise. */
export function asArray<T>(answer: unknown, key?: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  if (answer && typeof answer === 'object') {
    const record = answer as Record<string, unknown>;
    for (const name of [key, 'items'].filter((k): k is string => Boolean(k))) {
      if (Array.isArray(record[name])) return record[name] as T[];
    }
  }
  return [];
}

const EMPTY_STATUS: DeviceStatus = {
  reachable: null,
  power: null,
  input: null,
  mute: null,
  lamps: [],
  filterHours: null,
  errors: null,
  serial: null,
  manufacturer: null,
  model: null,
  softwareVersion: null,
  pjlinkClass: null,
  inputs: [],
  problem: null,
  checkedAt: null,
};

/** A device whose optional parts are never missing (status, lamps, inputs, alerts, pjlink). */
export function normalizeDevice(device: Device): Device {
  const status = { ...EMPTY_STATUS, ...(device.status ?? {}) };
  status.lamps = Array.isArray(status.lamps) ? status.lamps : [];
  status.inputs = Array.isArray(status.inputs) ? status.inputs : [];
  const pjlink: Partial<Device['pjlink']> = device.pjlink ?? {};
  return {
    ...device,
    status,
    alerts: Array.isArray(device.alerts) ? device.alerts : [],
    pjlink: { enabled: pjlink.enabled ?? false, port: pjlink.port ?? 4352, hasPassword: pjlink.hasPassword ?? false },
  };
}

const NOT_AVAILABLE =
  'La gestion des salles et appareils ne répond pas sur ce serveur : il n’est sans doute pas à jour. Demandez au technicien de mettre Trousse à jour.';

/** GET of a list or a setting of the capability: a 404 there means a daemon without it. */
export async function getFeature<T>(path: string, signal?: AbortSignal): Promise<T> {
  try {
    return await api.get<T>(path, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new ApiError(404, error.code, NOT_AVAILABLE);
    throw error;
  }
}

export async function fetchDevices(signal?: AbortSignal, query: { room?: number } = {}): Promise<Device[]> {
  const answer = await getFeature<unknown>(devicePaths.devices(query), signal);
  return asArray<Device>(answer, 'devices').map(normalizeDevice).sort(byName);
}

export async function fetchRooms(signal?: AbortSignal): Promise<Room[]> {
  const answer = await getFeature<unknown>(devicePaths.rooms, signal);
  return asArray<Room>(answer, 'rooms').sort(byName);
}

/** A device as a socket event carries it: at least its id, often the whole device. */
export type DevicePatch = Partial<Device> & { id: number };

/** The device of a `devices.status` payload (`{ device }`), or null when it is not one. */
export function readStatusEvent(payload: unknown): DevicePatch | null {
  if (!payload || typeof payload !== 'object') return null;
  const device = (payload as { device?: unknown }).device;
  if (!device || typeof device !== 'object' || typeof (device as Device).id !== 'number') return null;
  return device as DevicePatch;
}

/** The device known here, updated with what an event carries (a partial device keeps the rest). */
export function mergeDevice(current: Device, patch: DevicePatch): Device {
  return normalizeDevice({
    ...current,
    ...patch,
    status: { ...current.status, ...(patch.status ?? {}) },
    alerts: Array.isArray(patch.alerts) ? patch.alerts : current.alerts,
    pjlink: { ...current.pjlink, ...(patch.pjlink ?? {}) },
  });
}

/** The socket event of an alert opening or closing: `{ deviceId, ... }` (the device is read again). */
export const ALERT_EVENT = 'devices.alert';

export function readAlertEvent(payload: unknown): number | null {
  const id = payload && typeof payload === 'object' ? (payload as { deviceId?: unknown }).deviceId : null;
  return typeof id === 'number' ? id : null;
}

export async function fetchDevice(id: number, signal?: AbortSignal): Promise<Device> {
  return normalizeDevice(await api.get<Device>(devicePaths.device(id), { signal }));
}

// ---- status --------------------------------------------------------------------------------

export type StatusKey = 'on' | 'off' | 'cooling' | 'warming' | 'unreachable' | 'unchecked';

export function statusKey(status: DeviceStatus): StatusKey {
  if (status.reachable === false) return 'unreachable';
  if (status.power) return status.power;
  if (status.reachable === true) return 'on';
  return 'unchecked';
}

const STATUS_LABELS: Record<StatusKey, string> = {
  on: 'Allumé',
  off: 'En veille',
  cooling: 'Refroidissement',
  warming: 'Préchauffage',
  unreachable: 'Injoignable',
  unchecked: 'Non vérifié',
};

const STATUS_TONES: Record<StatusKey, string> = {
  on: 'success',
  off: 'neutral',
  cooling: 'info',
  warming: 'info',
  unreachable: 'danger',
  unchecked: 'neutral',
};

/** « Allumé », « En veille »…; a PC that does not answer is probably just switched off. */
export function statusLabel(device: Pick<Device, 'kind' | 'status'>): string {
  const key = statusKey(device.status);
  if (device.kind === 'pc' && key === 'unreachable') return 'Éteint ou injoignable';
  return STATUS_LABELS[key];
}

export function statusBadge(device: Pick<Device, 'kind' | 'status'>, testId = 'device-status'): HTMLElement {
  const key = statusKey(device.status);
  const tone = device.kind === 'pc' && key === 'unreachable' ? 'neutral' : STATUS_TONES[key];
  return h('span', { class: `badge badge-${tone}`, 'data-testid': testId, 'data-state': key }, statusLabel(device));
}

const INPUT_TYPES: Record<string, string> = {
  '1': 'Ordinateur (VGA)',
  '2': 'Vidéo',
  '3': 'Numérique (HDMI)',
  '4': 'Stockage (USB)',
  '5': 'Réseau',
  '6': 'Interne',
};

/** PJLink input code → French: "31" → « Numérique (HDMI) 1 ». */
export function inputLabel(code: string | null | undefined): string {
  if (!code) return '—';
  const type = INPUT_TYPES[code.charAt(0)];
  return type ? `${type} ${code.slice(1)}`.trim() : `Entrée ${code}`;
}

export const ERROR_CATEGORIES: { key: keyof NonNullable<DeviceStatus['errors']>; label: string }[] = [
  { key: 'fan', label: 'Ventilateur' },
  { key: 'lamp', label: 'Lampe' },
  { key: 'temperature', label: 'Température' },
  { key: 'cover', label: 'Capot' },
  { key: 'filter', label: 'Filtre' },
  { key: 'other', label: 'Autre' },
];

const LEVEL_LABELS: Record<ErrorLevel, string> = { ok: 'OK', warning: 'Attention', error: 'Panne' };
const LEVEL_TONES: Record<ErrorLevel, string> = { ok: 'success', warning: 'warning', error: 'danger' };

export function levelBadge(level: ErrorLevel | null | undefined): HTMLElement {
  if (!level) return h('span', { class: 'badge badge-neutral', 'data-state': 'unknown' }, 'Inconnu');
  return h('span', { class: `badge badge-${LEVEL_TONES[level] ?? 'neutral'}`, 'data-state': level }, LEVEL_LABELS[level] ?? level);
}

export function formatHours(hours: number | null | undefined): string {
  return typeof hours === 'number' && Number.isFinite(hours) ? `${formatInteger(hours)}\u00a0h` : '—';
}

/** The lamps' hours, « 1 234 h » or « 1 234 h / 567 h ». */
export function lampHoursText(status: DeviceStatus): string {
  if (!status.lamps.length) return '—';
  return status.lamps.map((lamp) => formatHours(lamp.hours)).join(' / ');
}

const dayFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });
const shortDayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'short', day: 'numeric', month: 'short' });

function parseDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day ?? '');
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** "2025-12-20" → « 20 décembre 2025 » (no time zone shift). */
export function formatDay(day: string | null | undefined, short = false): string {
  const date = day ? parseDay(day) : null;
  if (!date) return day || '—';
  return (short ? shortDayFormat : dayFormat).format(date);
}

// ---- schedules -----------------------------------------------------------------------------

export const ACTION_LABELS: Record<ScheduleAction, string> = {
  'wake-pcs': 'Réveiller les ordinateurs',
  'shutdown-pcs': 'Éteindre les ordinateurs',
  'projectors-on': 'Allumer les vidéoprojecteurs',
  'projectors-off': 'Éteindre les vidéoprojecteurs',
};

/** ISO weekdays 1..7 with their short French names. */
export const WEEKDAYS: { day: number; short: string; long: string }[] = [
  { day: 1, short: 'Lu', long: 'lundi' },
  { day: 2, short: 'Ma', long: 'mardi' },
  { day: 3, short: 'Me', long: 'mercredi' },
  { day: 4, short: 'Je', long: 'jeudi' },
  { day: 5, short: 'Ve', long: 'vendredi' },
  { day: 6, short: 'Sa', long: 'samedi' },
  { day: 7, short: 'Di', long: 'dimanche' },
];

export function daysText(days: number[]): string {
  const set = new Set(days ?? []);
  if (set.size === 0) return 'aucun jour';
  if (set.size === 7) return 'tous les jours';
  if (set.size === 5 && [1, 2, 3, 4, 5].every((d) => set.has(d))) return 'du lundi au vendredi';
  return WEEKDAYS.filter((w) => set.has(w.day))
    .map((w) => w.short)
    .join(' ');
}

// ---- actions -------------------------------------------------------------------------------

/** POST /devices/:id/actions; the answer is completed when the daemon sends less. */
export async function deviceAction(device: Pick<Device, 'id' | 'name'>, body: ActionRequest): Promise<ActionResult> {
  const answer = await api.post<Partial<ActionResult> | undefined>(devicePaths.actions(device.id), body);
  return { deviceId: device.id, name: device.name, action: body.action, ok: true, message: 'Commande envoyée.', ms: 0, ...(answer ?? {}) };
}

/** The per-device results of an action: ✓ or ✗, name, what happened. */
export function resultsView(results: ActionResult[], heading: string): HTMLElement {
  const failed = results.filter((r) => !r.ok).length;
  const summary = summaryText(results.length, failed);
  return h(
    'div',
    { class: `device-results ${failed ? 'has-failures' : ''}`.trim() },
    h('p', { class: 'device-results-title' }, heading, ' — ', h('span', { class: failed ? 'text-danger' : 'text-success' }, summary)),
    results.length
      ? h(
          'ul',
          { class: 'device-results-list' },
          results.map((r) =>
            h(
              'li',
              { class: `device-result ${r.ok ? 'is-ok' : 'is-failed'}`, 'data-testid': 'action-result', 'data-ok': String(Boolean(r.ok)), 'data-device': r.deviceId },
              icon(r.ok ? 'check' : 'error', `icon ${r.ok ? 'text-success' : 'text-danger'}`),
              h('span', null, h('strong', null, r.name || `Appareil ${r.deviceId}`), ' : ', r.message || (r.ok ? 'fait.' : 'échec.')),
            ),
          ),
        )
      : null,
  );
}

function summaryText(count: number, failed: number): string {
  if (count === 0) return 'Aucun appareil n’est concerné.';
  if (count === 1) return failed ? 'Échec.' : 'Réussi.';
  if (failed === 0) return 'Réussi pour tous les appareils.';
  return `${formatInteger(failed)} appareil${failed > 1 ? 's n’ont' : ' n’a'} pas répondu comme prévu.`;
}

/** An error of an action, shown in the same place as the results. */
export function failureView(error: unknown, heading: string): HTMLElement {
  return h('div', { class: 'device-results has-failures' }, h('p', { class: 'alert alert-danger', role: 'alert' }, `${heading} : ${errorMessage(error)}`));
}
