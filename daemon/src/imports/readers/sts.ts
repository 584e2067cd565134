/**
 * STS-Web "sts_emp_<UAI>_<année>.xml" (root STS_EDT): teachers and staff (INDIVIDUS), the classes
 * (DIVISIONS) and who teaches what where (services of divisions and of groups).
 */
import type { ParsedFile } from '../model.ts';
import { type ReaderContext, FileBuilder, checkUai, clean, elementWhere, fmtInt, functionFromCode, lineWhere, parseDate } from './common.ts';
import type { XmlEvent, XmlHandler } from './xml.ts';

const ROOT = '/STS_EDT';
const PARAMS = `${ROOT}/PARAMETRES`;
const MATIERE = `${ROOT}/NOMENCLATURES/MATIERES/MATIERE`;
const INDIVIDU = `${ROOT}/DONNEES/INDIVIDUS/INDIVIDU`;
const DIVISION = `${ROOT}/DONNEES/STRUCTURE/DIVISIONS/DIVISION`;
const DIV_SERVICE = `${DIVISION}/SERVICES/SERVICE`;
const DIV_TEACHER = `${DIV_SERVICE}/ENSEIGNANTS/ENSEIGNANT`;
const GROUPE = `${ROOT}/DONNEES/STRUCTURE/GROUPES/GROUPE`;
const GROUP_DIVISION = `${GROUPE}/DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE`;
const GROUP_SERVICE = `${GROUPE}/SERVICES/SERVICE`;
const GROUP_TEACHER = `${GROUP_SERVICE}/ENSEIGNANTS/ENSEIGNANT`;

/**
 * Real exports put NOMENCLATURES under the root and the UAI in PARAMETRES/UAJ@CODE (GEPI, SACoche);
 * a layout with NOMENCLATURES under DONNEES, STRUCTURES for STRUCTURE, or the UAI as text is read
 * the same way.
 */
function canonical(path: string): string {
  return path.replace(/^\/STS_EDT\/DONNEES\/NOMENCLATURES(?=\/|$)/, '/STS_EDT/NOMENCLATURES').replace(/^\/STS_EDT\/DONNEES\/STRUCTURES(?=\/|$)/, '/STS_EDT/DONNEES/STRUCTURE');
}

const INDIVIDU_FIELDS = new Set(['NOM_USAGE', 'NOM_PATRONYMIQUE', 'PRENOM', 'DATE_NAISSANCE', 'FONCTION']);

interface RawIndividu {
  id: string;
  fields: Record<string, string>;
  where: string;
}

interface Teaching {
  divisions: Set<string>;
  subjectCodes: Set<string>;
  /** Where the teacher is first named in a service (for the "unknown teacher" warning). */
  where: string;
}

