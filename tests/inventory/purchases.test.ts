import t from 'tap';
import type { PurchaseRecord } from '../../daemon/src/inventory/model.ts';
import { MAX_PURCHASE_ROWS, purchaseCsvTemplate, readPurchaseCsv } from '../../daemon/src/inventory/purchases.ts';

const BOM = '\ufeff';
const csv = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

/** The one record of a file that must read without errors. */
function only(text: string): PurchaseRecord {
  const { records, errors } = readPurchaseCsv(text);
  if (errors.length > 0 || records.length !== 1) throw new Error(`expected one record, got ${JSON.stringify({ records, errors })}`);
  return records[0] as PurchaseRecord;
}

t.test('French headers, semicolons, BOM: every column read', async (t) => {
  const text =
    BOM +
    csv(
      'Numéro de série;Nom;Adresse MAC;Type;Fabricant;Modèle;Salle;Date d’achat;Fin de garantie;Durée de garantie (mois);Fournisseur;N° de commande;N° de facture;Montant (€)',
      'PF3ABC12;CDI-PC01;00-1A-2B-3C-4D-5E;Vidéoprojecteur;Epson;EB-X41;Salle 12;15/09/2023;14/09/2028;;UGAP;BC-2023-117;F2023-0456;1 234,50 €',
    );
  const { records, errors } = readPurchaseCsv(text);
  t.same(errors, []);
  t.same(records, [
    {
      line: 2,
      serial: 'PF3ABC12',
      name: 'CDI-PC01',
      mac: '00:1a:2b:3c:4d:5e',
      kind: 'projector',
      manufacturer: 'Epson',
      model: 'EB-X41',
      room: 'Salle 12',
      purchase: {
        purchaseDate: '2023-09-15',
        warrantyEnd: '2028-09-14',
        supplier: 'UGAP',
        orderNumber: 'BC-2023-117',
        invoice: 'F2023-0456',
        value: 1234.5,
      },
    },
  ]);
});

t.test('every date form, Excel day numbers included', async (t) => {
  const forms: [string, string][] = [
    ['12/03/2024', '2024-03-12'],
    ['2/3/2024', '2024-03-02'],
    ['2024-03-12', '2024-03-12'],
    ['12-03-2024', '2024-03-12'],
    ['12.03.2024', '2024-03-12'],
    ['29/02/2024', '2024-02-29'],
    ['45123', '2023-07-16'],
    ['45000', '2023-03-15'],
    ['45351', '2024-02-29'],
    ['45123,5', '2023-07-16'],
    ['12/03/2024 00:00', '2024-03-12'],
  ];
  for (const [typed, iso] of forms) {
    t.equal(only(csv('Nom;Date d’achat', `PC1;${typed}`)).purchase.purchaseDate, iso, typed);
  }
  t.equal(only(csv('Nom;Date d’achat', 'PC1;')).purchase.purchaseDate, null, 'empty');
});

t.test('impossible or unreadable dates are refused with the line number', async (t) => {
  const { records, errors } = readPurchaseCsv(
    csv('Nom;Date d’achat;Fin de garantie', 'PC1;31/02/2024;', 'PC2;29/02/2023;', 'PC3;mardi;', 'PC4;12/03/24;', 'PC5;;99999', 'PC6;01/01/2024;'),
  );
  t.same(
    records.map((r) => r.name),
    ['PC6'],
    'the valid line is still returned',
  );
  t.same(errors, [
    { line: 2, message: 'ligne 2 : Date d’achat : « 31/02/2024 » n’est pas une date valide.' },
    { line: 3, message: 'ligne 3 : Date d’achat : « 29/02/2023 » n’est pas une date valide.' },
    { line: 4, message: 'ligne 4 : Date d’achat : « mardi » n’est pas une date (JJ/MM/AAAA).' },
    { line: 5, message: 'ligne 5 : Date d’achat : « 12/03/24 » : l’année doit avoir quatre chiffres (JJ/MM/AAAA).' },
    { line: 6, message: 'ligne 6 : Fin de garantie : « 99999 » n’est pas une date valide.' },
  ]);
});

