/**
 * The devices capability's shapes: the registry (rooms, devices), the PJLink status, actions and
 * schedules. The API returns these; the console mirrors them in web-admin/src/devices-types.ts.
 */

export const DEVICE_KINDS = ['pc', 'projector', 'whiteboard', 'display', 'printer', 'server', 'other'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** French labels, for the console, CSV files and messages. */
export const DEVICE_KIND_LABELS: Record<DeviceKind, string> = {
  pc: 'Ordinateur',
  projector: 'Vidéoprojecteur',
  whiteboard: 'Tableau interactif',
  display: 'Écran interactif',
  printer: 'Imprimante',
  server: 'Serveur',
  other: 'Autre',
};

/** Kinds that speak PJLink (a whiteboard is usually a projector with a pen; a display may). */
export const PJLINK_KINDS: readonly DeviceKind[] = ['projector', 'whiteboard', 'display'];

export interface Room {
  id: number;
  name: string;
  /** The room's IPv4 subnet in CIDR form ("10.1.20.0/24"); where wake-on-LAN is broadcast. */
  subnet: string | null;
  notes: string;
  deviceCount: number;
}

export interface RoomInput {
  name: string;
  subnet?: string | null;
  notes?: string;
}

export interface DeviceInput {
  kind: DeviceKind;
  name: string;
  /** Room name (created if missing) or null. */
  room?: string | null;
  /** "aa:bb:cc:dd:ee:ff" (any usual separator accepted, stored lower-case with colons). */
  mac?: string | null;
  /** IPv4 address or host name. */
  host?: string | null;
  manufacturer?: string;
  model?: string;
  serial?: string;
  /** YYYY-MM-DD */
  purchaseDate?: string | null;
  warrantyEnd?: string | null;
  notes?: string;
  /** PJLink: on for projectors, whiteboards and displays that have a host (default). */
  pjlink?: { enabled?: boolean; port?: number; password?: string | null };
  /** PCs: how to shut them down. */
  os?: 'windows' | 'linux' | null;
}

export type ErrorLevel = 'ok' | 'warning' | 'error';

export interface DeviceErrors {
  fan: ErrorLevel;
  lamp: ErrorLevel;
  temperature: ErrorLevel;
  cover: ErrorLevel;
  filter: ErrorLevel;
  other: ErrorLevel;
}

export type PowerState = 'off' | 'on' | 'cooling' | 'warming';

/** What the last check found. Fields a device does not report stay null. */
export interface DeviceStatus {
  reachable: boolean | null;
  power: PowerState | null;
  input: string | null;
  mute: { video: boolean; audio: boolean } | null;
  lamps: { hours: number; on: boolean }[];
  filterHours: number | null;
  errors: DeviceErrors | null;
  serial: string | null;
  manufacturer: string | null;
  model: string | null;
  softwareVersion: string | null;
  pjlinkClass: 1 | 2 | null;
  inputs: string[];
  /** The French reason when the last check failed (timeout, wrong password...). */
  problem: string | null;
  /** Since when it has not answered (null while it answers). */
  unreachableSince: string | null;
  checkedAt: string | null;
}

export interface Device {
  id: number;
  kind: DeviceKind;
  name: string;
  room: string | null;
  roomId: number | null;
  mac: string | null;
  host: string | null;
  manufacturer: string;
  model: string;
  serial: string;
  purchaseDate: string | null;
  warrantyEnd: string | null;
  notes: string;
  os: 'windows' | 'linux' | null;
  pjlink: { enabled: boolean; port: number; hasPassword: boolean };
  createdAt: string;
  updatedAt: string;
  status: DeviceStatus;
  /** Open alerts (lamp near end, errors, unreachable...). */
  alerts: DeviceAlert[];
}

export type AlertLevel = 'warning' | 'error';

export interface DeviceAlert {
  id: number;
  deviceId: number;
  /** Stable kind: "error.lamp", "lamp.hours", "filter.hours", "unreachable"... */
  type: string;
  level: AlertLevel;
  message: string;
  openedAt: string;
  closedAt: string | null;
}

export const DEVICE_ACTIONS = ['power-on', 'power-off', 'input', 'mute', 'unmute', 'wake', 'shutdown'] as const;
export type DeviceAction = (typeof DEVICE_ACTIONS)[number];

export interface ActionRequest {
  action: DeviceAction;
  /** For "input": the PJLink input code, e.g. "31" (DIGITAL 1). */
  input?: string;
  /** For "mute"/"unmute": what to mute (default both). */
  what?: 'video' | 'audio' | 'both';
  /** For "shutdown": reboot instead. */
  reboot?: boolean;
}

export interface ActionResult {
  deviceId: number;
  name: string;
  action: DeviceAction;
  ok: boolean;
  /** French: what happened ("Allumé", "Ne répond pas après 2 min"...). */
  message: string;
  ms: number;
}

/** What a schedule does to the devices of its rooms. */
export const SCHEDULE_ACTIONS = ['wake-pcs', 'shutdown-pcs', 'projectors-off', 'projectors-on'] as const;
export type ScheduleAction = (typeof SCHEDULE_ACTIONS)[number];

export interface ScheduleRule {
  id: number;
  /** French label shown in the console ("Réveil des PC avant la première heure"). */
  label: string;
  action: ScheduleAction;
  /** Room ids; empty = every room. */
  rooms: number[];
  /** ISO weekdays, 1 = Monday ... 7 = Sunday. */
  days: number[];
  /** "HH:MM", local time (Europe/Paris). */
  time: string;
  /** Skip public holidays and closure periods (default true). */
  skipClosures: boolean;
  enabled: boolean;
}

export interface ClosurePeriod {
  id: number;
  label: string;
  /** First and last closed day, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
  /** "manual" or "import" (from the national calendar file). */
  source: 'manual' | 'import';
}
