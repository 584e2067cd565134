/**
 * The inventory capability's shapes: items of the school's park, the facts gathered about them,
 * their ageing status, the ageing rules, purchase records and the report. The API and the report
 * return these; the console mirrors them in web-admin/src/inventory-types.ts.
 */

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
  /** e.g. "warranty.ended", "warranty.ending", "age.renew", "age.soon", "lamp.replace", "lamp.warn",
   * "filter.clean", "disk.full", "disk.high", "device.error", "device.warning", "stale", "age.unknown" */
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
  /** Lower-case aa:bb:cc:dd:ee:ff, physical interfaces only. */
  macs: string[];
  ips: string[];
  hostName: string | null;
  os: { name: string; version: string | null; arch: string | null } | null;
  cpu: { name: string; cores: number | null; threads: number | null; speedMhz: number | null; count: number } | null;
  memoryMb: number | null;
  disks: DiskFacts[];
  volumes: VolumeFacts[];
  softwareCount: number | null;
  /** YYYY-MM-DD: the BIOS date, a hint of the age when the purchase date is unknown. */
  biosDate: string | null;
  /** Projectors: hours per lamp and of the filter; the firmware. */
  lampHours: number[];
  filterHours: number | null;
  firmware: string | null;
  /** Printers (SNMP inventories): page counter. */
  pageCount: number | null;
  /** The agent that reported it last. */
  agent: { deviceId: string; version: string | null; protocol: 'json' | 'xml'; address: string | null; at: string } | null;
  lastUser: string | null;
}

/** Purchase and warranty (formats.md §2.5: GLPI Infocom), from the purchase records or a manual entry. */
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
  /** Effective purchase data: purchase records / manual entry first, then the devices registry. */
  purchase: PurchaseInfo;
  /** true when purchase.warrantyEnd is not known but assumed (purchase date + the rules' warranty years). */
  warrantyAssumed: boolean;
  /** Age in years from the purchase date (or the BIOS date, flagged), one decimal; null when unknown. */
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

/** Lamp thresholds of one projector model (matched case-insensitively as a substring of manufacturer + model). */
export interface LampRule {
  match: string;
  warnHours: number;
  replaceHours: number;
  filterHours?: number | null;
}

/** The ageing rules (product.md: warranty 4 years, renewal 5 years), stored in settings key `inventory`. */
export interface AgeingRules {
  /** Warranty assumed from the purchase date when the warranty end is unknown. */
  warrantyYears: number;
  renewalYears: number;
  /** "À surveiller" this many days before the warranty ends or the renewal age is reached. */
  warnDays: number;
  lampWarnHours: number;
  lampReplaceHours: number;
  filterCleanHours: number;
  lampRules: LampRule[];
  /** Fill of any volume, percent. */
  diskWarnPercent: number;
  diskFullPercent: number;
  /** An agent item not reported for this many days is "à surveiller". */
  staleDays: number;
}

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

/** What the ageing rules need from the devices capability: its open alerts for the item. */
export interface DeviceAlertFact {
  type: string;
  level: 'warning' | 'error';
  message: string;
}

/** One line of a purchase records CSV, once read. */
export interface PurchaseRecord {
  line: number;
  serial: string | null;
  name: string | null;
  mac: string | null;
  kind: ItemKind | null;
  manufacturer: string | null;
  model: string | null;
  room: string | null;
  purchase: PurchaseInfo;
}

export interface SummaryCounts {
  total: number;
  byStatus: Record<ItemStatus, number>;
}

/** The report (JSON, published schema: daemon/src/inventory/report.schema.json). */
export interface InventoryReport {
  schemaVersion: 1;
  generatedAt: string;
  school: { uai: string; name: string };
  rules: AgeingRules;
  summary: { total: number; byStatus: Record<ItemStatus, number>; byKind: Record<ItemKind, SummaryCounts> };
  items: ReportItem[];
}

export interface ReportItem {
  id: number;
  kind: ItemKind;
  name: string;
  room: string | null;
  sources: ItemSource[];
  manufacturer: string | null;
  model: string | null;
  serial: string | null;
  macs: string[];
  os: string | null;
  cpu: string | null;
  memoryMb: number | null;
  diskMb: number | null;
  softwareCount: number | null;
  lampHours: number | null;
  filterHours: number | null;
  purchaseDate: string | null;
  warrantyEnd: string | null;
  ageYears: number | null;
  ageEstimated: boolean;
  status: ItemStatus;
  reasons: StatusReason[];
  lastSeen: string;
}

export const emptyFacts = (): ItemFacts => ({
  manufacturer: null,
  model: null,
  serial: null,
  uuid: null,
  macs: [],
  ips: [],
  hostName: null,
  os: null,
  cpu: null,
  memoryMb: null,
  disks: [],
  volumes: [],
  softwareCount: null,
  biosDate: null,
  lampHours: [],
  filterHours: null,
  firmware: null,
  pageCount: null,
  agent: null,
  lastUser: null,
});

export const emptyPurchase = (): PurchaseInfo => ({ purchaseDate: null, warrantyEnd: null, supplier: '', orderNumber: '', invoice: '', value: null });
