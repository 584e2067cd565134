// Shared pieces of the Inventaire pages: API paths, console routes, French labels, status badges,
// dates (dd/mm/yyyy), sizes, and the loaders that turn a missing capability into a French message.
import { ApiError, api } from '../../api.ts';
import { h } from '../../dom.ts';
import { formatInteger } from '../../format.ts';
import { type Field, textField } from '../../widgets/fields.ts';
import {
  ITEM_KIND_LABELS,
  ITEM_SOURCE_LABELS,
  ITEM_STATUSES,
  ITEM_STATUS_LABELS,
  type InventoryItem,
  type InventorySummary,
  type ItemChange,
  type ItemStatus,
  type StatusReason,
} from '../../inventory-types.ts';

const INV = '/api/v1/inventory';

export const inventoryPaths = {
  items: `${INV}/items`,
  summary: `${INV}/summary`,
  item: (id: number) => `${INV}/items/${id}`,
  software: (id: number) => `${INV}/items/${id}/software`,
  rules: `${INV}/rules`,
  purchasesTemplate: `${INV}/purchases/template`,
  purchases: (apply: boolean) => `${INV}/purchases${apply ? '?apply=true' : ''}`,
  report: (format: 'json' | 'csv' | 'html', download = false) => `${INV}/report?format=${format}${download ? '&download=true' : ''}`,
  refreshLocal: `${INV}/refresh-local`,
  hub: '/api/v1/hub',
  hubSettings: '/api/v1/hub/settings',
  hubSecrets: '/api/v1/hub/secrets',
  hubTest: '/api/v1/hub/test',
  hubSendNow: '/api/v1/hub/send-now',
  hubRetry: '/api/v1/hub/outbox/retry',
  hubDiscard: (id: number) => `/api/v1/hub/outbox/${id}`,
};

/** Console routes (for ctx.navigate; prefix with "#" for an href). */
export const inventoryRoutes = {
  park: '/inventaire',
  item: (id: number) => `/inventaire/materiel/${id}`,
  rules: '/inventaire/regles',
  purchases: '/inventaire/achats',
  delivery: '/inventaire/remontee',
  /** The device's page in Salles et appareils. */
  device: (id: number) => `/salles/appareil/${id}`,
};

