import { csvFile, parseCsvText } from '../core/csv.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import { date, InvalidField, kind as parseKind, mac as parseMac, plain, text as cleanText } from '../devices/validate.ts';
import { addMonths } from './ageing.ts';
import { type ItemKind, type PurchaseRecord, emptyPurchase } from './model.ts';

/**
 * The purchase records as a spreadsheet (CSV): one line per item bought, identified by its serial
 * number, its name or its MAC address, with its purchase date, warranty and invoice. French
 * headers; usual English or shortened headers are recognised too (accents, case and punctuation
 * do not matter). Pure functions.
 */

export const MAX_PURCHASE_ROWS = 10000;

type Column =
  | 'serial'
  | 'name'
  | 'mac'
  | 'kind'
  | 'manufacturer'
  | 'model'
  | 'room'
  | 'purchaseDate'
  | 'warrantyEnd'
  | 'warrantyMonths'
  /** "Garantie" alone: a number of months or an end date, told apart by the value. */
  | 'warranty'
  | 'supplier'
  | 'orderNumber'
  | 'invoice'
  | 'value';

const HEADER: [Column, string][] = [
  ['serial', 'Numéro de série'],
  ['name', 'Nom'],
  ['mac', 'Adresse MAC'],
  ['kind', 'Type'],
  ['manufacturer', 'Fabricant'],
  ['model', 'Modèle'],
  ['room', 'Salle'],
  ['purchaseDate', 'Date d’achat'],
  ['warrantyEnd', 'Fin de garantie'],
  ['warrantyMonths', 'Durée de garantie (mois)'],
  ['supplier', 'Fournisseur'],
  ['orderNumber', 'N° de commande'],
  ['invoice', 'N° de facture'],
  ['value', 'Montant (€)'],
];

const LABELS = Object.fromEntries(HEADER) as Record<Column, string>;
LABELS.warranty = 'Garantie';

/** Header names, as `plain()` spells them ("N° de série" → "n de serie"). */
const ALIASES: Record<string, Column> = {
  'numero de serie': 'serial', 'numero serie': 'serial', 'n de serie': 'serial', 'n serie': 'serial', 'no de serie': 'serial',
  'no serie': 'serial', 'num serie': 'serial', 'num de serie': 'serial', serie: 'serial', serial: 'serial', 'serial number': 'serial',
  'serial no': 'serial', sn: 'serial', 's n': 'serial',
  nom: 'name', name: 'name', 'nom de la machine': 'name', 'nom machine': 'name', machine: 'name', 'nom de l appareil': 'name',
  appareil: 'name', 'nom du poste': 'name', poste: 'name', hostname: 'name', 'nom d hote': 'name', 'nom reseau': 'name',
  'adresse mac': 'mac', mac: 'mac', 'mac address': 'mac', 'adresse physique': 'mac',
  type: 'kind', kind: 'kind', categorie: 'kind', 'type de materiel': 'kind', 'type d appareil': 'kind',
  fabricant: 'manufacturer', marque: 'manufacturer', constructeur: 'manufacturer', manufacturer: 'manufacturer', brand: 'manufacturer',
  modele: 'model', model: 'model',
  salle: 'room', room: 'room', local: 'room', emplacement: 'room', lieu: 'room',
  'date d achat': 'purchaseDate', 'date achat': 'purchaseDate', achat: 'purchaseDate', 'date de facture': 'purchaseDate',
  'date facture': 'purchaseDate', 'date de facturation': 'purchaseDate', 'purchase date': 'purchaseDate', 'buy date': 'purchaseDate',
  'fin de garantie': 'warrantyEnd', 'fin garantie': 'warrantyEnd', 'date de fin de garantie': 'warrantyEnd', 'date fin garantie': 'warrantyEnd',
  'garantie jusqu au': 'warrantyEnd', 'warranty end': 'warrantyEnd', 'end of warranty': 'warrantyEnd',
  'duree de garantie mois': 'warrantyMonths', 'duree de garantie': 'warrantyMonths', 'duree garantie': 'warrantyMonths',
  'duree garantie mois': 'warrantyMonths', 'garantie mois': 'warrantyMonths', 'garantie en mois': 'warrantyMonths',
  'warranty months': 'warrantyMonths', 'warranty duration': 'warrantyMonths', 'warranty duration months': 'warrantyMonths',
  garantie: 'warranty', warranty: 'warranty',
  fournisseur: 'supplier', supplier: 'supplier', vendeur: 'supplier', revendeur: 'supplier', titulaire: 'supplier',
  'n de commande': 'orderNumber', 'no de commande': 'orderNumber', 'numero de commande': 'orderNumber', 'n commande': 'orderNumber',
  commande: 'orderNumber', 'bon de commande': 'orderNumber', 'order number': 'orderNumber', order: 'orderNumber',
  'n de facture': 'invoice', 'no de facture': 'invoice', 'numero de facture': 'invoice', 'n facture': 'invoice', facture: 'invoice',
  invoice: 'invoice', 'invoice number': 'invoice', bill: 'invoice',
  montant: 'value', 'montant eur': 'value', 'montant ttc': 'value', 'montant ht': 'value', valeur: 'value', 'valeur eur': 'value',
  prix: 'value', 'prix ttc': 'value', 'prix ht': 'value', 'prix d achat': 'value', cout: 'value', value: 'value', amount: 'value', price: 'value',
};

