import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import t from 'tap';
import {
  type AafKind,
  type GenSchool,
  aafFileName,
  aafStructureJointure,
  aafXml,
  makeSchool,
  midYear,
  nextYear,
  pupilsCsv,
  siecleXml,
  siecleZip,
  stsFileName,
  stsXml,
} from './generate.ts';
import { buildZip } from './zip.ts';

// ---- helpers ----------------------------------------------------------------------------------

interface Parsed {
  error: Error | null;
  counts: Map<string, number>;
  /** Text of the elements holding text, by element name, in document order. */
  texts: Map<string, string[]>;
  elements: { name: string; attributes: Record<string, string>; path: string[] }[];
}

function parseXml(xml: string): Parsed {
  const parser = new SaxesParser();
  const out: Parsed = { error: null, counts: new Map(), texts: new Map(), elements: [] };
  const stack: { name: string; text: string }[] = [];
  parser.on('error', (e) => {
    out.error ??= e;
  });
  parser.on('opentag', (tag) => {
    out.counts.set(tag.name, (out.counts.get(tag.name) ?? 0) + 1);
    out.elements.push({ name: tag.name, attributes: tag.attributes as Record<string, string>, path: stack.map((s) => s.name) });
    stack.push({ name: tag.name, text: '' });
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    const top = stack.pop();
    if (top && top.text.trim() !== '') out.texts.set(top.name, [...(out.texts.get(top.name) ?? []), top.text]);
  });
  parser.write(xml).close();
  return out;
}

function decode(buf: Buffer): string {
  const head = buf.subarray(0, 100).toString('latin1');
  return /encoding="ISO-8859-15"/.test(head) ? iconv.decode(buf, 'ISO-8859-15') : buf.toString('utf8');
}

function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

function count(p: Parsed, name: string): number {
  return p.counts.get(name) ?? 0;
}

const levelOf = (classe: string) => Number(classe[0]);
const AAF_KINDS: AafKind[] = ['Eleve', 'PersEducNat', 'PersRelEleve', 'EtabEducNat'];

function allOutputs(s: GenSchool): Buffer[] {
  return [
    siecleXml(s),
    siecleXml(s, { encoding: 'UTF-8', oldNomTag: true }),
    siecleZip(s),
    stsXml(s),
    ...AAF_KINDS.map((k) => aafXml(s, k)),
    pupilsCsv(s, { encoding: 'windows-1252', separator: ',' }),
  ];
}

// ---- the school -------------------------------------------------------------------------------

