import { AppError, errorMessage } from '../core/errors.ts';
import { csvFile, parseCsvText } from '../core/csv.ts';
import { DEVICE_KIND_LABELS, type Device, type DeviceInput } from './model.ts';
import { plain } from './validate.ts';

/**
 * The devices as a spreadsheet: the export's header is the import's, in French; the import also
 * recognises usual English or shortened headers. Pure functions.
 */

type Column = 'name' | 'kind' | 'room' | 'mac' | 'host' | 'manufacturer' | 'model' | 'serial' | 'purchaseDate' | 'warrantyEnd' | 'os' | 'notes';

const HEADER: [Column, string][] = [
  ['name', 'Nom'],
  ['kind', 'Type'],
  ['room', 'Salle'],
  ['mac', 'Adresse MAC'],
  ['host', 'Adresse IP ou nom'],
  ['manufacturer', 'Fabricant'],
  ['model', 'Modèle'],
  ['serial', 'Numéro de série'],
  ['purchaseDate', 'Date d’achat'],
  ['warrantyEnd', 'Fin de garantie'],
  ['os', 'Système'],
  ['notes', 'Notes'],
];

const ALIASES: Record<string, Column> = {
  nom: 'name', name: 'name', appareil: 'name', 'nom de l appareil': 'name',
  type: 'kind', kind: 'kind', categorie: 'kind',
  salle: 'room', room: 'room', local: 'room',
  'adresse mac': 'mac', mac: 'mac',
  'adresse ip ou nom': 'host', 'adresse ip': 'host', ip: 'host', host: 'host', hote: 'host', 'nom reseau': 'host', hostname: 'host',
  fabricant: 'manufacturer', marque: 'manufacturer', manufacturer: 'manufacturer',
  modele: 'model', model: 'model',
  'numero de serie': 'serial', serie: 'serial', serial: 'serial', 'n de serie': 'serial', 'no de serie': 'serial',
  'date d achat': 'purchaseDate', achat: 'purchaseDate', 'purchase date': 'purchaseDate', 'date achat': 'purchaseDate',
  'fin de garantie': 'warrantyEnd', garantie: 'warrantyEnd', 'warranty end': 'warrantyEnd', 'fin garantie': 'warrantyEnd',
  systeme: 'os', os: 'os', 'systeme d exploitation': 'os',
  notes: 'notes', remarques: 'notes', commentaire: 'notes', commentaires: 'notes',
};

const frDate = (iso: string | null): string | null => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : null);

export function devicesCsv(devices: Device[]): string {
  return csvFile(
    HEADER.map(([, label]) => label),
    devices.map((d) => [
      d.name,
      DEVICE_KIND_LABELS[d.kind],
      d.room,
      d.mac,
      d.host,
      d.manufacturer,
      d.model,
      d.serial,
      frDate(d.purchaseDate),
      frDate(d.warrantyEnd),
      d.os === 'windows' ? 'Windows' : d.os === 'linux' ? 'Linux' : null,
      d.notes,
    ]),
  );
}

export const MAX_DEVICE_ROWS = 5000;

export interface CsvDeviceRow {
  line: number;
  input: DeviceInput;
}

/**
 * The rows of an import, each as a DeviceInput with only the columns present (an absent column
 * leaves that field as it is on update). Throws one French AppError for a file that cannot be read.
 */
export function readDevicesCsv(text: string): CsvDeviceRow[] {
  let parsed: ReturnType<typeof parseCsvText>;
  try {
    parsed = parseCsvText(text, {
      maxField: 2000,
      error: (kind, line) =>
        new AppError('DEVICES_CSV_MALFORMED', kind === 'unclosed' ? `Fichier CSV : guillemet ouvert ligne ${line} et jamais fermé.` : `Fichier CSV : champ trop long ligne ${line}.`),
    });
  } catch (err) {
    throw err instanceof AppError ? err : new AppError('DEVICES_CSV_MALFORMED', `Fichier CSV illisible : ${errorMessage(err)}`);
  }
  if (!parsed) throw new AppError('DEVICES_CSV_EMPTY', 'Le fichier est vide : il faut une ligne d’en-têtes (Nom;Type;Salle;…) puis une ligne par appareil.');
  const columns = parsed.header.map((h) => ALIASES[plain(h)] ?? null);
  if (!columns.includes('name') || !columns.includes('kind')) {
    throw new AppError(
      'DEVICES_CSV_HEADER',
      `Colonnes « Nom » et « Type » introuvables dans la première ligne (${parsed.header.slice(0, 6).join(', ')}). Partez de l’export de Trousse : ${HEADER.map(([, l]) => l).join(';')}.`,
    );
  }
  if (parsed.rows.length > MAX_DEVICE_ROWS) throw new AppError('DEVICES_CSV_TOO_LARGE', `Plus de ${MAX_DEVICE_ROWS} appareils : découpez le fichier.`);
  return parsed.rows.map(({ line, fields }) => {
    const input: Record<string, unknown> = {};
    columns.forEach((col, i) => {
      if (!col) return;
      let value: string = (fields[i] ?? '').trim();
      // a leading ' was added on export against spreadsheet formulas
      if (/^'[=+\-@]/.test(value)) value = value.slice(1);
      input[col] = value;
    });
    return { line, input: input as unknown as DeviceInput };
  });
}