/** The template's example line: ignored when read back unchanged, so that a forgotten example does not become an item. */
const EXAMPLE: Record<Column, string> = {
  serial: 'PF3EXEMPLE',
  name: 'CDI-PC01',
  mac: '00:1a:2b:3c:4d:5e',
  kind: 'Ordinateur',
  manufacturer: 'Lenovo',
  model: 'ThinkCentre M70q',
  room: 'CDI',
  purchaseDate: '15/09/2023',
  warrantyEnd: '',
  warrantyMonths: '48',
  warranty: '',
  supplier: 'UGAP',
  orderNumber: 'BC-2023-117',
  invoice: 'F2023-0456',
  value: '749,00',
};

/** The header line and one example line (UTF-8 with BOM, `;`), for « Télécharger un modèle ». */
export function purchaseCsvTemplate(): string {
  return csvFile(
    HEADER.map(([, label]) => label),
    [HEADER.map(([col]) => EXAMPLE[col])],
  );
}

const MAX_TEXT = 200;
/** Excel's day numbers: 1900-01-01 is 1, with its fictitious 29/02/1900, so day 0 is 1899-12-30. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const MAX_VALUE = 10_000_000;

/** A date as typed or saved by spreadsheet software; null when empty. Throws InvalidField. */
function readDate(value: string, label: string): string | null {
  const s = value.replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '').trim();
  const serial = /^(\d{5})(?:[.,]\d+)?$/.exec(s);
  if (serial) {
    const iso = new Date(EXCEL_EPOCH + Number(serial[1]) * 86_400_000).toISOString().slice(0, 10);
    if (iso < '1980-01-01' || iso > '2100-12-31') throw new InvalidField(`${label} : « ${s} » n’est pas une date valide.`);
    return iso;
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(s)) throw new InvalidField(`${label} : « ${s} » : l’année doit avoir quatre chiffres (JJ/MM/AAAA).`);
  return date(s, label);
}

/** « 1 234,50 € », « 1234.5 », « 1.234,50 » → euros, to the cent; null when empty. Throws InvalidField. */
function readAmount(value: string): number | null {
  const raw = value.trim();
  let s = raw.replace(/€|\b(eur(os?)?|ttc|ht)\b/gi, '').replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    // both: the last one is the decimal separator, the other groups thousands
    s = lastComma > lastDot ? s.replaceAll('.', '').replace(',', '.') : s.replaceAll(',', '');
  } else if (lastComma >= 0) {
    s = s.split(',').length > 2 ? s.replaceAll(',', '') : s.replace(',', '.');
  } else if (lastDot >= 0 && s.split('.').length > 2) {
    s = s.replaceAll('.', '');
  }
  if (!/^\d+(\.\d+)?$/.test(s) || Number(s) >= MAX_VALUE) {
    throw new InvalidField(`${LABELS.value} : « ${raw} » n’est pas un montant en euros (par exemple 1 234,50).`);
  }
  return Math.round(Number(s) * 100) / 100;
}

/** Months of warranty: a whole number from 0 to 240; null when empty. Throws InvalidField. */
function readMonths(value: string, label: string): number | null {
  const s = value.trim();
  if (s === '') return null;
  const match = /^(\d{1,3})(?:[.,]0+)?(?:\s*mois)?$/i.exec(s);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!(n >= 0 && n <= 240)) throw new InvalidField(`${label} : « ${s} » n’est pas un nombre de mois (de 0 à 240, par exemple 48 pour 4 ans).`);
  return n;
}

const frDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/**
 * The records of a purchase CSV, and the errors of the lines that could not be read (line number
 * and French message). A line with an error gives no record; the others are still returned, and
 * the caller decides whether to import them. A template example line left unchanged is skipped.
 */
