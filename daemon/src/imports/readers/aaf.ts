/**
 * AAF files (root ficAlimMENESR): add/modify/deleteRequest records with operational attributes
 * (categoriePersonne…), an identifier and attr@name/value pairs. One file holds one category:
 * Eleve, PersEducNat, PersRelEleve (ignored: no local account for parents), EtabEducNat (the
 * school's UAI), Matiere/Mef (nomenclatures, ignored).
 */
import type { Profile, StaffFunction } from '../../directory/model.ts';
import type { ImportKind, ParsedFile } from '../model.ts';
import { type ReaderContext, FileBuilder, INE_RE, UAI_RE, checkUai, clean, elementWhere, fmtInt, functionFromCode, parseDate, sortedUnique } from './common.ts';
import type { XmlEvent, XmlHandler } from './xml.ts';

const ROOT = '/ficAlimMENESR';
const REQUESTS = new Set(['addRequest', 'modifyRequest', 'deleteRequest']);
const ATTR_CONTAINERS = new Set(['operationalAttributes', 'attributes', 'modifications']);

/** The attributes kept (others — addresses, phones, parents' links… — are skipped). */
const KEPT = new Set([
  'categoriePersonne',
  'categorieStructure',
  'categorieMatiere',
  'categorieMef',
  'ENTPersonJointure',
  'sn',
  'givenName',
  'ENTPersonDateNaissance',
  'ENTEleveClasses',
  'ENTEleveGroupes',
  'ENTEleveINE',
  'ENTPersonProfils',
  'ENTPersonFonctions',
  'ENTAuxEnsClassesMatieres',
  'ENTAuxEnsClasses',
]);

const CATEGORY_KINDS: Record<string, ImportKind> = {
  Eleve: 'aaf-eleve',
  PersEducNat: 'aaf-perseducnat',
  PersRelEleve: 'aaf-persreleleve',
  EtabEducNat: 'aaf-etab',
};

/** ENTPersonProfils values → function code (the same codes as ENTPersonFonctions / STS). */
const PROFILE_CODES: Record<string, string> = {
  National_ENS: 'ENS',
  National_DIR: 'DIR',
  National_EVS: 'EDU',
  National_DOC: 'DOC',
  National_ETA: 'ADM',
  National_COL: 'OUV',
};

interface Request {
  op: string;
  where: string;
  id: string;
  attrs: Map<string, string[]>;
}

/** "Complet" / "Delta" from the file name's tail (…_Complet_…); complete when the name does not say. */
export function aafComplete(name: string): boolean {
  const base = name.slice(name.lastIndexOf('›') + 1);
  const m = /_(Complet|Delta)_/i.exec(base);
  return !m || m[1]?.toLowerCase() === 'complet';
}