t.test('makeSchool: default shape', async (t) => {
  const s = makeSchool({ seed: 1 });
  t.equal(s.uai, '0751234A');
  t.equal(s.year, 2026);
  t.match(s.exportDate, /^2026-09-0\d$/);
  t.same(s.classes, ['6A', '6B', '5A', '5B', '4A', '4B', '3A', '3B']);
  t.equal(s.pupils.length, 8 * 25 + 2, '25 per class + 2 homonyms');
  for (const c of s.classes) t.ok(s.pupils.filter((p) => p.classe === c).length >= 25, `${c} has its pupils`);

  const ens = s.teachers.filter((x) => x.fonction === 'ENS');
  t.equal(ens.length, 12);
  t.same(
    s.teachers.filter((x) => x.fonction !== 'ENS').map((x) => x.fonction),
    ['DIR', 'EDU', 'DOC'],
  );
  for (const x of ens) {
    t.ok(x.subject, `${x.surname} has a subject`);
    t.ok(x.classes.length >= 2 && x.classes.length <= 4, `${x.surname}: 2-4 classes`);
    t.ok(
      x.classes.every((c) => s.classes.includes(c)),
      'known classes',
    );
    t.equal(new Set(x.classes).size, x.classes.length, 'no class twice');
  }
  for (const x of s.teachers.filter((y) => y.fonction !== 'ENS')) {
    t.same(x.classes, []);
    t.equal(x.subject, null);
  }
  for (const x of s.teachers) {
    const y = Number(x.birthDate.slice(0, 4));
    t.ok(y >= 1960 && y <= 1998, `teacher born ${x.birthDate}`);
  }

  // ages: 6e born year − 11 … 3e year − 14, a few a year off
  for (const p of s.pupils) {
    const expected = s.year - (17 - levelOf(p.classe));
    const y = Number(p.birthDate.slice(0, 4));
    if (Math.abs(y - expected) > 1) t.fail(`${p.givenName} ${p.surname} (${p.classe}) born ${p.birthDate}`);
  }
  const onTime = s.pupils.filter((p) => Number(p.birthDate.slice(0, 4)) === s.year - (17 - levelOf(p.classe))).length;
  t.ok(onTime / s.pupils.length > 0.85, 'most pupils born in the year of their level');

  // groups: some, named after the pupil's level
  const grouped = s.pupils.filter((p) => p.groups.length > 0);
  t.ok(grouped.length > 20, 'some pupils are in groups');
  t.ok(
    s.pupils.every((p) => p.groups.every((g) => g.startsWith(p.classe[0] ?? '?'))),
    'groups of the level',
  );
  t.ok(
    s.pupils.some((p) => p.groups.some((g) => g.endsWith('LATIN'))),
    'a LATIN group',
  );

  // ids
  const persons = [...s.pupils, ...s.teachers, ...s.parents];
  t.equal(new Set(persons.map((p) => p.aafId)).size, persons.length, 'AAF ids unique across pupils, staff, parents');
  t.equal(new Set(s.pupils.map((p) => p.eleveId)).size, s.pupils.length, 'ELEVE_ID unique');
  t.equal(new Set(s.pupils.map((p) => p.elenoet)).size, s.pupils.length, 'ELENOET unique');
  t.equal(new Set(s.pupils.map((p) => p.ine)).size, s.pupils.length, 'INE unique');
  t.equal(new Set(s.teachers.map((p) => p.stsId)).size, s.teachers.length, 'STS ids unique');
  const eleveIds = new Set(s.pupils.map((p) => p.eleveId));
  t.ok(
    s.pupils.every((p) => !eleveIds.has(p.elenoet)),
    'ELENOET never equals an ELEVE_ID',
  );
  for (const p of s.pupils) {
    if (!/^\d+$/.test(p.eleveId) || !/^\d+$/.test(p.elenoet) || !/^\d+$/.test(p.aafId)) t.fail(`numeric ids: ${JSON.stringify(p)}`);
    if (!/^\d{10}[A-Z]$/.test(p.ine)) t.fail(`INE ${p.ine}`);
  }
  t.ok(
    s.teachers.every((x) => /^\d+$/.test(x.stsId) && /^\d+$/.test(x.aafId)),
    'numeric staff ids',
  );

  // parents
  const pupilAaf = new Set(s.pupils.map((p) => p.aafId));
  t.ok(
    s.parents.every((p) => p.children.length > 0 && p.children.every((c) => pupilAaf.has(c))),
    'parents point at pupils',
  );
  for (const p of s.pupils) {
    const n = s.parents.filter((x) => x.children.includes(p.aafId)).length;
    if (n < 1 || n > 2) t.fail(`${p.eleveId} has ${n} parents`);
  }
  t.ok(
    s.parents.some((p) => p.children.length > 1),
    'siblings share their parents',
  );

  // names: the particularities are there
  const names = s.pupils.map((p) => `${p.givenName} ${p.surname}`).join('\n');
  t.match(names, /[éèëïç]/, 'accents');
  t.match(names, /[A-Za-zé]+-[A-ZÉ][a-zé]+/, 'composed names');
});

t.test('makeSchool: options', async (t) => {
  const s = makeSchool({ seed: 3, uai: '0930001X', name: 'Collège Test', year: 2030, classes: 10, pupils: 103, teachers: 20, staff: 6, homonyms: 0 });
  t.equal(s.uai, '0930001X');
  t.equal(s.name, 'Collège Test');
  t.equal(s.year, 2030);
  t.same(s.classes, ['6A', '6B', '6C', '5A', '5B', '5C', '4A', '4B', '3A', '3B']);
  t.equal(s.pupils.length, 103);
  t.equal(s.teachers.filter((x) => x.fonction === 'ENS').length, 20);
  t.same(
    s.teachers.filter((x) => x.fonction !== 'ENS').map((x) => x.fonction),
    ['DIR', 'EDU', 'DOC', 'ADM', 'DIR', 'EDU'],
  );
  t.ok(
    s.pupils.every((p) => Math.abs(Number(p.birthDate.slice(0, 4)) - (2030 - (17 - levelOf(p.classe)))) <= 1),
    'birth years follow the school year',
  );
  const big = makeSchool({ seed: 3, classes: 120, pupils: 1200 });
  t.ok(big.classes.includes('6Z') && big.classes.includes('6AD'), 'letters go on after Z: AA, AB…');
  t.equal(new Set(big.classes).size, 120);
  t.throws(() => makeSchool({ seed: 1, classes: 3 }), RangeError);
});

t.test('determinism: same seed, same school, same bytes', async (t) => {
  const a = makeSchool({ seed: 42 });
  const b = makeSchool({ seed: 42 });
  t.same(a, b);
  const outA = allOutputs(a);
  const outB = allOutputs(b);
  outA.forEach((buf, i) => {
    t.ok(buf.equals(outB[i] as Buffer), `output ${i} identical`);
  });
  t.ok(pupilsCsv(a).equals(pupilsCsv(b)));

  const c = makeSchool({ seed: 43 });
  t.notSame(
    a.pupils.map((p) => p.surname),
    c.pupils.map((p) => p.surname),
    'another seed, other names',
  );
  t.notOk(siecleXml(a).equals(siecleXml(c)));

  t.same(nextYear(a, { seed: 7 }), nextYear(b, { seed: 7 }), 'nextYear deterministic');
  t.same(midYear(a, { seed: 7 }), midYear(b, { seed: 7 }), 'midYear deterministic');
});