export function readPurchaseCsv(text: string): { records: PurchaseRecord[]; errors: { line: number; message: string }[] } {
  const records: PurchaseRecord[] = [];
  const errors: { line: number; message: string }[] = [];
  let parsed: ReturnType<typeof parseCsvText>;
  try {
    parsed = parseCsvText(text, {
      maxField: 2000,
      error: (kind, line) =>
        new AppError(
          'PURCHASES_CSV_MALFORMED',
          kind === 'unclosed' ? `ligne ${line} : guillemet ouvert et jamais fermé.` : `ligne ${line} : champ trop long (2 000 caractères au plus).`,
          400,
          { line },
        ),
    });
  } catch (err) {
    const line = err instanceof AppError && typeof err.details?.line === 'number' ? err.details.line : 1;
    errors.push({ line, message: err instanceof AppError ? err.message : `Fichier CSV illisible : ${errorMessage(err)}` });
    return { records, errors };
  }
  const expected = HEADER.map(([, label]) => label).join(';');
  if (!parsed) {
    errors.push({ line: 1, message: `ligne 1 : le fichier est vide. Il faut une ligne d’en-têtes (${expected}) puis une ligne par matériel.` });
    return { records, errors };
  }

  // the first column of each kind wins; unknown columns are ignored
  const index = new Map<Column, number>();
  parsed.header.forEach((h, i) => {
    const col = ALIASES[plain(h)];
    if (col && !index.has(col)) index.set(col, i);
  });
  if (!index.has('serial') && !index.has('name') && !index.has('mac')) {
    errors.push({
      line: 1,
      message: `ligne 1 : aucune colonne « Numéro de série », « Nom » ou « Adresse MAC » dans les en-têtes (${parsed.header.slice(0, 6).join(', ')}). En-têtes attendus : ${expected}. Partez du modèle à télécharger.`,
    });
    return { records, errors };
  }
  if (parsed.rows.length > MAX_PURCHASE_ROWS) {
    const first = parsed.rows[MAX_PURCHASE_ROWS];
    errors.push({
      line: first?.line ?? 1,
      message: `Plus de ${new Intl.NumberFormat('fr-FR').format(MAX_PURCHASE_ROWS)} lignes : découpez le fichier en plusieurs morceaux.`,
    });
    return { records, errors };
  }

  for (const { line, fields } of parsed.rows) {
    const values = new Map<Column, string>();
    for (const [col, i] of index) {
      let value = (fields[i] ?? '').trim();
      // a leading ' is added on export against spreadsheet formulas
      if (/^'[=+\-@]/.test(value)) value = value.slice(1);
      values.set(col, value);
    }
    if ([...values].every(([col, v]) => v === EXAMPLE[col]) && values.get('serial') === EXAMPLE.serial) continue;

    const lineErrors: string[] = [];
    const field = <T>(read: () => T, fallback: T): T => {
      try {
        return read();
      } catch (err) {
        if (!(err instanceof InvalidField)) throw err;
        lineErrors.push(err.message);
        return fallback;
      }
    };
    const get = (col: Column): string => values.get(col) ?? '';
    const str = (col: Column, max = MAX_TEXT): string | null => field(() => cleanText(get(col), LABELS[col], max) || null, null);

    const serial = str('serial', 100);
    const name = str('name');
    const mac = field(() => parseMac(get('mac')), null);
    const kind = field(() => (get('kind') === '' ? null : (parseKind(get('kind')) satisfies ItemKind)), null);
    const manufacturer = str('manufacturer');
    const model = str('model');
    const room = str('room');
    const purchaseDate = field(() => readDate(get('purchaseDate'), LABELS.purchaseDate), null);
    let warrantyEnd = field(() => readDate(get('warrantyEnd'), LABELS.warrantyEnd), null);
    let months = field(() => readMonths(get('warrantyMonths'), LABELS.warrantyMonths), null);
    const warranty = get('warranty');
    if (warranty !== '') {
      if (/^\d{1,3}([.,]0+)?(\s*mois)?$/i.test(warranty)) months ??= field(() => readMonths(warranty, LABELS.warranty), null);
      else warrantyEnd ??= field(() => readDate(warranty, LABELS.warranty), null);
    }
    const supplier = str('supplier') ?? '';
    const orderNumber = str('orderNumber', 100) ?? '';
    const invoice = str('invoice', 100) ?? '';
    const value = field(() => readAmount(get('value')), null);

    if (get('serial') === '' && get('name') === '' && get('mac') === '') {
      lineErrors.unshift('il faut au moins un numéro de série, un nom ou une adresse MAC');
    }
    if (warrantyEnd === null && months !== null) {
      if (purchaseDate) warrantyEnd = addMonths(purchaseDate, months);
      else if (lineErrors.length === 0) lineErrors.push(`durée de garantie (${months} mois) sans date d’achat : impossible d’en déduire la fin de garantie.`);
    }
    if (purchaseDate && warrantyEnd && warrantyEnd < purchaseDate) {
      lineErrors.push(`la fin de garantie (${frDate(warrantyEnd)}) précède la date d’achat (${frDate(purchaseDate)}).`);
    }
    if (lineErrors.length > 0) {
      for (const message of lineErrors) errors.push({ line, message: `ligne ${line} : ${message}` });
      continue;
    }
    records.push({
      line,
      serial,
      name,
      mac,
      kind,
      manufacturer,
      model,
      room,
      purchase: { ...emptyPurchase(), purchaseDate, warrantyEnd, supplier, orderNumber, invoice, value },
    });
  }
  return { records, errors };
}
