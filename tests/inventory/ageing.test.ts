import t from 'tap';
import { AppError } from '../../daemon/src/core/errors.ts';
import {
  type AgeingInput,
  addMonths,
  addYears,
  assess,
  lampThresholds,
  statusRank,
  validateRules,
  worse,
} from '../../daemon/src/inventory/ageing.ts';
import {
  type AgeingRules,
  DEFAULT_AGEING_RULES,
  type DeviceAlertFact,
  emptyFacts,
  emptyPurchase,
  type ItemFacts,
  type PurchaseInfo,
  type StatusReason,
  type VolumeFacts,
} from '../../daemon/src/inventory/model.ts';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Noon UTC of a day. */
const on = (day: string): Date => new Date(`${day}T12:00:00Z`);

function input(over: {
  kind?: AgeingInput['kind'];
  facts?: Partial<ItemFacts>;
  purchase?: Partial<PurchaseInfo>;
  deviceAlerts?: DeviceAlertFact[];
  lastSeen?: string;
  sources?: AgeingInput['sources'];
}): AgeingInput {
  return {
    kind: over.kind ?? 'pc',
    facts: { ...emptyFacts(), ...over.facts },
    purchase: { ...emptyPurchase(), ...over.purchase },
    deviceAlerts: over.deviceAlerts ?? [],
    lastSeen: over.lastSeen ?? '2025-06-01T08:00:00Z',
    sources: over.sources ?? ['manual'],
  };
}

const rules = (over: Partial<AgeingRules> = {}): AgeingRules => ({ ...DEFAULT_AGEING_RULES, ...over });

/** Messages with the narrow / no-break spaces of Intl written as plain spaces. */
const plainSpaces = (s: string): string => s.replace(/[\u202f\u00a0]/g, ' ');
const codes = (reasons: StatusReason[]): string[] => reasons.map((r) => r.code);
const reason = (reasons: StatusReason[], code: string): StatusReason | undefined => reasons.find((r) => r.code === code);
const messageOf = (reasons: StatusReason[], code: string): string => plainSpaces(reason(reasons, code)?.message ?? `(no ${code})`);

/** A warranty far away, so that only the rule under test speaks. */
const farWarranty = { warrantyEnd: '2099-01-01' };

