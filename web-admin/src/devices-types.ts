// Shapes of /api/v1/devices/* (mirror of daemon/src/devices/model.ts and of the API listed in
// daemon/src/devices/README.md). The console never imports daemon code.

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

export type DeviceOs = 'windows' | 'linux';

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
  os?: DeviceOs | null;
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
  os: DeviceOs | null;
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

/** POST /devices/rooms/:id/actions takes the same actions as the schedules. */
export type RoomAction = ScheduleAction;

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

/** Body of POST /devices/schedules and PUT /devices/schedules/:id. */
export type ScheduleInput = Omit<ScheduleRule, 'id'>;

export interface ClosurePeriod {
  id: number;
  label: string;
  /** First and last closed day, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
  /** "manual" or "import" (from the national calendar file). */
  source: 'manual' | 'import';
}

/** Body of POST /devices/calendar/closures. */
export interface ClosureInput {
  label: string;
  start: string;
  end: string;
}

// ---- API answers ------------------------------------------------------------------------------

/** POST /devices/rooms/:id/actions */
export interface RoomActionAnswer {
  results: ActionResult[];
}

/** GET /devices/:id/history?days=365 */
export interface DeviceHistory {
  lamps: { day: string; lamp: number; hours: number }[];
  filter: { day: string; hours: number }[];
}

/** POST /devices/import?dryRun=true (body: the CSV text) */
export interface DeviceImportResult {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  errors: { line: number; message: string }[];
}

/** One answer to the PJLink class 2 search. */
export interface DiscoveredDevice {
  mac: string;
  host: string;
  /** The registered device with this MAC, or null when unknown. */
  deviceId: number | null;
  name: string;
  manufacturer: string;
  model: string;
  pjlinkClass: 1 | 2 | null;
}

/** POST /devices/discover { seconds?: 1-30, addresses?: string[] } */
export interface DiscoverAnswer {
  found: DiscoveredDevice[];
}

/** Body of POST /devices/adopt (→ Device). */
export interface AdoptInput {
  mac: string;
  host: string;
  name: string;
  room: string | null;
  kind: DeviceKind;
}

/** GET|PUT /devices/settings (PUT: only the fields sent change). */
export interface DeviceSettings {
  /** Seconds between two status checks of every projector. */
  pollSeconds: number;
  /** Devices checked at the same time. */
  concurrency: number;
  /** Deadline of one PJLink exchange (connect or reply), ms. */
  timeoutMs: number;
  /** Lamp hours: warning, then replacement. */
  lampWarnHours: number;
  lampReplaceHours: number;
  /** Filter hours before cleaning. */
  filterCleanHours: number;
  /** After a wake-up, how long to wait for the PCs to answer. */
  wakeCheckSeconds: number;
  // Also kept by the daemon (daemon/src/devices/settings.ts); optional here so that an older
  // daemon without them still works.
  /** Windows shutdown: delay shown to the users, and the message. */
  shutdownDelaySeconds?: number;
  shutdownMessage?: string;
  /** Linux PCs: the account the SSH key is installed for, and the SSH port. */
  sshUser?: string;
  sshPort?: number;
  /** Hours without an answer before « injoignable » becomes an alert. */
  unreachableAlertHours?: number;
}

/** One planned run of GET /devices/schedules. */
export interface ScheduleRun {
  ruleId: number;
  /** ISO date and time of the run. */
  at: string;
  /** French reason when the run will be skipped ("vacances de Noël"), else null. */
  skipped: string | null;
}

/** GET /devices/schedules */
export interface ScheduleList {
  rules: ScheduleRule[];
  next: ScheduleRun[];
}

/** GET /devices/calendar */
export interface CalendarInfo {
  /** The zone of the last national calendar import, if any. */
  zone?: SchoolZone | null;
  closures: ClosurePeriod[];
  holidays: { date: string; label: string }[];
}

export type SchoolZone = 'A' | 'B' | 'C';

/** POST /devices/calendar/import?zone=A|B|C (body: the file's text) */
export interface CalendarImportResult {
  /** Closure periods kept for the zone (they replace those of the previous import). */
  imported: number;
  /** French remarks on the file (lines skipped...). */
  warnings?: string[];
  /** "csv", "json" or "ics". */
  format?: string;
}

/** GET /devices/shutdown (also the answer of POST /devices/shutdown/windows/setup) */
export interface ShutdownInfo {
  windows: {
    /** The dedicated account, "DOMAINE\\trousse-extinction". */
    account: string;
    /** The account exists and its GPO is linked and grants the right to shut down. */
    ready: boolean;
    /** The GUID of the GPO « Trousse - extinction a distance », null when not created yet. */
    gpo: string | null;
    /** French reason when not ready. */
    problem: string | null;
  };
  linux: {
    /** The account of the Linux PCs whose authorized_keys receives the line (settings.sshUser). */
    user?: string;
    publicKey: string;
    /** The line to add to that account's ~/.ssh/authorized_keys on each Linux PC. */
    authorizedKeysLine: string;
  };
}