t.test('amounts', async (t) => {
  const forms: [string, number | null][] = [
    ['1 234,50 €', 1234.5],
    ['1\u00a0234,50\u00a0€', 1234.5],
    ['1\u202f234,5', 1234.5],
    ['1234.5', 1234.5],
    ['1.234,56', 1234.56],
    ['1,234.56', 1234.56],
    ['749', 749],
    ['749,00 EUR', 749],
    ['0,999', 1],
    ['', null],
  ];
  for (const [typed, value] of forms) {
    t.equal(only(csv('Nom;Montant (€)', `PC1;"${typed}"`)).purchase.value, value, typed);
  }
  const { records, errors } = readPurchaseCsv(csv('Nom;Valeur', 'PC1;douze', 'PC2;-5', 'PC3;12 000 000'));
  t.same(records, []);
  t.same(
    errors.map((e) => e.line),
    [2, 3, 4],
  );
  t.equal(errors[0]?.message, 'ligne 2 : Montant (€) : « douze » n’est pas un montant en euros (par exemple 1 234,50).');
});

t.test('usual aliases and a comma-separated file', async (t) => {
  const english = only(
    csv(
      'serial,name,mac,kind,manufacturer,model,room,purchase date,warranty end,supplier,order number,invoice,value',
      'SN-1,PC-12,001a2b3c4d5e,pc,Dell,OptiPlex 3000,B12,2022-09-01,2025-09-01,Dell,C42,F99,1234.5',
    ),
  );
  t.same(english, {
    line: 2,
    serial: 'SN-1',
    name: 'PC-12',
    mac: '00:1a:2b:3c:4d:5e',
    kind: 'pc',
    manufacturer: 'Dell',
    model: 'OptiPlex 3000',
    room: 'B12',
    purchase: { purchaseDate: '2022-09-01', warrantyEnd: '2025-09-01', supplier: 'Dell', orderNumber: 'C42', invoice: 'F99', value: 1234.5 },
  });

  const shortened = only(
    csv('N° série;NOM DE LA MACHINE;MAC;Date de facture;Garantie (mois);Marque;Valeur;Colonne inconnue', 'X1;Salle-info-3;;01/02/2021;36;HP;"1 000";peu importe'),
  );
  t.equal(shortened.serial, 'X1');
  t.equal(shortened.name, 'Salle-info-3');
  t.equal(shortened.mac, null);
  t.equal(shortened.manufacturer, 'HP');
  t.equal(shortened.purchase.purchaseDate, '2021-02-01');
  t.equal(shortened.purchase.warrantyEnd, '2024-02-01', '36 months after the purchase');
  t.equal(shortened.purchase.value, 1000);
  t.equal(shortened.kind, null, 'no Type column: kind unknown');

  t.equal(only(csv('sn;date d’achat', 'Z9;2020-01-01')).serial, 'Z9');
  t.equal(only(csv("Num. série\tDate d'achat", 'Z9\t2020-01-01')).purchase.purchaseDate, '2020-01-01', 'tab separator, straight apostrophe');
  t.equal(only(csv('Nom;Garantie;Date d’achat', 'PC;31/12/2026;01/01/2024')).purchase.warrantyEnd, '2026-12-31', '« Garantie » holding a date');
  t.equal(only(csv('Nom;Garantie;Date d’achat', 'PC;24;01/01/2024')).purchase.warrantyEnd, '2026-01-01', '« Garantie » holding months');
});