t.test('homonyms: same names, another birth date', async (t) => {
  for (const homonyms of [2, 5]) {
    const s = makeSchool({ seed: 11, homonyms });
    t.equal(s.pupils.length, 200 + homonyms);
    for (const h of s.pupils.slice(-homonyms)) {
      const twins = s.pupils.filter((p) => p !== h && p.givenName === h.givenName && p.surname === h.surname);
      t.ok(twins.length > 0, `${h.givenName} ${h.surname} has a homonym`);
      t.ok(
        twins.every((p) => p.birthDate !== h.birthDate),
        'born another day',
      );
      t.ok(
        twins.every((p) => p.eleveId !== h.eleveId && p.ine !== h.ine),
        'other ids',
      );
    }
  }
});

// ---- encodings --------------------------------------------------------------------------------

t.test('ISO-8859-15: Œ is 0xBC, the files are not UTF-8, values come back intact', async (t) => {
  const s = makeSchool({ seed: 5, pupils: 600, classes: 12 });
  const oeuvray = s.pupils.find((p) => p.surname === 'Œuvray');
  t.ok(oeuvray, 'the school has an Œuvray (precondition)');
  const apostrophe = s.pupils.find((p) => p.surname.includes('’'));
  t.ok(apostrophe, 'the school has a D’Almeida (precondition)');

  const iso = siecleXml(s);
  t.equal(iso.subarray(0, 44).toString('latin1'), '<?xml version="1.0" encoding="ISO-8859-15"?>');
  t.ok(iso.includes(Buffer.from([0xbc, 0x55, 0x56, 0x52, 0x41, 0x59])), 'ŒUVRAY encoded as BC 55 56 52 41 59');
  t.notOk(isValidUtf8(iso), 'not valid UTF-8');
  const text = iconv.decode(iso, 'ISO-8859-15');
  t.ok(text.includes('ŒUVRAY'));
  t.notOk(text.slice(text.indexOf('?>') + 2).includes('?'), 'nothing replaced by ?');
  t.ok(text.includes('D&#8217;ALMEIDA'), '’ (not in ISO-8859-15) written as a character reference');

  const parsed = parseXml(text);
  t.equal(parsed.error, null);
  t.same(
    parsed.texts.get('NOM_DE_FAMILLE'),
    s.pupils.map((p) => p.surname.toUpperCase()),
    'every surname reads back, upper case',
  );
  t.same(
    parsed.texts.get('PRENOM'),
    s.pupils.map((p) => p.givenName),
    'every given name reads back',
  );

  const utf8 = siecleXml(s, { encoding: 'UTF-8' });
  t.ok(isValidUtf8(utf8));
  t.equal(utf8.subarray(0, 38).toString(), '<?xml version="1.0" encoding="UTF-8"?>');
  const parsedUtf8 = parseXml(utf8.toString('utf8'));
  t.same(parsedUtf8.texts.get('NOM_DE_FAMILLE'), parsed.texts.get('NOM_DE_FAMILLE'));
  t.ok(utf8.toString('utf8').includes('D’ALMEIDA'), 'UTF-8 holds ’ itself');

  const natural = parseXml(decode(siecleXml(s, { upperSurnames: false })));
  t.same(
    natural.texts.get('NOM_DE_FAMILLE'),
    s.pupils.map((p) => p.surname),
    'upperSurnames: false keeps the case',
  );

  for (const kind of AAF_KINDS) {
    const buf = aafXml(s, kind);
    t.equal(buf.subarray(0, 44).toString('latin1'), '<?xml version="1.0" encoding="ISO-8859-15"?>', `AAF ${kind} declaration`);
    if (kind !== 'EtabEducNat') t.notOk(isValidUtf8(buf), `AAF ${kind} not UTF-8`);
  }
  t.ok(aafXml(s, 'Eleve').includes(Buffer.from([0xbc, 0x55, 0x56, 0x52, 0x41, 0x59])), 'AAF Eleve: ŒUVRAY in ISO-8859-15');
  t.ok(stsXml(s).subarray(0, 44).toString('latin1').includes('ISO-8859-15'));

  // CSV
  const latin9 = pupilsCsv(s, { encoding: 'ISO-8859-15' });
  t.ok(latin9.includes(Buffer.from([0xbc, 0x75, 0x76, 0x72, 0x61, 0x79])), 'CSV ISO-8859-15: Œuvray');
  t.notOk(isValidUtf8(latin9));
  t.ok(iconv.decode(latin9, 'ISO-8859-15').includes("D'Almeida"), 'CSV ISO-8859-15: ’ becomes \'');
  const cp1252 = pupilsCsv(s, { encoding: 'windows-1252' });
  t.ok(cp1252.includes(Buffer.from([0x8c, 0x75, 0x76, 0x72, 0x61, 0x79])), 'CSV windows-1252: Œ is 0x8C');
  t.ok(iconv.decode(cp1252, 'windows-1252').includes('D’Almeida'), 'CSV windows-1252 holds ’ (0x92)');
  t.ok(cp1252.includes(0x92));
});