function rulesError(value: unknown): AppError {
  try {
    validateRules(value);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('no error thrown');
}

// ---------------------------------------------------------------------------------------------
// Statuses

t.test('statuses are ranked from ok to failing; worse() keeps the worst', async (t) => {
  t.same(
    ['ok', 'to_watch', 'out_of_warranty', 'to_renew', 'failing'].map((s) => statusRank(s as never)),
    [0, 1, 2, 3, 4],
  );
  t.equal(worse('ok', 'to_watch'), 'to_watch');
  t.equal(worse('failing', 'to_renew'), 'failing');
  t.equal(worse('out_of_warranty', 'to_renew'), 'to_renew');
  t.equal(worse('to_watch', 'to_watch'), 'to_watch');
});

t.test('calendar arithmetic in UTC days, leap years included', async (t) => {
  t.equal(addYears('2020-02-29', 5), '2025-02-28', '29/02 + 5 years → 28/02');
  t.equal(addYears('2020-02-29', 4), '2024-02-29', 'leap to leap keeps 29/02');
  t.equal(addYears('2096-02-29', 4), '2100-02-28', '2100 is not a leap year');
  t.equal(addYears('2021-03-12', 4), '2025-03-12');
  t.equal(addMonths('2024-01-31', 1), '2024-02-29');
  t.equal(addMonths('2023-01-31', 1), '2023-02-28');
  t.equal(addMonths('2023-09-15', 48), '2027-09-15');
  t.equal(addMonths('2023-11-30', 3), '2024-02-29');
});

// ---------------------------------------------------------------------------------------------
// Age and renewal

t.test('renewal: exactly 5 years → à renouveler; the day before → à surveiller', async (t) => {
  const item = input({ purchase: { purchaseDate: '2020-03-10', ...farWarranty } });

  const at = assess(item, rules(), on('2025-03-10'));
  t.equal(at.status, 'to_renew');
  t.same(codes(at.reasons), ['age.renew']);
  t.equal(at.ageYears, 5);
  t.equal(at.ageEstimated, false);
  t.equal(messageOf(at.reasons, 'age.renew'), 'Acheté il y a 5,0 ans : renouvellement prévu après 5 ans.');

  const before = assess(item, rules(), on('2025-03-09'));
  t.equal(before.status, 'to_watch');
  t.same(codes(before.reasons), ['age.soon']);
  t.equal(before.ageYears, 4.9, 'rounded down: never 5,0 before the fifth anniversary');
  t.equal(messageOf(before.reasons, 'age.soon'), 'Renouvellement prévu le 10/03/2025, demain (5 ans après l’achat du 10/03/2020).');

  const later = assess(item, rules(), on('2025-05-26'));
  t.equal(later.ageYears, 5.2);
  t.equal(messageOf(later.reasons, 'age.renew'), 'Acheté il y a 5,2 ans : renouvellement prévu après 5 ans.');
});

t.test('renewal warning starts exactly warnDays before', async (t) => {
  const item = input({ purchase: { purchaseDate: '2020-03-10', ...farWarranty } });
  // 2025-03-10 minus 90 days = 2024-12-10
  const edge = assess(item, rules(), on('2024-12-10'));
  t.same(codes(edge.reasons), ['age.soon']);
  t.match(messageOf(edge.reasons, 'age.soon'), /dans 90 jours/);
  const outside = assess(item, rules(), on('2024-12-09'));
  t.same(outside.reasons, []);
  t.equal(outside.status, 'ok');
  const noNotice = assess(item, rules({ warnDays: 0 }), on('2025-03-09'));
  t.equal(noNotice.status, 'ok', 'warnDays 0: nothing before the day itself');
});

t.test('a purchase on 29/02 is renewed on 28/02 five years later', async (t) => {
  const item = input({ purchase: { purchaseDate: '2020-02-29', ...farWarranty } });
  t.equal(assess(item, rules(), on('2025-02-28')).status, 'to_renew');
  t.equal(assess(item, rules(), on('2025-02-28')).ageYears, 5);
  t.equal(assess(item, rules(), on('2025-02-27')).status, 'to_watch');
  const oneYear = assess(input({ purchase: { purchaseDate: '2024-02-29' } }), rules({ warrantyYears: 1 }), on('2025-03-01'));
  t.equal(oneYear.warrantyEnd, '2025-02-28', 'assumed warranty of 1 year from 29/02 ends on 28/02');
  t.equal(oneYear.status, 'out_of_warranty');
});

t.test('unknown age: an info reason, status unchanged', async (t) => {
  for (const kind of ['pc', 'projector', 'other'] as const) {
    const a = assess(input({ kind }), rules(), on('2025-06-01'));
    t.equal(a.status, 'ok', kind);
    t.equal(a.ageYears, null);
    t.equal(a.warrantyEnd, null);
    t.same(a.reasons, [{ code: 'age.unknown', status: 'info', message: 'Date d’achat inconnue : importez le registre des achats.' }]);
  }
});

t.test('age estimated from the BIOS date: renewal yes, warranty never', async (t) => {
  const old = assess(input({ facts: { biosDate: '2015-01-20' } }), rules(), on('2025-06-01'));
  t.equal(old.ageEstimated, true);
  t.equal(old.ageYears, 10.3);
  t.equal(old.warrantyEnd, null);
  t.equal(old.status, 'to_renew');
  t.same(codes(old.reasons), ['age.renew', 'age.estimated']);
  t.match(messageOf(old.reasons, 'age.renew'), /estimé d’après la date du BIOS/);
  t.notOk(
    old.reasons.some((r) => r.code.startsWith('warranty.') || r.status === 'out_of_warranty'),
    'no warranty reason from an estimated age',
  );
  t.equal(reason(old.reasons, 'age.estimated')?.status, 'info');

  const young = assess(input({ facts: { biosDate: '2023-01-20' } }), rules(), on('2025-06-01'));
  t.equal(young.status, 'ok');
  t.same(codes(young.reasons), ['age.estimated']);

  const purchaseWins = assess(input({ facts: { biosDate: '2010-01-01' }, purchase: { purchaseDate: '2024-01-01' } }), rules(), on('2025-06-01'));
  t.equal(purchaseWins.ageEstimated, false);
  t.equal(purchaseWins.ageYears, 1.4);
  t.equal(purchaseWins.status, 'ok');
  t.same(purchaseWins.reasons, []);
});

// ---------------------------------------------------------------------------------------------
// Warranty

t.test('warranty given: ends today → à surveiller; ended yesterday → hors garantie', async (t) => {
  const item = input({ purchase: { purchaseDate: '2023-06-01', warrantyEnd: '2025-06-01' } });

  const today = assess(item, rules(), on('2025-06-01'));
  t.equal(today.status, 'to_watch');
  t.same(codes(today.reasons), ['warranty.ending']);
  t.equal(today.warrantyEnd, '2025-06-01', 'the given end wins over the assumed 4 years');
  t.equal(messageOf(today.reasons, 'warranty.ending'), 'Garantie jusqu’au 01/06/2025 : dernier jour aujourd’hui.');

  const after = assess(item, rules(), on('2025-06-02'));
  t.equal(after.status, 'out_of_warranty');
  t.same(codes(after.reasons), ['warranty.ended']);
  t.equal(messageOf(after.reasons, 'warranty.ended'), 'Garantie terminée le 01/06/2025.');

  t.same(codes(assess(item, rules(), on('2025-03-03')).reasons), ['warranty.ending'], '90 days before');
  t.match(messageOf(assess(item, rules(), on('2025-03-03')).reasons, 'warranty.ending'), /dans 90 jours/);
  t.same(assess(item, rules(), on('2025-03-02')).reasons, [], '91 days before');
});

t.test('warranty assumed from the purchase date when no end is given', async (t) => {
  const a = assess(input({ purchase: { purchaseDate: '2021-03-12' } }), rules(), on('2025-03-13'));
  t.equal(a.warrantyEnd, '2025-03-12');
  t.equal(a.status, 'out_of_warranty');
  t.equal(messageOf(a.reasons, 'warranty.ended'), 'Garantie terminée le 12/03/2025 (garantie supposée de 4 ans).');
  const three = assess(input({ purchase: { purchaseDate: '2021-03-12' } }), rules({ warrantyYears: 3 }), on('2025-03-13'));
  t.equal(three.warrantyEnd, '2024-03-12');
  const onlyEnd = assess(input({ purchase: { warrantyEnd: '2025-01-01' } }), rules(), on('2025-06-01'));
  t.equal(onlyEnd.status, 'out_of_warranty', 'a given end needs no purchase date');
  t.same(codes(onlyEnd.reasons), ['warranty.ended', 'age.unknown']);
});

// ---------------------------------------------------------------------------------------------
// Lamps and filters

t.test('lamp hours against the default thresholds, exactly at the boundaries', async (t) => {
  const at = (lampHours: number[], kind: AgeingInput['kind'] = 'projector') =>
    assess(input({ kind, facts: { lampHours }, purchase: { purchaseDate: '2024-01-01' } }), rules(), on('2025-01-01'));
  t.same(at([2499]).reasons, []);
  t.equal(at([2500]).status, 'to_watch');
  t.same(codes(at([2500]).reasons), ['lamp.warn']);
  t.equal(messageOf(at([2500]).reasons, 'lamp.warn'), 'Lampe : 2 500 h, bientôt en fin de vie (alerte à 2 500 h, remplacement à 3 000 h) : prévoyez-en une.');
  t.same(codes(at([2999]).reasons), ['lamp.warn']);
  t.equal(at([3000]).status, 'failing');
  t.same(codes(at([3000]).reasons), ['lamp.replace']);
  t.equal(messageOf(at([3120]).reasons, 'lamp.replace'), 'Lampe : 3 120 h (remplacement à 3 000 h).');
  t.equal(at([100, 3120]).status, 'failing', 'the most used lamp counts');
  t.equal(at([3120], 'whiteboard').status, 'failing');
  t.equal(at([3120], 'display').status, 'failing');
  t.equal(at([3120], 'pc').status, 'ok', 'no lamp rule for a PC');
  t.same(at([]).reasons, []);
});

t.test('filter hours', async (t) => {
  const at = (filterHours: number | null) =>
    assess(input({ kind: 'projector', facts: { filterHours }, purchase: { purchaseDate: '2024-01-01' } }), rules(), on('2025-01-01'));
  t.same(at(299).reasons, []);
  t.same(codes(at(300).reasons), ['filter.clean']);
  t.equal(at(300).status, 'to_watch');
  t.equal(messageOf(at(1250).reasons, 'filter.clean'), 'Filtre : 1 250 h depuis le dernier nettoyage (à nettoyer toutes les 300 h).');
  t.same(at(null).reasons, []);
});

t.test('a per-model lamp rule is chosen over the defaults (first match, case-insensitive)', async (t) => {
  const r = rules({
    lampRules: [
      { match: 'Epson EB-X41', warnHours: 5000, replaceHours: 6000, filterHours: 1000 },
      { match: 'eb-x', warnHours: 100, replaceHours: 200 },
    ],
  });
  t.same(lampThresholds(r, 'EPSON', 'eb-x41'), { warnHours: 5000, replaceHours: 6000, filterHours: 1000 });
  t.same(lampThresholds(r, 'Epson', 'EB-X05'), { warnHours: 100, replaceHours: 200, filterHours: 300 }, 'no filterHours → default');
  t.same(lampThresholds(r, 'Panasonic', 'PT-TW230'), { warnHours: 2500, replaceHours: 3000, filterHours: 300 });
  t.same(lampThresholds(r, null, null), { warnHours: 2500, replaceHours: 3000, filterHours: 300 });

  const at = (lampHours: number, filterHours: number) =>
    assess(
      input({ kind: 'projector', facts: { manufacturer: 'Epson', model: 'EB-X41', lampHours: [lampHours], filterHours }, purchase: { purchaseDate: '2024-01-01' } }),
      r,
      on('2025-01-01'),
    );
  t.same(at(3500, 500).reasons, [], 'over the default thresholds, under the model’s');
  t.same(codes(at(5000, 500).reasons), ['lamp.warn']);
  t.same(codes(at(6000, 1000).reasons), ['lamp.replace', 'filter.clean']);
  t.equal(messageOf(at(6000, 1000).reasons, 'lamp.replace'), 'Lampe : 6 000 h (remplacement à 6 000 h).');
});

// ---------------------------------------------------------------------------------------------
// Device alerts

t.test('device alerts: errors fail, warnings watch, lamp and filter hours left to the item’s rules', async (t) => {
  const a = assess(
    input({
      kind: 'projector',
      purchase: { purchaseDate: '2024-01-01' },
      deviceAlerts: [
        { type: 'lamp.hours.1', level: 'error', message: 'Lampe : 3 500 h, à remplacer (seuil 3 000 h).' },
        { type: 'filter.hours', level: 'warning', message: 'Filtre : 400 h' },
        { type: 'lamp.hours', level: 'error', message: 'Lampe' },
        { type: 'unreachable', level: 'warning', message: 'Ne répond plus depuis le 01/01/2025 08:00.' },
      ],
    }),
    rules(),
    on('2025-01-01'),
  );
  t.equal(a.status, 'to_watch');
  t.same(a.reasons, [{ code: 'device.warning', status: 'to_watch', message: 'Ne répond plus depuis le 01/01/2025 08:00.' }]);

  const b = assess(
    input({ kind: 'projector', purchase: { purchaseDate: '2024-01-01' }, deviceAlerts: [{ type: 'error.fan', level: 'error', message: 'Ventilateur : panne signalée.' }] }),
    rules(),
    on('2025-01-01'),
  );
  t.equal(b.status, 'failing');
  t.same(b.reasons, [{ code: 'device.error', status: 'failing', message: 'Ventilateur : panne signalée.' }]);
});

// ---------------------------------------------------------------------------------------------
// Volumes

t.test('disk fill: 95 % is full, 94.9 % is high, 85 % is high, under is fine', async (t) => {
  const at = (...volumes: VolumeFacts[]) =>
    assess(input({ facts: { volumes }, purchase: { purchaseDate: '2024-01-01' } }), rules(), on('2025-01-01'));
  const vol = (freeMb: number | null, over: Partial<VolumeFacts> = {}): VolumeFacts => ({ mount: '/', filesystem: 'ext4', totalMb: 100_000, freeMb, ...over });

  const full = at(vol(5000));
  t.equal(full.status, 'failing');
  t.same(codes(full.reasons), ['disk.full']);
  t.match(messageOf(full.reasons, 'disk.full'), /^Disque \/ rempli à 95 % \(seuil 95 %\)/);

  const high = at(vol(5100));
  t.equal(high.status, 'to_watch');
  t.same(codes(high.reasons), ['disk.high']);
  t.match(messageOf(high.reasons, 'disk.high'), /^Disque \/ rempli à 94,9 % \(alerte à 85 %, plein à 95 %\)/);

  t.same(codes(at(vol(15_000)).reasons), ['disk.high'], 'exactly 85 %');
  t.same(at(vol(15_100)).reasons, [], '84.9 %');
  t.match(messageOf(at(vol(4000)).reasons, 'disk.full'), /^Disque \/ rempli à 96 % \(seuil 95 %\) : 3,9 Go libres\.$/);

  t.same(at(vol(0, { filesystem: 'tmpfs', mount: '/run' })).reasons, [], 'tmpfs ignored');
  t.same(at(vol(0, { filesystem: 'SquashFS', mount: '/snap/core' })).reasons, [], 'squashfs ignored, any case');
  t.same(at(vol(0, { filesystem: 'iso9660', mount: 'D:' })).reasons, [], 'a CD ignored');
  t.same(at(vol(0, { totalMb: 512, mount: '/boot/efi', filesystem: 'vfat' })).reasons, [], 'under 1 GB ignored');
  t.same(at(vol(null)).reasons, [], 'free space unknown');
  t.same(at(vol(0, { totalMb: 0 })).reasons, [], 'size unknown');

  const two = at(vol(1000, { mount: 'C:', filesystem: 'NTFS' }), vol(10_000, { mount: 'D:', filesystem: 'NTFS' }));
  t.same(codes(two.reasons), ['disk.full', 'disk.high'], 'one reason per volume');
  t.match(messageOf(two.reasons, 'disk.full'), /^Disque C: rempli à 99 %/);
  t.match(messageOf(two.reasons, 'disk.high'), /^Disque D: rempli à 90 %/);
});

// ---------------------------------------------------------------------------------------------
// Stale agents

t.test('an agent item not reported for staleDays is à surveiller', async (t) => {
  const now = new Date('2025-06-01T12:00:00Z');
  const at = (lastSeen: string, sources: AgeingInput['sources']) =>
    assess(input({ lastSeen, sources, purchase: { purchaseDate: '2024-01-01' } }), rules(), now);
  const stale = at('2025-05-02T12:00:00Z', ['agent', 'purchase']);
  t.equal(stale.status, 'to_watch');
  t.same(stale.reasons, [{ code: 'stale', status: 'to_watch', message: 'Pas d’inventaire reçu depuis 30 jours (agent arrêté ?).' }]);
  t.same(at('2025-05-02T12:00:01Z', ['agent']).reasons, [], 'one second under 30 days');
  t.same(at('2025-01-01T00:00:00Z', ['manual', 'pjlink']).reasons, [], 'no agent, no staleness');
  t.match(messageOf(at('2025-01-01T00:00:00Z', ['agent']).reasons, 'stale'), /depuis 151 jours/);
});

// ---------------------------------------------------------------------------------------------
// Combination

t.test('the worst reason gives the status; reasons sorted worst first, info last', async (t) => {
  const a = assess(
    input({
      kind: 'projector',
      facts: { lampHours: [2600], filterHours: 350, volumes: [{ mount: 'C:', filesystem: 'NTFS', totalMb: 200_000, freeMb: 20_000 }] },
      purchase: { purchaseDate: '2019-09-01' },
      deviceAlerts: [{ type: 'error.cover', level: 'error', message: 'Capot : panne signalée par l’appareil.' }],
      lastSeen: '2025-01-01T00:00:00Z',
      sources: ['agent', 'pjlink'],
    }),
    rules(),
    on('2025-06-01'),
  );
  t.equal(a.status, 'failing');
  t.same(codes(a.reasons), ['device.error', 'age.renew', 'warranty.ended', 'lamp.warn', 'filter.clean', 'disk.high', 'stale']);
  for (let i = 1; i < a.reasons.length; i++) {
    const prev = a.reasons[i - 1] as StatusReason;
    const cur = a.reasons[i] as StatusReason;
    t.ok(statusRank(prev.status as never) >= statusRank(cur.status as never), `${prev.code} before ${cur.code}`);
  }

  const withoutFailure = assess(
    input({ facts: { biosDate: '2018-01-01' }, purchase: { warrantyEnd: '2024-01-01' } }),
    rules(),
    on('2025-06-01'),
  );
  t.equal(withoutFailure.status, 'to_renew', 'to_renew beats out_of_warranty');
  t.same(codes(withoutFailure.reasons), ['age.renew', 'warranty.ended', 'age.estimated']);
});

// ---------------------------------------------------------------------------------------------
// validateRules

t.test('validateRules merges over the defaults', async (t) => {
  t.same(validateRules(undefined), DEFAULT_AGEING_RULES);
  t.same(validateRules({}), DEFAULT_AGEING_RULES);
  const r = validateRules({ warrantyYears: 3, lampRules: [{ match: '  EB-X41 ', warnHours: 4000, replaceHours: 5000 }] });
  t.same(r, { ...DEFAULT_AGEING_RULES, warrantyYears: 3, lampRules: [{ match: 'EB-X41', warnHours: 4000, replaceHours: 5000 }] });
  t.not(validateRules({}).lampRules, DEFAULT_AGEING_RULES.lampRules, 'the defaults’ list is not shared');
  t.same(
    validateRules({ warrantyYears: 20, renewalYears: 1, warnDays: 0, lampWarnHours: 3000, lampReplaceHours: 3000, diskWarnPercent: 99, diskFullPercent: 100, staleDays: 3650 }),
    { ...DEFAULT_AGEING_RULES, warrantyYears: 20, renewalYears: 1, warnDays: 0, lampWarnHours: 3000, lampReplaceHours: 3000, diskWarnPercent: 99, diskFullPercent: 100, staleDays: 3650 },
    'boundaries accepted',
  );
  t.same(validateRules({ lampRules: [{ match: 'x', warnHours: 1, replaceHours: 1, filterHours: null }] }).lampRules, [
    { match: 'x', warnHours: 1, replaceHours: 1, filterHours: null },
  ]);
});

t.test('validateRules refuses bad values with a French sentence naming the field', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ warrantyYears: 0 }, /^Durée de garantie supposée \(warrantyYears\) : un nombre entier de 1 à 20 ans est attendu, reçu 0\.$/],
    [{ warrantyYears: 21 }, /warrantyYears.*de 1 à 20/],
    [{ warrantyYears: 4.5 }, /warrantyYears.*reçu 4\.5/],
    [{ warrantyYears: '4' }, /warrantyYears.*reçu « 4 »/],
    [{ renewalYears: null }, /^Âge de renouvellement \(renewalYears\)/],
    [{ warnDays: -1 }, /warnDays.*de 0 à 730 jours/],
    [{ warnDays: 731 }, /warnDays/],
    [{ lampWarnHours: 0 }, /lampWarnHours.*de 1 à 100\u202f000 heures/],
    [{ lampReplaceHours: 100_001 }, /lampReplaceHours/],
    [{ filterCleanHours: Number.NaN }, /filterCleanHours/],
    [{ lampWarnHours: 3001 }, /^Heures de lampe avant alerte \(lampWarnHours\) : l’alerte \(3\u202f001 h\) doit venir avant le remplacement/],
    [{ diskWarnPercent: 95 }, /^Remplissage des disques avant alerte \(diskWarnPercent\) : 95 % doit être inférieur/],
    [{ diskFullPercent: 101 }, /diskFullPercent.*de 1 à 100 %/],
    [{ diskWarnPercent: 0 }, /diskWarnPercent/],
    [{ staleDays: 0 }, /staleDays.*de 1 à 3\u202f650 jours/],
    [{ stalleDays: 30 }, /^Règles de vieillissement : réglage inconnu « stalleDays »\.$/],
    [[], /un objet de réglages est attendu/],
    ['4', /un objet de réglages est attendu/],
    [{ lampRules: {} }, /^Règles de lampe par modèle \(lampRules\) : une liste est attendue\.$/],
    [{ lampRules: Array.from({ length: 101 }, (_, i) => ({ match: `m${i}`, warnHours: 1, replaceHours: 2 })) }, /lampRules.*100 au plus, reçu 101/],
    [{ lampRules: [{ match: '  ', warnHours: 1, replaceHours: 2 }] }, /^Règle de lampe n° 1 : le modèle visé \(match\) doit être un texte de 1 à 100 caractères/],
    [{ lampRules: [{ match: 'x'.repeat(101), warnHours: 1, replaceHours: 2 }] }, /Règle de lampe n° 1.*match/],
    [{ lampRules: [{ warnHours: 1, replaceHours: 2 }] }, /match/],
    [
      { lampRules: [{ match: 'a', warnHours: 1, replaceHours: 2 }, { match: 'EB-X41', warnHours: 5000, replaceHours: 4000 }] },
      /^Règle de lampe n° 2 \(« EB-X41 »\) : l’alerte \(5\u202f000 h\) doit venir avant le remplacement \(4\u202f000 h\)\.$/,
    ],
    [{ lampRules: [{ match: 'a', warnHours: 0, replaceHours: 2 }] }, /Règle de lampe n° 1 \(« a »\), heures avant alerte \(warnHours\)/],
    [{ lampRules: [{ match: 'a', warnHours: 1, replaceHours: 2, filterHours: 0 }] }, /filterHours/],
    [{ lampRules: [{ match: 'a', warnHours: 1, replaceHours: 2, lamp: 3 }] }, /^Règle de lampe n° 1 : réglage inconnu « lamp »/],
    [{ lampRules: ['EB-X41'] }, /^Règle de lampe n° 1 \(lampRules\) : un objet/],
  ];
  for (const [value, expected] of cases) {
    const err = rulesError(value);
    t.equal(err.code, 'RULES_INVALID', JSON.stringify(value)?.slice(0, 60));
    t.equal(err.statusCode, 400);
    t.match(err.message, expected, JSON.stringify(value)?.slice(0, 60));
  }
});
