import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import t, { type Test } from 'tap';
import type { ImportedPerson, ParsedFile } from '../../daemon/src/imports/model.ts';
import { csvEncoding } from '../../daemon/src/imports/readers/decode.ts';
import { type ReadOptions, readImportFile } from '../../daemon/src/imports/readers/index.ts';
import { aafXml, siecleXml, stsXml } from './fixtures/builders.ts';
import { buildZip, deflatedRepeat, deflatedZeros } from './zip.ts';

const UAI = '0751234A';
const TODAY = '2026-09-20';

const dir = await mkdtemp(join(tmpdir(), 'trousse-readers-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `content` under `name` (in a directory of its own) and reads it. */
async function read(name: string, content: Buffer | string, opts: Partial<ReadOptions> = {}): Promise<ParsedFile[]> {
  const path = await put(name, content);
  return readImportFile(path, { name, expectedUai: UAI, today: TODAY, ...opts });
}

async function put(name: string, content: Buffer | string): Promise<string> {
  const sub = join(dir, String(++counter));
  await mkdir(sub);
  const path = join(sub, name);
  await writeFile(path, content);
  return path;
}

async function readOne(name: string, content: Buffer | string, opts: Partial<ReadOptions> = {}): Promise<ParsedFile> {
  const files = await read(name, content, opts);
  if (files.length !== 1 || !files[0]) throw new Error(`expected one file, got ${files.length}`);
  return files[0];
}

function byKey(f: ParsedFile, key: string): ImportedPerson {
  const p = f.persons.find((x) => x.key === key);
  if (!p) throw new Error(`no person ${key} in ${f.persons.map((x) => x.key).join(', ')}`);
  return p;
}

const latin9 = (s: string) => iconv.encode(s, 'iso-8859-15');

// ---- SIECLE ------------------------------------------------------------------------------------

const PUPILS = [
  { id: '1001', ine: '1234567890A', nom: 'LEFÈVRE', nomUsage: 'LEFÈVRE-DURAND', prenom: 'Anaïs', naissance: '03/04/2013', structures: [['6A', 'D'], ['LAT1', 'G'], ['ANG2', 'G']] as [string, 'D' | 'G'][] },
  { id: '1002', nom: 'FRANÇOIS', prenom: 'Cœur', naissance: '29/02/2012', structures: [['5B', 'D']] as [string, 'D' | 'G'][] },
  // left before the export date: no class needed
  { id: '1003', nom: 'PARTI', prenom: 'Noé', naissance: '01/01/2012', sortie: '10/09/2026' },
  // leaves after the export date: still a pupil
  { id: '1004', nom: 'BIENTÔT', prenom: 'Zoé', naissance: '02/02/2012', sortie: '30/09/2026', structures: [['5B', 'D']] as [string, 'D' | 'G'][] },
  // inactive: ignored
  { id: '1005', nom: 'INACTIF', prenom: 'Léo', naissance: '03/03/2012', structures: [['Inactifs', 'D']] as [string, 'D' | 'G'][] },
];

t.test('SIECLE in UTF-8: names, INE, classes, groups, leavers, Inactifs', async (t) => {
  const f = await readOne('ElevesSansAdresses.xml', siecleXml(PUPILS));
  t.equal(f.kind, 'siecle');
  t.equal(f.name, 'ElevesSansAdresses.xml');
  t.equal(f.uai, UAI);
  t.equal(f.year, '2026');
  t.equal(f.exportDate, '2026-09-15');
  t.equal(f.complete, true);
  t.same(f.classes, ['5B', '6A']);
  t.same(f.errors, []);
  t.same(f.ignored, [{ reason: 'élèves de la structure « Inactifs »', count: 1 }]);
  t.equal(f.persons.length, 4);
  const a = byKey(f, 'SIECLE:1001');
  t.match(a, {
    otherIds: ['INE:1234567890A'],
    profile: 'eleve',
    surname: 'LEFÈVRE-DURAND',
    givenName: 'Anaïs',
    birthDate: '2013-04-03',
    classe: '6A',
    groups: ['ANG2', 'LAT1'],
    teaches: [],
    staffFunction: null,
    left: false,
    leftOn: null,
    file: 'ElevesSansAdresses.xml',
  });
  t.match(a.where, /^élément ELEVE n° 1 \(ligne \d+\)$/);
  t.match(byKey(f, 'SIECLE:1002'), { surname: 'FRANÇOIS', givenName: 'Cœur', birthDate: '2012-02-29', classe: '5B', otherIds: [] });
  t.match(byKey(f, 'SIECLE:1003'), { left: true, leftOn: '2026-09-10', classe: null });
  t.match(byKey(f, 'SIECLE:1004'), { left: false, leftOn: null, classe: '5B' });
});

t.test('SIECLE in ISO-8859-15: œ is 0xBD, and é è ç ï', async (t) => {
  const xml = siecleXml(PUPILS, { encoding: 'ISO-8859-15' });
  const bytes = latin9(xml);
  t.ok(bytes.includes(Buffer.from([0x43, 0xbd, 0x75, 0x72])), 'the file really holds C\\xBDur');
  const f = await readOne('ElevesSansAdresses.xml', bytes);
  t.equal(byKey(f, 'SIECLE:1002').givenName, 'Cœur');
  t.equal(byKey(f, 'SIECLE:1002').surname, 'FRANÇOIS');
  t.equal(byKey(f, 'SIECLE:1001').surname, 'LEFÈVRE-DURAND');
  t.equal(byKey(f, 'SIECLE:1001').givenName, 'Anaïs');
});

t.test('SIECLE: ISO-8859-1 declared is read as windows-1252; text is NFC and whitespace collapsed', async (t) => {
  const xml = siecleXml([{ id: '1', nom: '  DE   LA\tFONTAINE ', prenom: 'Œdipe', naissance: '01/01/2013', structures: [['6A', 'D']] }], { encoding: 'ISO-8859-1' });
  const bytes = iconv.encode(xml, 'windows-1252');
  t.ok(bytes.includes(Buffer.from([0x3e, 0x8c, 0x64])), 'Œ is 0x8C in windows-1252');
  const f = await readOne('e.xml', bytes);
  t.equal(f.persons[0]?.surname, 'DE LA FONTAINE');
  t.equal(f.persons[0]?.givenName, 'Œdipe');
  const nfd = await readOne('nfd.xml', siecleXml([{ id: '1', nom: 'A', prenom: 'E\u0301lise', naissance: '01/01/2013', structures: [['6A', 'D']] }]));
  t.equal(nfd.persons[0]?.givenName, 'Élise');
  t.equal(nfd.persons[0]?.givenName.length, 5, 'composed');
});

t.test('SIECLE zipped (ExportXML_ElevesSansAdresses.zip), older NOM tag, HORODATAGE', async (t) => {
  const xml = siecleXml(
    [
      { id: '7', nom: 'ANCIEN', oldNom: true, prenom: 'Format', naissance: '05/05/2013', structures: [['4C', 'D']] },
      { id: '8', nom: 'AUTRE', oldNom: true, prenom: 'Élève', naissance: '06/05/2013', structures: [['4C', 'D']] },
    ],
    { encoding: 'ISO-8859-15', dateExport: null, horodatage: '14/09/2026 11:22:33' },
  );
  const zip = buildZip([{ name: 'ElevesSansAdresses.xml', data: latin9(xml) }]);
  const files = await read('ExportXML_ElevesSansAdresses.zip', zip);
  t.equal(files.length, 1);
  const f = files[0] as ParsedFile;
  t.equal(f.name, 'ExportXML_ElevesSansAdresses.zip › ElevesSansAdresses.xml');
  t.equal(f.exportDate, '2026-09-14');
  t.match(byKey(f, 'SIECLE:7'), { surname: 'ANCIEN', givenName: 'Format', classe: '4C', file: f.name });
  t.equal(byKey(f, 'SIECLE:8').givenName, 'Élève');
});

t.test('SIECLE without export date: today decides who has left', async (t) => {
  const xml = siecleXml([{ id: '1', nom: 'A', prenom: 'B', naissance: '01/01/2013', sortie: '19/09/2026' }, { id: '2', nom: 'C', prenom: 'D', naissance: '01/01/2013', sortie: '21/09/2026', structures: [['6A', 'D']] }], {
    dateExport: null,
  });
  const f = await readOne('e.xml', xml);
  t.equal(f.exportDate, TODAY);
  t.equal(byKey(f, 'SIECLE:1').left, true);
  t.equal(byKey(f, 'SIECLE:2').left, false);
});

t.test('SIECLE record errors: no class, duplicate id, missing names, bad and impossible dates', async (t) => {
  const xml = siecleXml([
    { id: '1', ine: '1111111111A', nom: 'BON', prenom: 'Élève', naissance: '01/01/2013', structures: [['6A', 'D']] },
    { id: '2', nom: 'SANS', prenom: 'Classe', naissance: '01/01/2013', structures: [['LAT', 'G']] },
    { id: '1', nom: 'DOUBLON', prenom: 'Id', naissance: '01/01/2013', structures: [['6A', 'D']] },
    { id: '4', nom: 'SANSPRENOM', naissance: '01/01/2013', structures: [['6A', 'D']] },
    { id: '5', prenom: 'Sans nom', naissance: '01/01/2013', structures: [['6A', 'D']] },
    { id: '6', nom: 'ISO', prenom: 'Date', naissance: '2013-01-01', structures: [['6A', 'D']] },
    { id: '7', nom: 'FÉVRIER', prenom: 'Trente et un', naissance: '31/02/2010', structures: [['6A', 'D']] },
    { id: '8', ine: '1111111111A', nom: 'MEME', prenom: 'Ine', naissance: '01/01/2013', structures: [['6A', 'D']] },
    { id: '9', nom: 'SANS', prenom: 'Date', structures: [['6A', 'D']] },
  ]);
  const f = await readOne('e.xml', xml);
  t.same(
    f.persons.map((p) => p.key),
    ['SIECLE:1', 'SIECLE:9'],
  );
  t.equal(byKey(f, 'SIECLE:9').birthDate, null, 'no date of birth is not an error');
  const err = (key: string) => f.errors.find((e) => e.key === key);
  t.match(err('SIECLE:2'), { file: 'e.xml', where: /^élément ELEVE n° 2 \(ligne \d+\)$/, message: /sans classe/ });
  const dup = f.errors.find((e) => /SIECLE:1 apparaît déjà/.test(e.message));
  t.ok(dup, 'the second SIECLE:1 is the error');
  t.match(dup?.where, /n° 3/);
  t.match(dup?.message, /élément ELEVE n° 1 \(ligne/);
  t.match(err('SIECLE:4')?.message, /le prénom manque/);
  t.match(err('SIECLE:5')?.message, /le nom manque/);
  t.match(err('SIECLE:6')?.message, /« 2013-01-01 » illisible.*jj\/mm\/aaaa/);
  t.match(err('SIECLE:7')?.message, /« 31\/02\/2010 » impossible/);
  t.match(err('SIECLE:8')?.message, /INE:1111111111A apparaît déjà/);
  t.equal(f.errors.length, 7);
});

t.test('SIECLE of another school is refused', async (t) => {
  await t.rejects(read('e.xml', siecleXml(PUPILS, { uai: '0123456X' })), {
    code: 'IMPORT_WRONG_SCHOOL',
    statusCode: 400,
    message: '« e.xml » : ce fichier est celui d’un autre établissement (UAI 0123456X) ; Trousse est configuré pour 0751234A. Vérifiez que vous avez exporté les données de votre établissement.',
  });
  const f = await readOne('e.xml', siecleXml(PUPILS, { uai: '0751234a' }));
  t.equal(f.uai, UAI, 'case does not matter');
});

t.test('SIECLE with only inactive pupils: IMPORT_EMPTY says why', async (t) => {
  await t.rejects(read('e.xml', siecleXml([PUPILS[4] as (typeof PUPILS)[number]])), { code: 'IMPORT_EMPTY', message: /Inactifs/ });
  await t.rejects(read('e.xml', siecleXml([])), { code: 'IMPORT_EMPTY' });
});

// ---- STS-Web -----------------------------------------------------------------------------------

async function checkSts(t: Test, f: ParsedFile) {
  t.equal(f.kind, 'sts');
  t.equal(f.uai, UAI);
  t.equal(f.exportDate, '2026-09-12');
  t.equal(f.year, '2026');
  t.same(f.classes, ['5A', '6A', '6B']);
  t.same(f.errors, []);
  t.match(byKey(f, 'STS:501'), {
    profile: 'enseignant',
    surname: 'GARÇON',
    givenName: 'Hélène',
    birthDate: '1980-05-17',
    teaches: ['5A', '6A', '6B'],
    subjects: ['ANGLAIS LV1', 'MATHEMATIQUES'],
    staffFunction: null,
  });
  t.match(byKey(f, 'STS:502'), { surname: 'NOËL', givenName: 'Loïc', birthDate: '1975-05-17', teaches: ['6A'], subjects: ['FRANÇAIS'] });
  t.match(byKey(f, 'STS:503'), { teaches: ['5A', '6B'], subjects: ['ANGLAIS LV1'], birthDate: null });
  t.match(byKey(f, 'STS:504'), { profile: 'enseignant', teaches: [] });
  t.match(byKey(f, 'STS:510'), { profile: 'personnel', staffFunction: 'direction' });
  t.match(byKey(f, 'STS:511'), { profile: 'personnel', staffFunction: 'vie-scolaire' });
  t.match(byKey(f, 'STS:512'), { profile: 'personnel', staffFunction: 'documentation' });
  t.match(byKey(f, 'STS:513'), { profile: 'personnel', staffFunction: 'autre' });
  t.equal(f.persons.length, 9);
  const warnings = f.warnings.map((w) => w.message);
  t.equal(warnings.filter((m) => /XYZ/.test(m)).length, 1, 'one warning per unknown code');
  t.match(warnings.find((m) => /XYZ/.test(m)), /2 personnes/);
  t.ok(
    f.warnings.some((w) => w.key === 'STS:504' && /enseignant sans classe/.test(w.message)),
    'teacher without class',
  );
  t.ok(
    warnings.some((m) => /n° 999 .*ne figure pas parmi les INDIVIDUS/.test(m)),
    'unknown teacher id in a service',
  );
}

t.test('STS-Web in UTF-8: teachers, divisions, services, groups, functions', async (t) => {
  await checkSts(t, await readOne('sts_emp_0751234A_2026.xml', stsXml()));
});

t.test('STS-Web with the UAI and year as text, NOMENCLATURES under DONNEES', async (t) => {
  await checkSts(t, await readOne('sts.xml', stsXml({ textLayout: true })));
});

t.test('STS-Web in ISO-8859-15', async (t) => {
  await checkSts(t, await readOne('sts_emp_0751234A_2026.xml', latin9(stsXml({ encoding: 'ISO-8859-15' }))));
});

t.test('STS-Web of another school is refused', async (t) => {
  await t.rejects(read('sts.xml', stsXml({ uai: '0999999Z' })), { code: 'IMPORT_WRONG_SCHOOL', message: /UAI 0999999Z/ });
  await t.rejects(read('sts.xml', stsXml({ uai: '0999999Z', textLayout: true })), { code: 'IMPORT_WRONG_SCHOOL', message: /UAI 0999999Z/ });
});

// ---- AAF ---------------------------------------------------------------------------------------

const AAF_ELEVES = aafXml(
  [
    {
      category: 'Eleve',
      id: '1234567',
      attrs: {
        ENTPersonJointure: '1234567',
        sn: 'BŒUF',
        givenName: 'Zoë',
        ENTPersonDateNaissance: '05/06/2013',
        ENTEleveClasses: '0751234A$6A',
        ENTEleveGroupes: ['0751234A$LAT1', '0751234A$ANG2'],
        ENTEleveINE: '123456789AB',
        ENTPersonAdresse: '1 rue de la Paix',
        ENTElevePersRelEleve: '123457$1$0$1$0$0',
      },
    },
    { category: 'Eleve', id: '1234568', attrs: { sn: 'Cœur', givenName: 'Ève', ENTPersonDateNaissance: '07/08/2013', ENTEleveClasses: '0751234A$5B' } },
    { category: 'Eleve', id: '1234569', attrs: { sn: 'Sans', givenName: 'Classe', ENTPersonDateNaissance: '07/08/2013' } },
  ],
  { encoding: 'ISO-8859-15' },
);

t.test('AAF Eleve (Complet, ISO-8859-15, DOCTYPE SYSTEM accepted)', async (t) => {
  const f = await readOne('ENT_0751234A_Complet_20260901_Eleve_0000.xml', latin9(AAF_ELEVES));
  t.equal(f.kind, 'aaf-eleve');
  t.equal(f.complete, true);
  t.equal(f.uai, null, 'a person file declares no UAI');
  t.same(f.classes, ['5B', '6A']);
  t.match(byKey(f, 'AAF:1234567'), { surname: 'BŒUF', givenName: 'Zoë', birthDate: '2013-06-05', classe: '6A', groups: ['ANG2', 'LAT1'], otherIds: ['INE:123456789AB'], profile: 'eleve' });
  t.match(byKey(f, 'AAF:1234568'), { surname: 'Cœur', givenName: 'Ève', classe: '5B' });
  t.equal(f.errors.length, 1);
  t.match(f.errors[0], { key: 'AAF:1234569', where: /^élément addRequest n° 3 \(ligne \d+\)$/, message: /sans classe/ });
});

t.test('AAF Eleve in UTF-8, without DOCTYPE', async (t) => {
  const f = await readOne('eleves.xml', aafXml([{ category: 'Eleve', id: '42', attrs: { sn: 'Ïle', givenName: 'Çà', ENTEleveClasses: '6A' } }], { doctype: false }));
  t.match(byKey(f, 'AAF:42'), { surname: 'Ïle', givenName: 'Çà', classe: '6A', birthDate: null });
});

t.test('AAF PersEducNat: teachers, functions, classes and subjects', async (t) => {
  const xml = aafXml([
    {
      category: 'PersEducNat',
      id: 'P1',
      attrs: {
        sn: 'Prof',
        givenName: 'Émile',
        ENTPersonDateNaissance: '01/02/1980',
        ENTPersonProfils: 'National_ENS',
        ENTPersonFonctions: '0751234A$ENS$ENSEIGNEMENT$L1300$MATHEMATIQUES',
        ENTAuxEnsClassesMatieres: ['0751234A$6A$MATHEMATIQUES', '0751234A$5B$SCIENCES'],
        ENTAuxEnsClasses: '0751234A$4C',
      },
    },
    { category: 'PersEducNat', id: 'P2', attrs: { sn: 'Cpe', givenName: 'Lou', ENTPersonFonctions: '0751234A$EDU$EDUCATION$$' } },
    { category: 'PersEducNat', id: 'P3', attrs: { sn: 'Chef', givenName: 'Ana', ENTPersonProfils: 'National_DIR' } },
    { category: 'PersEducNat', id: 'P4', attrs: { sn: 'Doc', givenName: 'Max', ENTPersonFonctions: '0751234A$DOC$DOCUMENTATION$$' } },
    { category: 'PersEducNat', id: 'P5', attrs: { sn: 'Autre', givenName: 'Al', ENTPersonFonctions: '0751234A$ZZZ$MYSTERE$$' } },
    { category: 'PersEducNat', id: 'P6', attrs: { sn: 'Nouveau', givenName: 'Prof', ENTPersonProfils: 'National_ENS' } },
    { category: 'Eleve', id: 'E1', attrs: { sn: 'Égaré', givenName: 'Élève', ENTEleveClasses: '6A' } },
  ]);
  const f = await readOne('ENT_Complet_PersEducNat_0000.xml', xml);
  t.equal(f.kind, 'aaf-perseducnat');
  t.match(byKey(f, 'AAF:P1'), { profile: 'enseignant', staffFunction: null, teaches: ['4C', '5B', '6A'], subjects: ['MATHEMATIQUES', 'SCIENCES'], birthDate: '1980-02-01' });
  t.match(byKey(f, 'AAF:P2'), { profile: 'personnel', staffFunction: 'vie-scolaire' });
  t.match(byKey(f, 'AAF:P3'), { profile: 'personnel', staffFunction: 'direction' });
  t.match(byKey(f, 'AAF:P4'), { profile: 'personnel', staffFunction: 'documentation' });
  t.match(byKey(f, 'AAF:P5'), { profile: 'personnel', staffFunction: 'autre' });
  t.match(byKey(f, 'AAF:P6'), { profile: 'enseignant', teaches: [] });
  t.same(f.classes, ['4C', '5B', '6A']);
  t.ok(f.warnings.some((w) => /ZZZ/.test(w.message)));
  t.ok(f.warnings.some((w) => w.key === 'AAF:P6' && /sans classe/.test(w.message)));
  t.same(f.ignored, [{ reason: 'enregistrements d’une autre catégorie (Eleve)', count: 1 }]);
});

t.test('AAF PersRelEleve: nobody, all ignored; EtabEducNat: the UAI', async (t) => {
  const rel = await readOne(
    'ENT_Complet_PersRelEleve_0000.xml',
    aafXml([
      { category: 'PersRelEleve', id: 'R1', attrs: { sn: 'Parent', givenName: 'Un' } },
      { category: 'PersRelEleve', id: 'R2', attrs: { sn: 'Parent', givenName: 'Deux' } },
    ]),
  );
  t.equal(rel.kind, 'aaf-persreleleve');
  t.same(rel.persons, []);
  t.same(rel.ignored, [{ reason: 'responsables : pas de compte local', count: 2 }]);

  const etab = (uai: string) =>
    aafXml([{ category: 'EtabEducNat', categoryAttr: 'categorieStructure', id: 'S1', attrs: { ENTStructureJointure: 'S1', ENTStructureUAI: uai, ENTStructureNomCourant: 'COLLEGE JEAN MOULIN' } }]);
  const f = await readOne('ENT_Complet_EtabEducNat_0000.xml', etab(UAI));
  t.equal(f.kind, 'aaf-etab');
  t.equal(f.uai, UAI);
  await t.rejects(read('ENT_Complet_EtabEducNat_0000.xml', etab('0999999Z')), { code: 'IMPORT_WRONG_SCHOOL', message: /UAI 0999999Z/ });

  const mat = await readOne('ENT_Complet_MatiereEducNat_0000.xml', aafXml([{ category: 'Matiere', categoryAttr: 'categorieMatiere', id: 'M1', attrs: { ENTLibelleMatiere: 'MATHS' } }]));
  t.equal(mat.kind, 'aaf-autre');
  t.same(mat.persons, []);
});

t.test('AAF Delta: deleteRequest (no names) and modifyRequest', async (t) => {
  const xml = aafXml([
    { op: 'deleteRequest', category: 'Eleve', id: '111' },
    { op: 'modifyRequest', category: 'Eleve', id: '222', attrs: { sn: 'Modifié', givenName: 'Élève', ENTEleveClasses: '0751234A$3A' } },
    { op: 'deleteRequest', category: 'Eleve', id: '333' },
  ]);
  const f = await readOne('ENT_0751234A_Delta_20260920_Eleve_0003.xml', xml);
  t.equal(f.complete, false);
  t.match(byKey(f, 'AAF:111'), { left: true, surname: '', givenName: '', classe: null, where: /élément deleteRequest n° 1/ });
  t.match(byKey(f, 'AAF:222'), { left: false, surname: 'Modifié', classe: '3A', where: /élément modifyRequest n° 1/ });
  t.match(byKey(f, 'AAF:333'), { where: /élément deleteRequest n° 2/ });
  t.same(f.errors, []);
  const empty = await readOne('ENT_Delta_Eleve_0004.xml', aafXml([]));
  t.equal(empty.persons.length, 0, 'an empty delta is fine');
});

t.test('AAF: a zip with several files', async (t) => {
  const zip = buildZip([
    { name: 'aaf/', store: true },
    { name: 'aaf/ENT_Complet_Eleve_0000.xml', data: latin9(AAF_ELEVES) },
    { name: 'aaf/ENT_Complet_PersRelEleve_0000.xml', data: aafXml([{ category: 'PersRelEleve', id: 'R1', attrs: { sn: 'P', givenName: 'Q' } }]) },
    { name: 'aaf/LISEZMOI.pdf', data: '%PDF-1.4 ...' },
    { name: '__MACOSX/aaf/._ENT_Complet_Eleve_0000.xml', data: Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]) },
  ]);
  const files = await read('aaf.zip', zip);
  t.same(
    files.map((f) => [f.name, f.kind]),
    [
      ['aaf.zip › aaf/ENT_Complet_Eleve_0000.xml', 'aaf-eleve'],
      ['aaf.zip › aaf/ENT_Complet_PersRelEleve_0000.xml', 'aaf-persreleleve'],
    ],
  );
});

// ---- CSV ---------------------------------------------------------------------------------------

t.test('CSV with ; in UTF-8 with BOM, CRLF', async (t) => {
  const csv = '\ufeffNom;Prénom;Date de naissance;Classe;INE\r\nDupont;Élodie;04/03/2013;6A;1234567890a\r\n\r\nMartin;Loïc;2013-12-31;6B;\r\n';
  const f = await readOne('eleves.csv', csv);
  t.equal(f.kind, 'csv');
  t.equal(f.uai, null);
  t.same(f.classes, ['6A', '6B']);
  t.same(f.errors, []);
  t.match(f.persons[0], { key: 'CSV:1234567890A', otherIds: ['INE:1234567890A'], surname: 'Dupont', givenName: 'Élodie', birthDate: '2013-03-04', classe: '6A', profile: 'eleve', where: 'ligne 2' });
  t.match(f.persons[1], { key: 'CSV:martin|loic|2013-12-31', otherIds: [], birthDate: '2013-12-31', where: 'ligne 4' });
  const again = await readOne('eleves.csv', csv);
  t.same(
    again.persons.map((p) => p.key),
    f.persons.map((p) => p.key),
    'stable keys on re-import',
  );
});

t.test('CSV with , quotes, "" escapes, a multiline field, profiles, functions, groups', async (t) => {
  const csv = [
    'identifiant,nom,prenom,classe,profil,fonction,groupes',
    'E1,"O""Neil","Jean',
    'Pierre",6B,élève,,"LAT1,ANG2"',
    'T1,Prof,Ada,"6A|5B",enseignant,,',
    'S1,Chef,Bob,,personnel,Direction,',
    'S2,Cpe,Cyd,,PERSONNEL,CPE,',
    'S3,Agent,Dan,,staff,jardinier,',
    'X1,Bizarre,Eve,6A,parent,,',
  ].join('\n');
  const f = await readOne('tous.csv', csv);
  t.match(byKey(f, 'CSV:E1'), { surname: 'O"Neil', givenName: 'Jean Pierre', classe: '6B', groups: ['ANG2', 'LAT1'], where: 'ligne 2' });
  t.match(byKey(f, 'CSV:T1'), { profile: 'enseignant', teaches: ['5B', '6A'], classe: null, where: 'ligne 4' });
  t.match(byKey(f, 'CSV:S1'), { profile: 'personnel', staffFunction: 'direction' });
  t.match(byKey(f, 'CSV:S2'), { staffFunction: 'vie-scolaire' });
  t.match(byKey(f, 'CSV:S3'), { staffFunction: 'autre' });
  t.ok(f.warnings.some((w) => w.key === 'CSV:S3' && /jardinier/.test(w.message)));
  t.match(f.errors, [{ key: 'CSV:X1', where: 'ligne 8', message: /profil « parent » inconnu/ }]);
});

t.test('CSV: windows-1252 or ISO-8859-15 chosen from the bytes', async (t) => {
  const iso = Buffer.concat([Buffer.from('Nom;Prénom;Classe\n', 'latin1'), Buffer.from('C\xBDur;Zo\xEB;6A\n\xBCuvre;L\xE9a;6B\n', 'latin1')]);
  t.equal(csvEncoding(iso, null), 'iso-8859-15');
  const fi = await readOne('iso.csv', iso);
  t.same(
    fi.persons.map((p) => [p.surname, p.givenName]),
    [
      ['Cœur', 'Zoë'],
      ['Œuvre', 'Léa'],
    ],
  );
  const cp = iconv.encode('Nom;Prénom;Classe\nCœur;Zoë;6A\nŒuvre;Léa;6B\n', 'windows-1252');
  t.equal(csvEncoding(cp, null), 'windows-1252');
  const fc = await readOne('cp.csv', cp);
  t.same(
    fc.persons.map((p) => p.surname),
    ['Cœur', 'Œuvre'],
  );
  const half = Buffer.from('Nom;Prénom;Classe;Note\nDurand;Léa;6A;1\xBD\n', 'latin1');
  t.equal(csvEncoding(half, null), 'windows-1252', '½ next to a digit is not œ');
  t.equal(csvEncoding(Buffer.from('Nom;Prénom\nLéa;Zoé\n', 'utf8'), null), 'utf-8');
});

t.test('CSV: tab separator, explicit mapping', async (t) => {
  const csv = 'Élève\tFamille\tDiv\tNé le\nAnna\tKarénine\t3C\t01/02/2011\n';
  const f = await readOne('export.txt', csv, { csvMapping: { Élève: 'givenName', Famille: 'surname', Div: 'classe', 'Né le': 'birthDate' } });
  t.match(f.persons[0], { givenName: 'Anna', surname: 'Karénine', classe: '3C', birthDate: '2011-02-01' });
  await t.rejects(read('export.txt', csv, { csvMapping: { Élève: 'givenName' } }), { code: 'IMPORT_CSV_HEADER', message: /nom, classe \(ou profil\)/ });
});

t.test('CSV record errors and header errors', async (t) => {
  const csv = ['nom;prénom;classe;date de naissance;id', 'A;B;6A;01/01/2013;1', ';C;6A;;2', 'D;;6A;;3', 'E;F;;;4', 'G;H;6A;2013/01/01;5', 'I;J;6A;31/02/2010;6', 'K;L;6A;;1'].join('\n');
  const f = await readOne('e.csv', csv);
  t.same(
    f.persons.map((p) => p.key),
    ['CSV:1'],
  );
  t.same(
    f.errors.map((e) => e.where),
    ['ligne 3', 'ligne 4', 'ligne 5', 'ligne 6', 'ligne 7', 'ligne 8'],
  );
  t.match(f.errors[2]?.message, /sans classe/);
  t.match(f.errors[3]?.message, /illisible/);
  t.match(f.errors[4]?.message, /impossible/);
  t.match(f.errors[5]?.message, /CSV:1 apparaît déjà plus haut \(ligne 2\)/);

  await t.rejects(read('e.csv', 'nom;classe\nA;6A\n'), { code: 'IMPORT_CSV_HEADER', message: /obligatoire absente : prénom\. En-têtes trouvés : « nom », « classe »/ });
  await t.rejects(read('e.csv', 'nom;prénom\nA;B\n'), { code: 'IMPORT_CSV_HEADER', message: /classe \(ou profil\)/ });
  await t.rejects(read('e.csv', 'a;b;c\n1;2;3\n'), { code: 'IMPORT_UNKNOWN_FORMAT', message: /aucun en-tête connu/ });
  await t.rejects(read('e.csv', 'nom;prénom;classe\n"A;B;6A\n'), { code: 'IMPORT_CSV_MALFORMED', message: /guillemet ouvert ligne 2/ });
  await t.rejects(read('e.csv', 'Juste du texte sans colonnes\n'), { code: 'IMPORT_UNKNOWN_FORMAT' });
  await t.rejects(read('e.csv', 'nom;prénom;classe\n'), { code: 'IMPORT_EMPTY' });
});

// ---- bad files ---------------------------------------------------------------------------------

t.test('malformed XML: line and column, and what to do', async (t) => {
  const xml = '<?xml version="1.0"?>\n<BEE_ELEVES>\n<PARAMETRES><UAJ>0751234A</UAJ></PARAMETRES>\n<DONNEES><ELEVES><ELEVE ELEVE_ID="1"><NOM>A</PRENOM></ELEVE></ELEVES></DONNEES></BEE_ELEVES>\n';
  await t.rejects(read('e.xml', xml), { code: 'IMPORT_XML_MALFORMED', message: /^« e\.xml » : XML mal formé ligne 4, colonne \d+ \(balise fermante inattendue : l’élément NOM n’est pas fermé par la bonne balise\)\. .*exportez-le de nouveau depuis SIECLE\.$/ });
});

t.test('truncated XML: says the line and that it may be truncated', async (t) => {
  const xml = siecleXml(Array.from({ length: 30 }, (_, i) => ({ id: String(i + 1), nom: 'N', prenom: 'P', naissance: '01/01/2013', structures: [['6A', 'D'] as [string, 'D']] })));
  const cut = xml.slice(0, xml.indexOf('<ELEVE ELEVE_ID="20"') + 60);
  await t.rejects(read('e.xml', cut), {
    code: 'IMPORT_XML_MALFORMED',
    message: /XML mal formé ligne \d+, colonne \d+ \(balise \w+ non fermée\)\. Le fichier est peut-être tronqué : exportez-le de nouveau depuis SIECLE\./,
  });
});

t.test('zip without an import file lists what it holds', async (t) => {
  const zip = buildZip([
    { name: 'lisezmoi.pdf', data: '%PDF-1.5 x' },
    { name: 'ResponsablesAvecAdresses.xml', data: '<?xml version="1.0"?><BEE_RESPONSABLES><PARAMETRES/></BEE_RESPONSABLES>' },
  ]);
  await t.rejects(read('export.zip', zip), { code: 'IMPORT_ZIP_EMPTY', message: /« lisezmoi\.pdf », « ResponsablesAvecAdresses\.xml ».*ElevesSansAdresses\.xml/ });
  await t.rejects(read('vide.zip', buildZip([])), { code: 'IMPORT_ZIP_EMPTY', message: /elle est vide/ });
  await t.rejects(read('classeur.xlsx', buildZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'xl/workbook.xml', data: '<workbook/>' }])), {
    code: 'IMPORT_UNKNOWN_FORMAT',
    message: /classeur Excel/,
  });
  const broken = buildZip([{ name: 'ElevesSansAdresses.xml', data: siecleXml(PUPILS) }]);
  await t.rejects(read('casse.zip', broken.subarray(0, broken.length - 30)), { code: 'IMPORT_ZIP_INVALID' });
});