// ---- well-formedness and content --------------------------------------------------------------

t.test('XML well-formed, element counts match the school', async (t) => {
  const s = makeSchool({ seed: 9 });
  const m = midYear(s, { seed: 10, leavers: 3 }).school;
  const current = m.pupils.filter((p) => p.leftOn === null);

  const siecle = parseXml(decode(siecleXml(m)));
  t.equal(siecle.error, null, 'SIECLE parses');
  t.equal(count(siecle, 'BEE_ELEVES'), 1);
  t.equal(count(siecle, 'ELEVE'), m.pupils.length, 'one ELEVE per pupil, leavers included');
  t.equal(count(siecle, 'STRUCTURES_ELEVE'), m.pupils.length);
  t.equal(count(siecle, 'DATE_SORTIE'), 3, 'leavers have DATE_SORTIE');
  t.same(siecle.texts.get('UAJ'), [m.uai]);
  t.same(siecle.texts.get('ANNEE_SCOLAIRE'), ['2026']);
  const [y, mo, d] = m.exportDate.split('-');
  t.same(siecle.texts.get('DATE_EXPORT'), [`${d}/${mo}/${y}`]);
  t.match(siecle.texts.get('HORODATAGE')?.[0] ?? '', /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
  t.same(siecle.texts.get('CODE_SEXE'), m.pupils.map((p) => (p.sex === 'M' ? '1' : '2')));
  t.same(siecle.texts.get('DATE_NAISS'), m.pupils.map((p) => p.birthDate.split('-').reverse().join('/')));
  t.same(siecle.texts.get('ID_NATIONAL'), m.pupils.map((p) => p.ine));
  const eleves = siecle.elements.filter((e) => e.name === 'ELEVE');
  t.same(
    eleves.map((e) => [e.attributes.ELEVE_ID, e.attributes.ELENOET]),
    m.pupils.map((p) => [p.eleveId, p.elenoet]),
  );
  const types = siecle.texts.get('TYPE_STRUCTURE') ?? [];
  t.equal(types.filter((x) => x === 'D').length, m.pupils.length, 'one division each');
  t.equal(types.filter((x) => x === 'G').length, m.pupils.reduce((n, p) => n + p.groups.length, 0), 'their groups');
  t.ok(
    (siecle.texts.get('CODE_STRUCTURE') ?? []).every((c) => c !== 'Inactifs'),
    'no Inactifs',
  );

  const old = parseXml(decode(siecleXml(m, { oldNomTag: true })));
  t.equal(old.error, null);
  t.equal(count(old, 'NOM'), m.pupils.length, 'oldNomTag: <NOM>');
  t.equal(count(old, 'NOM_DE_FAMILLE'), 0);

  const sts = parseXml(decode(stsXml(m)));
  t.equal(sts.error, null, 'STS parses');
  t.equal(count(sts, 'STS_EDT'), 1);
  t.equal(count(sts, 'INDIVIDU'), m.teachers.length);
  t.equal(count(sts, 'DIVISION'), m.classes.length);
  const uaj = sts.elements.find((e) => e.name === 'UAJ');
  t.equal(uaj?.attributes.CODE, m.uai, 'STS UAJ@CODE');
  t.equal(sts.elements.find((e) => e.name === 'ANNEE_SCOLAIRE')?.attributes.ANNEE, '2026');
  t.same(
    sts.elements.filter((e) => e.name === 'INDIVIDU').map((e) => [e.attributes.ID, e.attributes.TYPE]),
    m.teachers.map((x) => [x.stsId, 'epp']),
  );
  t.same(sts.texts.get('FONCTION'), m.teachers.map((x) => x.fonction));
  t.same(sts.texts.get('DATE_NAISSANCE'), m.teachers.map((x) => x.birthDate));
  // teacher ↔ class through DIVISION/SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT
  const taught = new Map<string, Set<string>>();
  let division = '';
  for (const e of sts.elements) {
    if (e.name === 'DIVISION') division = e.attributes.CODE ?? '';
    if (e.name === 'ENSEIGNANT' && e.path.includes('DIVISION')) {
      const set = taught.get(e.attributes.ID ?? '') ?? new Set<string>();
      set.add(division);
      taught.set(e.attributes.ID ?? '', set);
    }
  }
  for (const x of m.teachers) t.same([...(taught.get(x.stsId) ?? [])].sort(), [...x.classes].sort(), `STS services of ${x.surname}`);
  const matieres = sts.elements.filter((e) => e.name === 'MATIERE');
  for (const x of m.teachers.filter((y) => y.subject)) {
    t.ok(
      matieres.some((e) => e.attributes.CODE === x.subject?.code),
      `MATIERE ${x.subject?.code}`,
    );
  }
  t.ok(
    matieres.every((e) => e.path.join('/') === 'STS_EDT/NOMENCLATURES/MATIERES'),
    'NOMENCLATURES under the root',
  );
  const groupes = sts.elements.filter((e) => e.name === 'GROUPE').map((e) => e.attributes.CODE);
  t.same(groupes.sort(), [...new Set(current.flatMap((p) => p.groups))].sort(), 'STS GROUPES = the groups of current pupils');

  const expected: Record<AafKind, number> = {
    Eleve: current.length,
    PersEducNat: m.teachers.length,
    PersRelEleve: m.parents.filter((p) => p.children.some((c) => current.some((x) => x.aafId === c))).length,
    EtabEducNat: 1,
  };
  for (const kind of AAF_KINDS) {
    const raw = decode(aafXml(m, kind));
    t.match(raw, /^<\?xml version="1.0" encoding="ISO-8859-15"\?>\n<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>/);
    const aaf = parseXml(raw);
    t.equal(aaf.error, null, `AAF ${kind} parses`);
    t.equal(count(aaf, 'addRequest'), expected[kind], `AAF ${kind}: ${expected[kind]} addRequest`);
    t.equal(count(aaf, 'modifyRequest') + count(aaf, 'deleteRequest'), 0);
    const category = aaf.elements.find((e) => e.name === 'attr' && e.path.includes('operationalAttributes'));
    t.equal(category?.attributes.name, kind === 'EtabEducNat' ? 'categorieStructure' : 'categoriePersonne');
    t.equal(aaf.texts.get('value')?.[0], kind, `category ${kind}`);
  }

  // AAF Eleve content
  const struct = aafStructureJointure(m);
  const eleve = parseXml(decode(aafXml(m, 'Eleve')));
  const attrCount = (p: Parsed, attr: string) => p.elements.filter((e) => e.name === 'attr' && e.attributes.name === attr).length;
  t.equal(attrCount(eleve, 'ENTEleveClasses'), current.length);
  t.equal(attrCount(eleve, 'ENTPersonJointure'), current.length);
  const values = eleve.texts.get('value') ?? [];
  for (const p of current.slice(0, 20)) {
    t.ok(values.includes(`${struct}$${p.classe}`), `ENTEleveClasses ${p.classe}`);
    t.ok(values.includes(p.birthDate.split('-').reverse().join('/')), 'ENTPersonDateNaissance dd/mm/yyyy');
  }
  t.ok(
    values.some((v) => /^\d+\$1\$1\$1\$1\$0$/.test(v)),
    'ENTElevePersRelEleve',
  );
  const etab = parseXml(decode(aafXml(m, 'EtabEducNat')));
  t.ok(etab.texts.get('value')?.includes(m.uai), 'EtabEducNat: ENTStructureUAI');
  t.ok(etab.texts.get('value')?.includes('CLG'));
  const pen = parseXml(decode(aafXml(m, 'PersEducNat')));
  const penValues = pen.texts.get('value') ?? [];
  t.ok(
    penValues.some((v) => v.startsWith(`${struct}$ENS$ENSEIGNEMENT$`)),
    'ENTPersonFonctions',
  );
  t.ok(penValues.includes('National_ENS') && penValues.includes('National_DIR'), 'ENTPersonProfils');
  const ens = m.teachers.find((x) => x.fonction === 'ENS');
  t.ok(penValues.includes(`${struct}$${ens?.classes[0]}$${ens?.subject?.label}`), 'ENTAuxEnsClassesMatieres');
});

t.test('AAF Delta: addRequest, modifyRequest, deleteRequest', async (t) => {
  const s = makeSchool({ seed: 21 });
  const mid = midYear(s, { seed: 22, leavers: 2, arrivals: 3, moves: 2 });
  const m = mid.school;
  const byId = new Map(m.pupils.map((p) => [p.eleveId, p]));
  const aaf = (ids: string[]) => ids.map((id) => byId.get(id)?.aafId ?? '?');
  const buf = aafXml(m, 'Eleve', {
    complete: false,
    added: aaf(mid.arrived),
    only: [...aaf(mid.arrived), ...aaf(mid.moved)],
    deleted: aaf(mid.left),
  });
  const p = parseXml(decode(buf));
  t.equal(p.error, null);
  t.equal(count(p, 'addRequest'), 3);
  t.equal(count(p, 'modifyRequest'), 2);
  t.equal(count(p, 'deleteRequest'), 2);
  t.ok(
    p.elements.filter((e) => e.name === 'modification').every((e) => e.attributes.operation === 'replace'),
    'modifications replace',
  );
  t.same(p.texts.get('id')?.slice(-2), aaf(mid.left), 'deleted ids');
  // Delta without `only`: everyone current as modifyRequest
  const all = parseXml(decode(aafXml(m, 'Eleve', { complete: false })));
  t.equal(count(all, 'modifyRequest'), m.pupils.filter((x) => x.leftOn === null).length);
});

// ---- years ------------------------------------------------------------------------------------

t.test('nextYear: 3e leave, the others move up, new 6e, ids kept', async (t) => {
  const s = makeSchool({ seed: 31 });
  const before = JSON.stringify(s);
  const n = nextYear(s, { seed: 32 });
  t.equal(JSON.stringify(s), before, 'the previous school is not modified');
  t.equal(n.year, 2027);
  t.match(n.exportDate, /^2027-09-0\d$/);
  t.same(n.classes, s.classes);

  const next = new Map(n.pupils.map((p) => [p.eleveId, p]));
  const troisiemes = s.pupils.filter((p) => levelOf(p.classe) === 3);
  t.ok(troisiemes.length > 0);
  t.ok(
    troisiemes.every((p) => !next.has(p.eleveId)),
    '3e pupils are gone',
  );
  let sameLetter = 0;
  const movers = s.pupils.filter((p) => levelOf(p.classe) !== 3);
  for (const p of movers) {
    const q = next.get(p.eleveId);
    if (!q) {
      t.fail(`${p.eleveId} (${p.classe}) missing`);
      continue;
    }
    if (levelOf(q.classe) !== levelOf(p.classe) - 1) t.fail(`${p.classe} → ${q.classe}`);
    if (q.classe.slice(1) === p.classe.slice(1)) sameLetter++;
    if (q.elenoet !== p.elenoet || q.ine !== p.ine || q.aafId !== p.aafId || q.surname !== p.surname || q.birthDate !== p.birthDate) {
      t.fail(`${p.eleveId} changed identity`);
    }
    if (!q.groups.every((g) => g.startsWith(q.classe[0] ?? '?'))) t.fail(`groups of ${q.classe}: ${q.groups}`);
  }
  t.ok(sameLetter / movers.length > 0.8, `most keep their letter (${sameLetter}/${movers.length})`);
  t.ok(sameLetter < movers.length || movers.length < 30, 'a few change letter');

  const sixiemes = n.pupils.filter((p) => levelOf(p.classe) === 6);
  t.equal(sixiemes.length, 2 * Math.round(s.pupils.length / s.classes.length), 'new 6e: the average class size per 6e class');
  const oldIds = new Set(s.pupils.flatMap((p) => [p.eleveId, p.elenoet, p.ine, p.aafId]));
  t.ok(
    sixiemes.every((p) => !oldIds.has(p.eleveId) && !oldIds.has(p.elenoet) && !oldIds.has(p.ine) && !oldIds.has(p.aafId)),
    'new 6e have new ids',
  );
  t.ok(
    sixiemes.every((p) => Number(p.birthDate.slice(0, 4)) >= 2027 - 12),
    'new 6e are young',
  );
  t.equal(n.pupils.length, movers.length + sixiemes.length);

  const oldStaff = new Set(s.teachers.map((x) => x.stsId));
  const newStaff = new Set(n.teachers.map((x) => x.stsId));
  t.equal(s.teachers.filter((x) => !newStaff.has(x.stsId)).length, 2, 'two teachers leave');
  const arrivals = n.teachers.filter((x) => !oldStaff.has(x.stsId));
  t.equal(arrivals.length, 2, 'two arrive');
  t.ok(
    arrivals.every((x) => x.fonction === 'ENS' && x.subject && x.classes.length > 0),
    'arrivals teach',
  );
  t.ok(
    s.teachers.every((x) => !arrivals.some((a) => a.aafId === x.aafId)),
    'arrivals have new AAF ids',
  );
  t.equal(n.teachers.length, s.teachers.length);

  const pupilAaf = new Set(n.pupils.map((p) => p.aafId));
  t.ok(
    n.parents.every((p) => p.children.length > 0 && p.children.every((c) => pupilAaf.has(c))),
    'parents of leavers only are gone',
  );
  t.ok(
    n.pupils.every((p) => n.parents.some((x) => x.children.includes(p.aafId))),
    'every pupil has a parent',
  );

  const n2 = nextYear(n, { seed: 33, newPupilsPerClass: 10, teachersLeaving: 0, teachersArriving: 1 });
  t.equal(n2.year, 2028);
  t.equal(n2.pupils.filter((p) => levelOf(p.classe) === 6).length, 20, 'newPupilsPerClass');
  t.equal(n2.teachers.length, n.teachers.length + 1, 'teachersArriving without leavers');
  const firstSixth = s.pupils.find((p) => levelOf(p.classe) === 6);
  t.equal(levelOf(n2.pupils.find((p) => p.eleveId === firstSixth?.eleveId)?.classe ?? '0'), 4, 'a 6e of year 1 is in 4e in year 3');
  const everIds = [...s.pupils, ...n.pupils, ...n2.pupils];
  const distinct = new Map(everIds.map((p) => [p.eleveId, p.ine]));
  t.equal(new Set(distinct.values()).size, distinct.size, 'ids never reused over three years');
});

t.test('midYear: moves, leavers, arrivals, renames', async (t) => {
  const s = makeSchool({ seed: 41 });
  const before = JSON.stringify(s);
  const r = midYear(s, { seed: 42, moves: 4, leavers: 3, arrivals: 5, renames: 6 });
  t.equal(JSON.stringify(s), before, 'the previous school is not modified');
  const m = r.school;
  t.equal(r.moved.length, 4);
  t.equal(r.left.length, 3);
  t.equal(r.arrived.length, 5);
  t.equal(r.renamed.length, 6);
  t.ok(m.exportDate > s.exportDate, 'exportDate moves forward');
  t.equal(m.pupils.length, s.pupils.length + 5, 'leavers stay in the file');
  const all = [...r.moved, ...r.left, ...r.arrived, ...r.renamed];
  t.equal(new Set(all).size, all.length, 'distinct pupils');

  const old = new Map(s.pupils.map((p) => [p.eleveId, p]));
  const now = new Map(m.pupils.map((p) => [p.eleveId, p]));
  for (const id of r.moved) {
    const a = old.get(id);
    const b = now.get(id);
    t.ok(a && b && a.classe !== b.classe && levelOf(a.classe) === levelOf(b.classe), `moved ${a?.classe} → ${b?.classe}`);
  }
  for (const id of r.left) {
    const p = now.get(id);
    t.ok(p?.leftOn && p.leftOn > s.exportDate && p.leftOn < m.exportDate, `left on ${p?.leftOn}`);
  }
  t.equal(m.pupils.filter((p) => p.leftOn !== null).length, 3, 'only the leavers have leftOn');
  for (const id of r.arrived) {
    t.notOk(old.has(id), 'arrival is new');
    const p = now.get(id);
    t.ok(p?.enteredOn && p.enteredOn > s.exportDate && p.enteredOn <= m.exportDate, `entered on ${p?.enteredOn}`);
  }
  for (const id of r.renamed) {
    const a = old.get(id);
    const b = now.get(id);
    t.ok(a && b && a.surname !== b.surname, `renamed ${a?.surname} → ${b?.surname}`);
    t.equal(b?.eleveId, a?.eleveId);
    t.equal(b?.givenName, a?.givenName);
  }
  const untouched = s.pupils.filter((p) => !all.includes(p.eleveId));
  t.ok(
    untouched.every((p) => JSON.stringify(now.get(p.eleveId)) === JSON.stringify(p)),
    'the others are unchanged',
  );
  // in the files
  t.equal(count(parseXml(decode(siecleXml(m))), 'DATE_SORTIE'), 3);
  t.equal(count(parseXml(decode(aafXml(m, 'Eleve'))), 'addRequest'), m.pupils.length - 3, 'AAF Complet leaves the leavers out');
  t.equal(pupilsCsv(m).toString('utf8').trim().split('\r\n').length, m.pupils.length - 3 + 1, 'CSV: current pupils + header');

  const fixes = midYear(makeSchool({ seed: 43, pupils: 800, classes: 8 }), { seed: 1, renames: 200, moves: 0, leavers: 0, arrivals: 0 });
  const renamedTo = fixes.renamed.map((id) => fixes.school.pupils.find((p) => p.eleveId === id)?.surname ?? '');
  t.ok(
    renamedTo.some((x) => /[-\s]/.test(x)),
    'second surnames added',
  );
  t.ok(
    renamedTo.some((x) => ['Lefèvre', 'Gérard', 'Müller', 'Rivière', 'Çelik', 'Œuvray', 'Guérin', 'André'].includes(x)),
    'accents fixed',
  );
});

// ---- zip and CSV ------------------------------------------------------------------------------

t.test('zip: readable by unzip, same bytes back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trousse-gen-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const s = makeSchool({ seed: 51 });
  const file = join(dir, 'ExportXML_ElevesSansAdresses.zip');
  writeFileSync(file, siecleZip(s));
  const list = execFileSync('unzip', ['-l', file]).toString();
  t.match(list, /ElevesSansAdresses\.xml/);
  t.match(list, /1 file/);
  t.ok(execFileSync('unzip', ['-p', file, 'ElevesSansAdresses.xml']).equals(siecleXml(s)), 'unzip -p gives the XML back');
  t.match(execFileSync('unzip', ['-t', file]).toString(), /No errors detected/);
  const utf8 = join(dir, 'utf8.zip');
  writeFileSync(utf8, siecleZip(s, { encoding: 'UTF-8' }));
  t.ok(execFileSync('unzip', ['-p', utf8]).equals(siecleXml(s, { encoding: 'UTF-8' })));

  const many = join(dir, 'many.zip');
  const entries = [
    { name: 'a.txt', data: Buffer.from('hello '.repeat(100)) },
    { name: 'dir/b.bin', data: Buffer.from([0, 1, 2, 3, 255]), store: true },
    { name: 'empty.txt', data: Buffer.alloc(0) },
    { name: 'élèves.csv', data: pupilsCsv(s) },
  ];
  writeFileSync(many, buildZip(entries));
  t.match(execFileSync('unzip', ['-t', many]).toString(), /No errors detected/);
  t.match(execFileSync('unzip', ['-l', many]).toString('latin1'), /l.+ves\.csv/, 'non-ASCII name listed');
  for (const e of entries) {
    // unzip's pattern matching depends on the locale: match the non-ASCII name with a wildcard
    const pattern = /^[\x20-\x7e]+$/.test(e.name) ? e.name : '*ves.csv';
    t.ok(execFileSync('unzip', ['-p', many, pattern]).equals(e.data), `entry ${e.name}`);
  }
});