t.test('types: French labels or codes, optional', async (t) => {
  const { records, errors } = readPurchaseCsv(
    csv('Nom;Type', 'A;Vidéoprojecteur', 'B;tableau interactif', 'C;ÉCRAN INTERACTIF', 'D;server', 'E;Imprimante', 'F;', 'G;Grille-pain'),
  );
  t.same(
    records.map((r) => [r.name, r.kind]),
    [
      ['A', 'projector'],
      ['B', 'whiteboard'],
      ['C', 'display'],
      ['D', 'server'],
      ['E', 'printer'],
      ['F', null],
    ],
  );
  t.equal(errors.length, 1);
  t.equal(errors[0]?.line, 8);
  t.match(errors[0]?.message ?? '', /^ligne 8 : Type « Grille-pain » inconnu\. Types possibles : .*Vidéoprojecteur/);
});

t.test('each line needs a serial, a name or a MAC', async (t) => {
  const { records, errors } = readPurchaseCsv(
    BOM + csv('Numéro de série;Nom;Adresse MAC;Date d’achat', 'S1;;;01/01/2024', ';;;01/01/2024', ';;00:1a:2b:3c:4d:5f;01/01/2024', ';Nom seul;;'),
  );
  t.same(
    records.map((r) => r.line),
    [2, 4, 5],
  );
  t.same(errors, [{ line: 3, message: 'ligne 3 : il faut au moins un numéro de série, un nom ou une adresse MAC' }]);

  const both = readPurchaseCsv(csv('Nom;Date d’achat', '"";31/02/2024'));
  t.same(
    both.errors.map((e) => e.message),
    ['ligne 2 : il faut au moins un numéro de série, un nom ou une adresse MAC', 'ligne 2 : Date d’achat : « 31/02/2024 » n’est pas une date valide.'],
    'every problem of the line is told',
  );
});

t.test('MAC addresses normalised, bad ones refused', async (t) => {
  t.equal(only(csv('MAC', 'AA-BB-CC-DD-EE-F0')).mac, 'aa:bb:cc:dd:ee:f0');
  t.equal(only(csv('MAC', 'aabb.ccdd.eef0')).mac, 'aa:bb:cc:dd:ee:f0');
  const { errors } = readPurchaseCsv(csv('Nom;MAC', 'PC;zz:zz'));
  t.equal(errors.length, 1);
  t.match(errors[0]?.message ?? '', /^ligne 2 : Adresse MAC « zz:zz » non reconnue/);
});

t.test('warranty: months give the end; an end before the purchase is refused', async (t) => {
  t.equal(only(csv('Nom;Date d’achat;Durée de garantie (mois)', 'PC;15/09/2023;48')).purchase.warrantyEnd, '2027-09-15');
  t.equal(only(csv('Nom;Date d’achat;Durée de garantie (mois)', 'PC;31/01/2024;1')).purchase.warrantyEnd, '2024-02-29', 'month end kept');
  t.equal(only(csv('Nom;Date d’achat;Durée de garantie (mois)', 'PC;29/02/2024;12')).purchase.warrantyEnd, '2025-02-28', '29/02 + 12 months');
  t.equal(
    only(csv('Nom;Date d’achat;Fin de garantie;Durée de garantie (mois)', 'PC;15/09/2023;01/01/2030;48')).purchase.warrantyEnd,
    '2030-01-01',
    'a given end wins over the months',
  );
  t.equal(only(csv('Nom;Date d’achat;Durée de garantie (mois)', 'PC;15/09/2023;')).purchase.warrantyEnd, null, 'no end, no months: unknown');

  const { records, errors } = readPurchaseCsv(
    csv(
      'Nom;Date d’achat;Fin de garantie;Durée de garantie (mois)',
      'A;15/09/2023;14/09/2023;',
      'B;;;36',
      'C;15/09/2023;;quatre ans',
      'D;15/09/2023;15/09/2023;',
    ),
  );
  t.same(
    records.map((r) => r.name),
    ['D'],
    'an end on the purchase day is possible',
  );
  t.same(errors, [
    { line: 2, message: 'ligne 2 : la fin de garantie (14/09/2023) précède la date d’achat (15/09/2023).' },
    { line: 3, message: 'ligne 3 : durée de garantie (36 mois) sans date d’achat : impossible d’en déduire la fin de garantie.' },
    { line: 4, message: 'ligne 4 : Durée de garantie (mois) : « quatre ans » n’est pas un nombre de mois (de 0 à 240, par exemple 48 pour 4 ans).' },
  ]);
});

