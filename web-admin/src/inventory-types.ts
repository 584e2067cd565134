// Shapes of /api/v1/inventory/* and /api/v1/hub (mirror of daemon/src/inventory/model.ts,
// daemon/src/inventory/service.ts, daemon/src/hub/settings.ts and daemon/src/core/outbox.ts).
// The console never imports daemon code.

export const ITEM_KINDS = ['server', 'pc', 'projector', 'whiteboard', 'display', 'printer', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const ITEM_KIND_LABELS: Record<ItemKind, string> = {
  server: 'Serveur',
  pc: 'Ordinateur',
  projector: 'Vidéoprojecteur',
  whiteboard: 'Tableau interactif',
  display: 'Écran interactif',
  printer: 'Imprimante',
  other: 'Autre',
};

/** Where a fact came from. */
export const ITEM_SOURCES = ['agent', 'system', 'pjlink', 'manual', 'purchase'] as const;
export type ItemSource = (typeof ITEM_SOURCES)[number];

export const ITEM_SOURCE_LABELS: Record<ItemSource, string> = {
  agent: 'Agent d’inventaire (GLPI / FusionInventory)',
  system: 'Serveur Trousse',
  pjlink: 'PJLink',
  manual: 'Saisie (salles et appareils)',
  purchase: 'Registre des achats',
};

/** Ageing statuses, from best to worst. An item's status is the worst of its reasons. */
export const ITEM_STATUSES = ['ok', 'to_watch', 'out_of_warranty', 'to_renew', 'failing'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  ok: 'OK',
  to_watch: 'À surveiller',
  out_of_warranty: 'Hors garantie',
  to_renew: 'À renouveler',
  failing: 'En panne',
};

/** One reason behind a status: a stable code and a French sentence. `info` reasons never change the status. */
export interface StatusReason {
  code: string;
  status: ItemStatus | 'info';
  message: string;
}

export interface DiskFacts {
  name: string;
  sizeMb: number | null;
}

export interface VolumeFacts {
  /** Mount point or drive letter. */
  mount: string;
  filesystem: string | null;
  totalMb: number;
  freeMb: number | null;
}

/** Everything known about an item, merged from its sources. Unknown stays null / empty. */
export interface ItemFacts {
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  uuid: string | null;
  macs: string[];
  ips: string[];
  hostName: string | null;
  os: { name: string; version: string | null; arch: string | null } | null;
  cpu: { name: string; cores: number | null; threads: number | null; speedMhz: number | null; count: number } | null;
  memoryMb: number | null;
  disks: DiskFacts[];
  volumes: VolumeFacts[];
  softwareCount: number | null;
  /** YYYY-MM-DD */
  biosDate: string | null;
  lampHours: number[];
  filterHours: number | null;
  firmware: string | null;
  pageCount: number | null;
  agent: { deviceId: string; version: string | null; protocol: 'json' | 'xml'; address: string | null; at: string } | null;
  lastUser: string | null;
}

export interface PurchaseInfo {
  /** YYYY-MM-DD */
  purchaseDate: string | null;
  /** YYYY-MM-DD */
  warrantyEnd: string | null;
  supplier: string;
  orderNumber: string;
  invoice: string;
  /** Euros, or null. */
  value: number | null;
}

export interface InventoryItem {
  id: number;
  kind: ItemKind;
  name: string;
  room: string | null;
  /** The matching entry of Salles et appareils, when there is one. */
  deviceId: number | null;
  sources: ItemSource[];
  facts: ItemFacts;
  purchase: PurchaseInfo;
  /** true when purchase.warrantyEnd is assumed (purchase date + the rules' warranty years). */
  warrantyAssumed: boolean;
  ageYears: number | null;
  ageEstimated: boolean;
  status: ItemStatus;
  reasons: StatusReason[];
  notes: string;
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
}

export interface ItemChange {
  id: number;
  itemId: number;
  at: string;
  source: ItemSource | 'ageing' | 'admin';
  field: string;
  before: string | null;
  after: string | null;
}

export interface ItemDetail {
  item: InventoryItem;
  changes: ItemChange[];
}

export interface InstalledSoftware {
  name: string;
  version: string | null;
  publisher: string | null;
}

export interface ItemPatch {
  name?: string;
  kind?: ItemKind;
  room?: string | null;
  notes?: string;
  purchase?: Partial<PurchaseInfo> | null;
}

export interface LampRule {
  match: string;
  warnHours: number;
  replaceHours: number;
  filterHours?: number | null;
}

export interface AgeingRules {
  warrantyYears: number;
  renewalYears: number;
  warnDays: number;
  lampWarnHours: number;
  lampReplaceHours: number;
  filterCleanHours: number;
  lampRules: LampRule[];
  diskWarnPercent: number;
  diskFullPercent: number;
  staleDays: number;
}

/** The product's defaults (daemon/src/inventory/model.ts, DEFAULT_AGEING_RULES). */
export const DEFAULT_AGEING_RULES: AgeingRules = {
  warrantyYears: 4,
  renewalYears: 5,
  warnDays: 90,
  lampWarnHours: 2500,
  lampReplaceHours: 3000,
  filterCleanHours: 300,
  lampRules: [],
  diskWarnPercent: 85,
  diskFullPercent: 95,
  staleDays: 30,
};

export interface InventorySummary {
  total: number;
  byStatus: Partial<Record<ItemStatus, number>>;
}

export interface PurchaseImportReport {
  dryRun: boolean;
  matched: number;
  created: number;
  unchanged: number;
  errors: { line: number; message: string }[];
  lines: { line: number; action: 'update' | 'create' | 'unchanged'; name: string }[];
}

// ---- delivery to the departmental hub and the département's GLPI (/api/v1/hub)

export interface HubSettings {
  /** Base URL of the hub; null: no delivery to the hub. */
  url: string | null;
  /** The département's GLPI; null: no relay. */
  glpiUrl: string | null;
  /** HH:MM (Europe/Paris). */
  dailyTime: string;
}

export interface HubSecretsView {
  hasToken: boolean;
  clientCertificate: { subject: string; validTo: string } | null;
  hasCa: boolean;
}

export interface HubSecretsInput {
  token?: string | null;
  cert?: string | null;
  key?: string | null;
  ca?: string | null;
}

export type OutboxTarget = 'hub' | 'glpi';

export interface OutboxView {
  id: number;
  target: OutboxTarget;
  kind: string;
  seq: number;
  label: string;
  state: 'queued' | 'rejected';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  bytes: number;
}

export interface TargetState {
  target: OutboxTarget;
  delivered: number;
  lastDeliveryAt: string | null;
  lastDelivery: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  dropped: number;
  queued: number;
  rejected: number;
  oldestAt: string | null;
}

export interface HubView {
  settings: HubSettings;
  secrets: HubSecretsView;
  targets: TargetState[];
  queue: OutboxView[];
}

export interface HubTestResult {
  ok: boolean;
  message: string;
}