export function aafHandler(ctx: ReaderContext): XmlHandler {
  const b = new FileBuilder(ctx.name, 'aaf-autre');
  b.file.complete = aafComplete(ctx.name);
  let kind: ImportKind | null = null;
  const counters = new Map<string, number>();
  const uais: string[] = [];
  const unknownFunctions = new Map<string, { where: string; count: number }>();
  let req: Request | null = null;
  let attrName: string | null = null;
  let values: string[] = [];

  const handle = (r: Request) => {
    const category = first(r, 'categoriePersonne') || first(r, 'categorieStructure') || (first(r, 'categorieMatiere') ? 'Matiere' : '') || (first(r, 'categorieMef') ? 'Mef' : '');
    for (const [name, vs] of r.attrs) {
      if (/UAI$/i.test(name)) for (const v of vs) if (UAI_RE.test(v.toUpperCase())) uais.push(v.toUpperCase());
    }
    if (!category) {
      b.error(r.where, 'enregistrement sans catégorie (categoriePersonne ou categorieStructure) : il est ignoré.');
      return;
    }
    const k = CATEGORY_KINDS[category] ?? 'aaf-autre';
    if (kind === null) {
      kind = k;
      b.file.kind = k;
    } else if (k !== kind) {
      b.ignore(`enregistrements d’une autre catégorie (${category})`);
      return;
    }
    switch (k) {
      case 'aaf-eleve':
      case 'aaf-perseducnat':
        person(b, r, k, unknownFunctions);
        return;
      case 'aaf-persreleleve':
        b.ignore('responsables : pas de compte local');
        return;
      case 'aaf-etab':
        return;
      default:
        b.ignore('nomenclatures (matières, MEF) : rien à importer');
    }
  };

  return {
    source: 'l’annuaire académique (AAF)',
    open(name: string, attrs: Readonly<Record<string, string>>, ev: XmlEvent) {
      if (ev.parent === ROOT && REQUESTS.has(name)) {
        const n = (counters.get(name) ?? 0) + 1;
        counters.set(name, n);
        req = { op: name, where: elementWhere(name, n, ev.line), id: '', attrs: new Map() };
      } else if (req && (name === 'attr' || name === 'modification') && ATTR_CONTAINERS.has(lastSegment(ev.parent))) {
        attrName = clean(attrs['name']);
        values = [];
      }
    },
    close(name: string, text: string, ev: XmlEvent) {
      if (!req) return;
      if (name === 'value' && attrName !== null) {
        const v = clean(text);
        if (v && (KEPT.has(attrName) || /UAI$/i.test(attrName))) values.push(v);
      } else if ((name === 'attr' || name === 'modification') && attrName !== null) {
        if (values.length > 0) req.attrs.set(attrName, [...(req.attrs.get(attrName) ?? []), ...values]);
        attrName = null;
      } else if (name === 'id' && lastSegment(ev.parent) === 'identifier') {
        req.id = clean(text);
      } else if (ev.parent === ROOT && REQUESTS.has(name)) {
        handle(req);
        req = null;
      }
    },
    finish(): ParsedFile {
      const expected = clean(ctx.expectedUai).toUpperCase();
      b.file.uai = uais.includes(expected) ? expected : (uais[0] ?? null);
      checkUai(ctx, b.file.uai);
      for (const [code, u] of unknownFunctions) {
        b.warn(u.where, `fonction « ${code} » inconnue : ${fmtInt(u.count)} personne${u.count > 1 ? 's' : ''} classée${u.count > 1 ? 's' : ''} en personnel « Autre ». Vous pourrez corriger la fonction dans la console.`);
      }
      if (kind === null) b.warn('fichier', 'aucun enregistrement dans ce fichier AAF.');
      return b.finish();
    },
  };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function first(r: Request, name: string): string {
  return r.attrs.get(name)?.[0] ?? '';
}

/** "struct$6A$..." → "6A"; a value without "$" is the division itself. */
function divisionOf(value: string): string {
  const parts = value.split('$');
  return clean(parts.length > 1 ? parts[1] : parts[0]);
}

function person(b: FileBuilder, r: Request, kind: 'aaf-eleve' | 'aaf-perseducnat', unknownFunctions: Map<string, { where: string; count: number }>): void {
  const id = first(r, 'ENTPersonJointure') || r.id;
  if (!id) {
    b.error(r.where, 'enregistrement sans identifiant (ENTPersonJointure) : il est ignoré.');
    return;
  }
  const key = `AAF:${id}`;
  const left = r.op === 'deleteRequest';
  const birth = parseDate(first(r, 'ENTPersonDateNaissance'), 'date de naissance', false);
  if (birth.error !== undefined) {
    b.error(r.where, `${birth.error} Corrigez la fiche dans l’annuaire académique.`, key);
    return;
  }
  const base = { key, surname: first(r, 'sn'), givenName: first(r, 'givenName'), birthDate: birth.date, left, where: r.where };
  if (kind === 'aaf-eleve') {
    const classes = sortedUnique((r.attrs.get('ENTEleveClasses') ?? []).map(divisionOf));
    const classe = (r.attrs.get('ENTEleveClasses') ?? []).map(divisionOf).find((d) => d !== '') ?? null;
    if (!classe && !left) {
      b.error(r.where, 'élève sans classe (ENTEleveClasses vide) : vérifiez son affectation dans SIECLE.', key);
      return;
    }
    if (classes.length > 1) b.warn(r.where, `élève inscrit dans plusieurs classes (${classes.join(', ')}) : seule « ${classe} » est retenue.`, key);
    if (classe) b.classes.add(classe);
    const ine = first(r, 'ENTEleveINE').toUpperCase();
    b.addPerson({
      ...base,
      profile: 'eleve',
      otherIds: ine && INE_RE.test(ine) ? [`INE:${ine}`] : [],
      classe,
      groups: (r.attrs.get('ENTEleveGroupes') ?? []).map(divisionOf),
    });
    return;
  }
  const teaches: string[] = [];
  const subjects: string[] = [];
  for (const v of r.attrs.get('ENTAuxEnsClassesMatieres') ?? []) {
    const parts = v.split('$').map(clean);
    if (parts[1]) teaches.push(parts[1]);
    if (parts[2]) subjects.push(parts[2]);
  }
  for (const v of r.attrs.get('ENTAuxEnsClasses') ?? []) {
    const d = divisionOf(v);
    if (d) teaches.push(d);
  }
  const codes: string[] = [];
  for (const v of r.attrs.get('ENTPersonFonctions') ?? []) {
    const parts = v.split('$').map(clean);
    const code = (parts[1] ?? '').toUpperCase();
    if (code) codes.push(code);
    if (code === 'ENS' && parts[4]) subjects.push(parts[4]);
  }
  for (const p of r.attrs.get('ENTPersonProfils') ?? []) {
    const code = PROFILE_CODES[p];
    if (code) codes.push(code);
  }
  const fn = decideFunction(codes, left);
  if (!fn.known && codes[0]) {
    const u = unknownFunctions.get(codes[0]);
    if (u) u.count++;
    else unknownFunctions.set(codes[0], { where: r.where, count: 1 });
  }
  for (const d of teaches) b.classes.add(d);
  const added = b.addPerson({ ...base, profile: fn.profile, staffFunction: fn.staffFunction, teaches, subjects });
  if (added && !left && fn.profile === 'enseignant' && teaches.length === 0) {
    b.warn(r.where, 'enseignant sans classe (ni ENTAuxEnsClassesMatieres ni ENTAuxEnsClasses) : son compte sera créé sans équipe pédagogique.', key);
  }
}

/** Teaching wins (a teacher with another function is still a teacher); then the first known code. */
function decideFunction(codes: string[], left: boolean): { profile: Profile; staffFunction: StaffFunction | null; known: boolean } {
  if (codes.includes('ENS')) return { profile: 'enseignant', staffFunction: null, known: true };
  for (const c of codes) {
    const fn = functionFromCode(c);
    if (fn) return { ...fn, known: true };
  }
  return { profile: 'personnel', staffFunction: 'autre', known: left || codes.length === 0 };
}