t.test('headers without an identifying column: one error at line 1', async (t) => {
  const { records, errors } = readPurchaseCsv(csv('Date d’achat;Fournisseur', '01/01/2024;UGAP', '02/01/2024;UGAP'));
  t.same(records, []);
  t.equal(errors.length, 1);
  t.equal(errors[0]?.line, 1);
  t.match(errors[0]?.message ?? '', /^ligne 1 : aucune colonne « Numéro de série », « Nom » ou « Adresse MAC » dans les en-têtes \(Date d’achat, Fournisseur\)\. En-têtes attendus : Numéro de série;Nom;Adresse MAC;/);
});

t.test('header only, empty file, malformed file', async (t) => {
  t.same(readPurchaseCsv(BOM + csv('Numéro de série;Nom;Date d’achat')), { records: [], errors: [] });
  t.same(readPurchaseCsv('Nom\n\n\n'), { records: [], errors: [] });
  const empty = readPurchaseCsv('');
  t.same(empty.records, []);
  t.equal(empty.errors.length, 1);
  t.match(empty.errors[0]?.message ?? '', /^ligne 1 : le fichier est vide/);
  t.same(readPurchaseCsv(csv('Nom;Salle', 'PC1;CDI', 'PC2;"CDI')), { records: [], errors: [{ line: 3, message: 'ligne 3 : guillemet ouvert et jamais fermé.' }] });
});

t.test('quoting, formula guards and blank lines', async (t) => {
  const { records, errors } = readPurchaseCsv(csv('Nom;Salle;Fournisseur', '"PC ; 1";"Salle ""B""";\'=SUPPLIER', '', ';;', 'PC2;;'));
  t.same(errors, []);
  t.same(
    records.map((r) => [r.line, r.name, r.room, r.purchase.supplier]),
    [
      [2, 'PC ; 1', 'Salle "B"', '=SUPPLIER'],
      [5, 'PC2', null, ''],
    ],
  );
});

t.test(`more than ${MAX_PURCHASE_ROWS} lines: one error, no record`, async (t) => {
  const lines = ['Nom'];
  for (let i = 0; i <= MAX_PURCHASE_ROWS; i++) lines.push(`PC${i}`);
  const { records, errors } = readPurchaseCsv(csv(...lines));
  t.same(records, []);
  t.equal(errors.length, 1);
  t.equal(errors[0]?.line, MAX_PURCHASE_ROWS + 2);
  t.match(errors[0]?.message ?? '', /^Plus de 10\u202f000 lignes/);
  t.equal(readPurchaseCsv(csv(...lines.slice(0, -1))).records.length, MAX_PURCHASE_ROWS, 'exactly the limit is fine');
});

t.test('the template: BOM, French headers, an example that reads back as nothing', async (t) => {
  const template = purchaseCsvTemplate();
  t.ok(template.startsWith(BOM), 'BOM');
  const lines = template.slice(1).split('\r\n');
  t.equal(
    lines[0],
    'Numéro de série;Nom;Adresse MAC;Type;Fabricant;Modèle;Salle;Date d’achat;Fin de garantie;Durée de garantie (mois);Fournisseur;N° de commande;N° de facture;Montant (€)',
  );
  t.equal(lines.length, 3, 'header, one example, final line end');
  t.same(readPurchaseCsv(template), { records: [], errors: [] });

  // the example line, once edited, is a record like any other
  const edited = template.replace('CDI-PC01', 'CDI-PC02');
  const record = only(edited);
  t.equal(record.name, 'CDI-PC02');
  t.equal(record.kind, 'pc');
  t.equal(record.purchase.purchaseDate, '2023-09-15');
  t.equal(record.purchase.warrantyEnd, '2027-09-15');
  t.equal(record.purchase.value, 749);
});