export function stsHandler(ctx: ReaderContext): XmlHandler {
  const b = new FileBuilder(ctx.name, 'sts');
  const params: Record<string, string> = {};
  const subjects = new Map<string, { long?: string; short?: string }>();
  const individus: RawIndividu[] = [];
  const teaching = new Map<string, Teaching>();
  let nIndividus = 0;
  let matiere = '';
  let individu: RawIndividu | null = null;
  let division = '';
  let serviceSubject = '';
  let group: { divisions: string[]; services: { teacher: string; subject: string; where: string }[] } | null = null;

  const setParam = (name: string, value: string) => {
    params[name] = value;
    if (name === 'UAJ') {
      b.file.uai = value.toUpperCase();
      checkUai(ctx, b.file.uai);
    }
  };

  const teach = (teacherId: string, divisions: string[], subject: string, where: string) => {
    let t = teaching.get(teacherId);
    if (!t) {
      t = { divisions: new Set(), subjectCodes: new Set(), where };
      teaching.set(teacherId, t);
    }
    for (const d of divisions) t.divisions.add(d);
    if (subject) t.subjectCodes.add(subject);
  };

  return {
    source: 'STS-Web',
    open(name: string, attrs: Readonly<Record<string, string>>, ev: XmlEvent) {
      const path = canonical(ev.path);
      if (ev.parent === PARAMS) {
        // <UAJ CODE="0751234A">…</UAJ>, <ANNEE_SCOLAIRE ANNEE="2026">…</ANNEE_SCOLAIRE>
        const value = clean(name === 'UAJ' ? attrs['CODE'] : name === 'ANNEE_SCOLAIRE' ? attrs['ANNEE'] : '');
        if (value) setParam(name, value);
        return;
      }
      switch (path) {
        case MATIERE:
          matiere = clean(attrs['CODE']);
          break;
        case INDIVIDU:
          nIndividus++;
          individu = { id: clean(attrs['ID']), fields: {}, where: elementWhere('INDIVIDU', nIndividus, ev.line) };
          break;
        case DIVISION:
          division = clean(attrs['CODE']);
          if (division) b.classes.add(division);
          break;
        case DIV_SERVICE:
        case GROUP_SERVICE:
          serviceSubject = clean(attrs['CODE_MATIERE']);
          break;
        case DIV_TEACHER: {
          const id = clean(attrs['ID']);
          if (id && division) teach(id, [division], serviceSubject, lineWhere(ev.line));
          break;
        }
        case GROUPE:
          group = { divisions: [], services: [] };
          break;
        case GROUP_DIVISION: {
          const code = clean(attrs['CODE']);
          if (code && group) group.divisions.push(code);
          break;
        }
        case GROUP_TEACHER: {
          const id = clean(attrs['ID']);
          if (id && group) group.services.push({ teacher: id, subject: serviceSubject, where: lineWhere(ev.line) });
          break;
        }
      }
    },
    close(name: string, text: string, ev: XmlEvent) {
      const path = canonical(ev.path);
      const parent = canonical(ev.parent);
      if (ev.parent === PARAMS) {
        const value = clean(text);
        if (value && !params[name]) setParam(name, value);
      } else if (parent === MATIERE && matiere) {
        const s = subjects.get(matiere) ?? {};
        if (name === 'LIBELLE_LONG') s.long = clean(text);
        else if (name === 'LIBELLE_COURT') s.short = clean(text);
        subjects.set(matiere, s);
      } else if (parent === INDIVIDU && individu && INDIVIDU_FIELDS.has(name)) {
        individu.fields[name] = clean(text);
      } else if (path === INDIVIDU && individu) {
        individus.push(individu);
        individu = null;
      } else if (path === DIVISION) {
        division = '';
      } else if (path === GROUPE && group) {
        for (const s of group.services) teach(s.teacher, group.divisions, s.subject, s.where);
        group = null;
      }
    },
    finish(): ParsedFile {
      b.file.year = params['ANNEE_SCOLAIRE'] || null;
      const stamp = parseDate(params['HORODATAGE']?.split(' ')[0] ?? '', 'date', true);
      b.file.exportDate = stamp.date ?? null;
      const label = (code: string) => {
        const s = subjects.get(code);
        return s?.long || s?.short || code;
      };
      const unknownFunctions = new Map<string, { where: string; count: number }>();
      const known = new Set<string>();
      for (const raw of individus) {
        known.add(raw.id);
        const t = teaching.get(raw.id);
        toPerson(b, raw, t ? [...t.divisions] : [], t ? [...t.subjectCodes].map(label) : [], unknownFunctions);
      }
      for (const [code, u] of unknownFunctions) {
        const what = code ? `fonction « ${code} » inconnue` : 'fonction (FONCTION) absente';
        b.warn(u.where, `${what} : ${fmtInt(u.count)} personne${u.count > 1 ? 's' : ''} classée${u.count > 1 ? 's' : ''} en personnel « Autre ». Vous pourrez corriger la fonction dans la console.`);
      }
      for (const [id, t] of teaching) {
        if (!known.has(id)) {
          b.warn(t.where, `l’enseignant n° ${id} d’un service (classes ${[...t.divisions].join(', ') || '—'}) ne figure pas parmi les INDIVIDUS : ses services sont ignorés.`);
        }
      }
      return b.finish();
    },
  };
}

function toPerson(b: FileBuilder, raw: RawIndividu, teaches: string[], subjects: string[], unknownFunctions: Map<string, { where: string; count: number }>): void {
  const f = raw.fields;
  if (!raw.id) {
    b.error(raw.where, 'personne sans attribut ID : exportez le fichier de nouveau depuis STS-Web.');
    return;
  }
  const key = `STS:${raw.id}`;
  const birth = parseDate(f['DATE_NAISSANCE'] ?? '', 'date de naissance', true);
  if (birth.error !== undefined) {
    b.error(raw.where, `${birth.error} Corrigez la fiche dans STS-Web.`, key);
    return;
  }
  const code = (f['FONCTION'] ?? '').toUpperCase();
  let fn = functionFromCode(code);
  if (!fn) {
    const u = unknownFunctions.get(code);
    if (u) u.count++;
    else unknownFunctions.set(code, { where: raw.where, count: 1 });
    fn = { profile: 'personnel', staffFunction: 'autre' };
  }
  const added = b.addPerson({
    key,
    profile: fn.profile,
    staffFunction: fn.staffFunction,
    surname: f['NOM_USAGE'] || f['NOM_PATRONYMIQUE'] || '',
    givenName: f['PRENOM'] ?? '',
    birthDate: birth.date,
    teaches,
    subjects,
    where: raw.where,
  });
  if (added && fn.profile === 'enseignant' && teaches.length === 0) {
    b.warn(raw.where, 'enseignant sans classe : aucun service dans STS-Web (l’emploi du temps a-t-il été remonté dans STS ?). Son compte sera créé sans équipe pédagogique.', key);
  }
}