t.test('unknown formats: PDF, binary, empty, whitespace, another XML root', async (t) => {
  await t.rejects(read('doc.pdf', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'), { code: 'IMPORT_UNKNOWN_FORMAT', message: /PDF.*Formats acceptés : SIECLE/ });
  let x = 12345;
  const random = Buffer.alloc(8192);
  for (let i = 0; i < random.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    random[i] = (x >> 16) & 0xff;
  }
  await t.rejects(read('photo.jpg', random), { code: 'IMPORT_UNKNOWN_FORMAT', message: /binaire/ });
  await t.rejects(read('vide.xml', ''), { code: 'IMPORT_UNKNOWN_FORMAT', message: /vide/ });
  await t.rejects(read('blanc.csv', '  \n\n '), { code: 'IMPORT_UNKNOWN_FORMAT', message: /vide/ });
  await t.rejects(read('resp.xml', '<?xml version="1.0"?><BEE_RESPONSABLES><X/></BEE_RESPONSABLES>'), { code: 'IMPORT_UNKNOWN_FORMAT', message: /« BEE_RESPONSABLES ».*ElevesSansAdresses\.xml/ });
  await t.rejects(read('html.xml', '<html><body>x</body></html>'), { code: 'IMPORT_UNKNOWN_FORMAT', message: /élément racine « html »/ });
  await t.rejects(readImportFile(join(dir, 'nope.xml'), { name: 'nope.xml', expectedUai: UAI }), { code: 'IMPORT_NOT_FOUND' });
});

t.test('a file over the size limit is refused before reading', async (t) => {
  const path = await put('gros.xml', '');
  await truncate(path, 65 * 1024 * 1024);
  await t.rejects(readImportFile(path, { name: 'gros.xml', expectedUai: UAI }), { code: 'IMPORT_TOO_LARGE', message: /65 Mo.*64 Mo/ });
});

t.test('entity bomb ("billion laughs") is refused', async (t) => {
  const lol = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const xml = `<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES [\n${lol.join('\n')}\n]>\n<BEE_ELEVES><PARAMETRES><UAJ>&lol9;</UAJ></PARAMETRES></BEE_ELEVES>\n`;
  await t.rejects(read('bombe.xml', xml), { code: 'IMPORT_XML_ENTITY', message: /DTD interne ou des entités/ });
});

t.test('external entity (XXE) is refused and its content never read', async (t) => {
  const xml = `<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ></PARAMETRES><DONNEES><ELEVES><ELEVE ELEVE_ID="1"><NOM>&xxe;</NOM><PRENOM>A</PRENOM></ELEVE></ELEVES></DONNEES></BEE_ELEVES>\n`;
  const err = await read('xxe.xml', xml).then(
    () => null,
    (e: Error & { code?: string }) => e,
  );
  t.equal(err?.code, 'IMPORT_XML_ENTITY');
  t.notMatch(err?.message ?? '', /root:/);
  // an external DTD alone is harmless (never loaded), but then an entity it would define is undefined
  const ext = `<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES SYSTEM "file:///etc/passwd">\n<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ></PARAMETRES></BEE_ELEVES>\n`;
  await t.rejects(read('xxe2.xml', ext), { code: 'IMPORT_XML_ENTITY', message: /entité non définie.*ligne 3/ });
  const ok = await readOne('ok.xml', siecleXml(PUPILS, { doctype: '<!DOCTYPE BEE_ELEVES SYSTEM "file:///etc/passwd">\n' }));
  t.equal(ok.persons.length, 4, 'DOCTYPE SYSTEM without internal subset is accepted');
  t.notMatch(JSON.stringify(ok), /root:/);
  const predefined = await readOne('amp.xml', siecleXml([{ id: '1', nom: 'A & B', prenom: 'C&#233;cile', naissance: '01/01/2013', structures: [['6A', 'D']] }]).replace('C&amp;#233;cile', 'C&#233;cile'));
  t.match(predefined.persons[0], { surname: 'A & B', givenName: 'Cécile' });
});

t.test('XML limits: depth and text length', async (t) => {
  const deep = `<BEE_ELEVES>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</BEE_ELEVES>`;
  await t.rejects(read('deep.xml', deep), { code: 'IMPORT_XML_LIMIT', message: /32 niveaux/ });
  const long = siecleXml([{ id: '1', nom: 'x'.repeat(5000), prenom: 'A', naissance: '01/01/2013', structures: [['6A', 'D']] }]);
  await t.rejects(read('long.xml', long), { code: 'IMPORT_XML_LIMIT', message: /NOM_DE_FAMILLE/ });
  const huge = `<BEE_ELEVES><PARAMETRES><UAJ>${'x'.repeat(300_000)}</UAJ></PARAMETRES></BEE_ELEVES>`;
  await t.rejects(read('huge.xml', huge), { code: 'IMPORT_XML_LIMIT' });
});

t.test('encodings: invalid UTF-8, unsupported encoding, UTF-16', async (t) => {
  const bad = Buffer.from(siecleXml([{ id: '1', nom: 'A', prenom: 'Zo', naissance: '01/01/2013', structures: [['6A', 'D']] }]), 'utf8');
  bad[bad.indexOf('<PRENOM>Zo') + 9] = 0xe9; // a lone latin-1 é in a file that says UTF-8
  await t.rejects(read('e.xml', bad), { code: 'IMPORT_ENCODING', message: /UTF-8 vers la ligne/ });
  await t.rejects(read('e.xml', '<?xml version="1.0" encoding="EBCDIC-XYZ"?><BEE_ELEVES/>'), { code: 'IMPORT_ENCODING', message: /EBCDIC-XYZ/ });
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Nom\tPrénom\tClasse\r\nLéa\tNoël\t6A\r\n', 'utf-16le')]);
  const f = await readOne('unicode.txt', utf16);
  t.match(f.persons[0], { surname: 'Léa', givenName: 'Noël', classe: '6A' });
});

t.test('zip bombs: refused from the header, and from the bytes when the header lies', async (t) => {
  const started = Date.now();
  const zeros = await deflatedZeros(300);
  t.ok(zeros.deflated.length < 1024 * 1024, `300 MB of zeros in ${zeros.deflated.length} bytes`);
  await t.rejects(read('bombe.zip', buildZip([{ name: 'ElevesSansAdresses.xml', raw: zeros }])), { code: 'IMPORT_ZIP_BOMB', message: /300 Mo/ });
  const lying = buildZip([{ name: 'ElevesSansAdresses.xml', raw: zeros, declaredSize: 1000 }]);
  await t.rejects(read('menteur.zip', lying), { code: 'IMPORT_ZIP_BOMB', message: /annonce 1\s000 octets mais en contient davantage/ });
  const spaces = await deflatedRepeat(Buffer.from('<?xml version="1.0"?>\n<BEE_ELEVES>'), 0x20, 300);
  const lyingXml = buildZip([{ name: 'ElevesSansAdresses.xml', raw: spaces, declaredSize: 4000 }]);
  await t.rejects(read('menteur2.zip', lyingXml), { code: 'IMPORT_ZIP_BOMB', message: /annonce 4\s000 octets/ });
  const ratio = await deflatedZeros(150);
  await t.rejects(read('ratio.zip', buildZip([{ name: 'a.csv', raw: ratio }])), { code: 'IMPORT_ZIP_BOMB', message: /compressé/ });
  t.ok(Date.now() - started < 5000, `fast (${Date.now() - started} ms)`);
});

t.test('a 10,000-pupil SIECLE file parses with a small heap', async (t) => {
  const path = join(dir, 'big.xml');
  const out = createWriteStream(path);
  const write = (s: string) => new Promise<void>((resolve) => (out.write(latin9(s)) ? resolve() : out.once('drain', () => resolve())));
  await write('<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.3">\n<PARAMETRES><UAJ>0751234A</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE><DATE_EXPORT>15/09/2026</DATE_EXPORT></PARAMETRES>\n<DONNEES>\n<ELEVES>\n');
  const N = 10_000;
  const classOf = (i: number) => `${6 - (i % 4)}${String.fromCharCode(65 + (Math.floor(i / 4) % 12))}`;
  for (let i = 1; i <= N; i++) {
    await write(
      `<ELEVE ELEVE_ID="${100000 + i}" ELENOET="${i}">\n<ID_NATIONAL>${String(100000000 + i).padStart(10, '0')}A</ID_NATIONAL>\n<ELENOET>${i}</ELENOET>\n<NOM_DE_FAMILLE>NOM${i}ŒÉ</NOM_DE_FAMILLE>\n<PRENOM>Prénom${i}</PRENOM>\n<PRENOM2>Second</PRENOM2>\n<DATE_NAISS>${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2012</DATE_NAISS>\n<CODE_SEXE>${(i % 2) + 1}</CODE_SEXE>\n<CODE_PAYS>100</CODE_PAYS>\n<VILLE_NAISS>PARIS</VILLE_NAISS>\n<CODE_MEF>10010012110</CODE_MEF>\n<CODE_STATUT>ST</CODE_STATUT>\n<DATE_ENTREE>01/09/2026</DATE_ENTREE>\n<MEL>eleve${i}@example.org</MEL>\n</ELEVE>\n`,
    );
  }
  await write('</ELEVES>\n<STRUCTURES>\n');
  for (let i = 1; i <= N; i++) {
    await write(
      `<STRUCTURES_ELEVE ELEVE_ID="${100000 + i}" ELENOET="${i}">\n<STRUCTURE><CODE_STRUCTURE>${classOf(i)}</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>\n<STRUCTURE><CODE_STRUCTURE>G${i % 7}</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>\n</STRUCTURES_ELEVE>\n`,
    );
  }
  await write('</STRUCTURES>\n</DONNEES>\n</BEE_ELEVES>\n');
  await new Promise<void>((resolve) => out.end(() => resolve()));

  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const started = Date.now();
  const [f] = await readImportFile(path, { name: 'big.xml', expectedUai: UAI, today: TODAY });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const growth = (peak - before) / (1024 * 1024);
  t.equal(f?.persons.length, N);
  t.equal(f?.errors.length, 0);
  t.equal(f?.classes.length, 48);
  t.equal(f?.persons[9999]?.surname, `NOM${N}ŒÉ`);
  t.ok(growth < 120, `heap growth ${growth.toFixed(1)} MB`);
  t.comment(`10,000 pupils in ${Date.now() - started} ms, heap +${growth.toFixed(1)} MB`);
});