export function kindLabel(kind: string): string {
  return (ITEM_KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

export function sourceLabel(source: string): string {
  if (source === 'ageing') return 'Règles de vieillissement';
  if (source === 'admin') return 'Modification dans la console';
  return (ITEM_SOURCE_LABELS as Record<string, string>)[source] ?? source;
}

export function statusLabel(status: string): string {
  return (ITEM_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

export function statusRank(status: string): number {
  return ITEM_STATUSES.indexOf(status as ItemStatus);
}

export const STATUS_TONES: Record<ItemStatus, string> = {
  ok: 'success',
  to_watch: 'info',
  out_of_warranty: 'warning',
  to_renew: 'renew',
  failing: 'danger',
};

/** What each status means, in one sentence (summary cards, rules page). */
export const STATUS_HINTS: Record<ItemStatus, string> = {
  ok: 'rien à signaler',
  to_watch: 'une échéance approche',
  out_of_warranty: 'garantie terminée',
  to_renew: 'âge limite atteint',
  failing: 'panne, lampe usée, disque plein',
};

export function statusBadge(status: ItemStatus, testId = 'inventory-status'): HTMLElement {
  return h('span', { class: `badge badge-${STATUS_TONES[status] ?? 'neutral'}`, 'data-testid': testId, 'data-status': status }, statusLabel(status));
}

/** The reasons that move the status (not the `info` ones), worst first as the daemon sends them. */
export function statusReasons(item: Pick<InventoryItem, 'reasons'>): StatusReason[] {
  return (item.reasons ?? []).filter((r) => r.status !== 'info');
}

/** The reason shown in the list: the worst one, else an information (date d’achat inconnue). */
export function firstReason(item: Pick<InventoryItem, 'reasons'>): StatusReason | null {
  return statusReasons(item)[0] ?? item.reasons?.[0] ?? null;
}

// ---- dates and numbers ------------------------------------------------------------------------

/** "2026-11-23" (or an ISO date-time) → « 23/11/2026 »; « — » when unknown. */
export function formatDay(iso: string | null | undefined): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '—';
}

const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An instant in local time, « 23/11/2026 à 14:05 ». */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateTimeFormat.format(date).replace(' ', ' à ');
}

const oneDecimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

/** « 6,0 ans », « ≈ 10,8 ans » when estimated from the BIOS date; « — » when unknown. */
export function ageText(item: Pick<InventoryItem, 'ageYears' | 'ageEstimated'>): string {
  if (item.ageYears === null || item.ageYears === undefined) return '—';
  const years = `${oneDecimal.format(item.ageYears)}\u00a0${item.ageYears >= 2 ? 'ans' : 'an'}`;
  return item.ageEstimated ? `≈\u00a0${years}` : years;
}

export function formatEuros(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? euros.format(value) : '—';
}

/** Megabytes → « 512 Mo », « 7,6 Go », « 1,8 To ». */
export function formatMb(mb: number | null | undefined): string {
  if (typeof mb !== 'number' || !Number.isFinite(mb)) return '—';
  if (mb < 1024) return `${formatInteger(Math.round(mb))}\u00a0Mo`;
  const gb = mb / 1024;
  if (gb < 1024) return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(gb)}\u00a0Go`;
  return `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(gb / 1024)}\u00a0To`;
}

export function formatHours(hours: number | null | undefined): string {
  return typeof hours === 'number' && Number.isFinite(hours) ? `${formatInteger(hours)}\u00a0h` : '—';
}

/** Local date "YYYY-MM-DD" of today (for <input type="date"> bounds). */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// ---- history ----------------------------------------------------------------------------------

const FIELD_LABELS: Record<string, string> = {
  created: 'Ajout à l’inventaire',
  name: 'Nom',
  kind: 'Type',
  room: 'Salle',
  manufacturer: 'Fabricant',
  model: 'Modèle',
  serial: 'Numéro de série',
  macs: 'Adresses MAC',
  os: 'Système',
  cpu: 'Processeur',
  memoryMb: 'Mémoire',
  disks: 'Disques',
  softwareCount: 'Nombre de logiciels',
  status: 'État',
  purchaseDate: 'Date d’achat',
  warrantyEnd: 'Fin de garantie',
  device: 'Lien avec Salles et appareils',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** A history value as the administrator reads it (dates in French, kinds and memory spelled out). */
export function changeValue(change: Pick<ItemChange, 'field'>, value: string | null): string {
  if (value === null || value === '') return '—';
  if (change.field === 'purchaseDate' || change.field === 'warrantyEnd') return formatDay(value);
  if (change.field === 'kind') return kindLabel(value);
  if (change.field === 'memoryMb' && /^\d+$/.test(value)) return formatMb(Number(value));
  return value;
}

// ---- loading ----------------------------------------------------------------------------------

const NOT_AVAILABLE =
  'L’inventaire ne répond pas sur ce serveur : il n’est sans doute pas à jour. Demandez au technicien de mettre Trousse à jour.';

/** GET of the capability: a 404 on a list means a daemon without it. */
export async function getInventory<T>(path: string, signal?: AbortSignal): Promise<T> {
  try {
    return await api.get<T>(path, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code !== 'ITEM_NOT_FOUND') throw new ApiError(404, error.code, NOT_AVAILABLE);
    throw error;
  }
}

export async function fetchItems(signal?: AbortSignal): Promise<InventoryItem[]> {
  const answer = await getInventory<unknown>(inventoryPaths.items, signal);
  return Array.isArray(answer) ? (answer as InventoryItem[]) : [];
}

export async function fetchSummary(signal?: AbortSignal): Promise<InventorySummary> {
  const answer = await getInventory<InventorySummary>(inventoryPaths.summary, signal);
  return { total: answer?.total ?? 0, byStatus: answer?.byStatus ?? {} };
}

/** Worst status first, then by room and name. */
export function worstFirst(a: InventoryItem, b: InventoryItem): number {
  return (
    statusRank(b.status) - statusRank(a.status) ||
    (a.room ?? '\uffff').localeCompare(b.room ?? '\uffff', 'fr', { numeric: true }) ||
    a.name.localeCompare(b.name, 'fr', { numeric: true })
  );
}

/** The items whose status differs between two readings of the park, with their previous status. */
export function statusMoves(before: InventoryItem[], after: InventoryItem[]): { item: InventoryItem; was: ItemStatus }[] {
  const previous = new Map(before.map((i) => [i.id, i.status]));
  return after.flatMap((item) => {
    const was = previous.get(item.id);
    return was !== undefined && was !== item.status ? [{ item, was }] : [];
  });
}

/** The agents' address for this server: http://<host>/front/inventory.php. */
export function agentAddress(): string {
  const origin = location.protocol === 'http:' ? location.origin : `http://${location.hostname}`;
  return `${origin}/front/inventory.php`;
}

// ---- French date field -------------------------------------------------------------------------

/**
 * « jj/mm/aaaa » as typed (also j/m/aaaa, with - or . and the ISO form) → "YYYY-MM-DD"; '' when
 * empty, null when it is not a real date. A text field, not <input type="date">: the browser would
 * show its own language's order (mm/dd/yyyy in an English browser).
 */
export function parseFrenchDate(text: string): string | '' | null {
  const t = text.trim();
  if (!t) return '';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : fr ? [fr[3], fr[2], fr[1]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const value = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return date.toISOString().slice(0, 10) === value ? value : null;
}

export function frenchDateField(options: { label: string; name: string; value?: string | null; hint?: string; optional?: boolean; testId?: string }): Field<HTMLInputElement> & { read(): string | '' | null } {
  const field = textField({
    label: options.label,
    name: options.name,
    value: options.value ? formatDay(options.value) : '',
    hint: options.hint,
    optional: options.optional,
    placeholder: 'jj/mm/aaaa',
    maxlength: 10,
    spellcheck: false,
    testId: options.testId,
  });
  field.control.inputMode = 'numeric';
  field.control.classList.add('inventory-date');
  return { ...field, read: () => parseFrenchDate(field.control.value) };
}