t.test('CSV: header, separator, encoding, BOM', async (t) => {
  const s = makeSchool({ seed: 61 });
  const current = s.pupils.filter((p) => p.leftOn === null);
  const text = pupilsCsv(s).toString('utf8');
  const lines = text.split('\r\n');
  t.equal(lines[0], 'Nom;Prénom;Date de naissance;Classe;Identifiant');
  t.equal(lines.at(-1), '', 'ends with CRLF');
  t.equal(lines.length, current.length + 2);
  const first = current[0];
  t.equal(lines[1], `${first?.surname};${first?.givenName};${first?.birthDate.split('-').reverse().join('/')};${first?.classe};${first?.eleveId}`);
  t.ok(
    lines.slice(1, -1).every((l) => /^[^;]+;[^;]+;\d\d\/\d\d\/\d{4};[3-6][A-Z]+;\d+$/.test(l)),
    'every row',
  );

  const comma = pupilsCsv(s, { separator: ',', withId: false }).toString('utf8').split('\r\n');
  t.equal(comma[0], 'Nom,Prénom,Date de naissance,Classe');
  t.equal(comma[1]?.split(',').length, 4);

  const bom = pupilsCsv(s, { bom: true });
  t.same([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  t.same([...pupilsCsv(s).subarray(0, 3)], [...Buffer.from('Nom')], 'no BOM by default');
  const cp = pupilsCsv(s, { encoding: 'windows-1252' });
  t.equal(iconv.decode(cp, 'windows-1252').split('\r\n')[0], 'Nom;Prénom;Date de naissance;Classe;Identifiant');
  t.ok(cp.subarray(0, 20).includes(0xe9), 'é is one byte in windows-1252');

  const odd: GenSchool = { ...s, pupils: [{ ...(current[0] as (typeof s.pupils)[number]), surname: 'Dupont, "le grand"' }] };
  t.match(pupilsCsv(odd, { separator: ',' }).toString('utf8'), /^.*\r\n"Dupont, ""le grand""",/);
  t.match(pupilsCsv(odd).toString('utf8'), /\r\n"Dupont, ""le grand""";/, 'a quote forces quoting with ; too');
});

t.test('file names', async (t) => {
  const s = makeSchool({ seed: 1 });
  t.equal(stsFileName(s), 'sts_emp_0751234A_2026.xml');
  const tail = /_(Complet|Delta)_.*(Eleve|PersEducNat|PersRelEleve|EtabEducNat)_\d+\.xml$/;
  for (const kind of AAF_KINDS) {
    t.match(aafFileName(kind), tail);
    t.match(aafFileName(kind, { complete: false, date: '2027-01-15' }), new RegExp(`^ENT_PARIS_Delta_20270115_${kind}_0000\\.xml$`));
  }
  t.equal(aafFileName('Eleve'), 'ENT_PARIS_Complet_20260901_Eleve_0000.xml');
  t.equal(aafFileName('Eleve', { date: '20261002', academie: 'CRETEIL' }), 'ENT_CRETEIL_Complet_20261002_Eleve_0000.xml');
});

t.test('10,000 pupils in 400 classes: fast, 10-15 MB of SIECLE', async (t) => {
  const start = performance.now();
  const s = makeSchool({ seed: 71, pupils: 10_000, classes: 400 });
  const elapsed = performance.now() - start;
  t.ok(elapsed < 2000, `makeSchool in ${Math.round(elapsed)} ms`);
  t.equal(s.pupils.length, 10_002);
  t.equal(s.classes.length, 400);
  t.equal(new Set(s.pupils.map((p) => p.ine)).size, s.pupils.length, 'INE unique');
  t.equal(new Set(s.pupils.map((p) => p.eleveId)).size, s.pupils.length, 'ELEVE_ID unique');
  const t0 = performance.now();
  const xml = siecleXml(s);
  const xmlMs = performance.now() - t0;
  t.ok(xml.length > 10e6 && xml.length < 15e6, `SIECLE is ${(xml.length / 1e6).toFixed(1)} MB (${Math.round(xmlMs)} ms)`);
  let eleves = 0;
  const needle = Buffer.from('<ELEVE ');
  for (let i = xml.indexOf(needle); i >= 0; i = xml.indexOf(needle, i + 1)) eleves++;
  t.equal(eleves, s.pupils.length, 'one ELEVE per pupil');
  const zipped = siecleZip(s);
  t.ok(zipped.length < xml.length / 5, `zip ${(zipped.length / 1e6).toFixed(2)} MB`);
});
