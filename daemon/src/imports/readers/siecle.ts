/**
 * SIECLE "ElevesSansAdresses.xml" (root BEE_ELEVES): pupils, their class (STRUCTURE of type D) and
 * groups (type G). ELEVES come before STRUCTURES in the file: the pupils are kept as small records
 * and joined to their structures at the end.
 */
import type { ParsedFile } from '../model.ts';
import { type ReaderContext, FileBuilder, INE_RE, checkUai, clean, elementWhere, parseDate } from './common.ts';
import type { XmlEvent, XmlHandler } from './xml.ts';

const ROOT = '/BEE_ELEVES';
const PARAMS = `${ROOT}/PARAMETRES`;
const ELEVE = `${ROOT}/DONNEES/ELEVES/ELEVE`;
const STRUCTS_ELEVE = `${ROOT}/DONNEES/STRUCTURES/STRUCTURES_ELEVE`;
const STRUCTURE = `${STRUCTS_ELEVE}/STRUCTURE`;

/** The fields of ELEVE that are read; everything else (addresses, options…) is skipped. */
const ELEVE_FIELDS = new Set(['ID_NATIONAL', 'NOM_DE_FAMILLE', 'NOM', 'NOM_USAGE', 'PRENOM', 'DATE_NAISS', 'DATE_SORTIE']);

/** SIECLE's pseudo-class of inactive pupils (compared case-insensitively). */
const INACTIFS = 'inactifs';

interface RawPupil {
  eleveId: string;
  fields: Record<string, string>;
  where: string;
}

interface Placement {
  classes: string[];
  groups: string[];
  inactive: boolean;
}

export function siecleHandler(ctx: ReaderContext): XmlHandler {
  const b = new FileBuilder(ctx.name, 'siecle');
  const params: Record<string, string> = {};
  const pupils: RawPupil[] = [];
  const placements = new Map<string, Placement>();
  let pupil: RawPupil | null = null;
  let nPupils = 0;
  let structEleveId = '';
  let structure: Record<string, string> = {};

  const setUai = (uai: string) => {
    b.file.uai = uai.toUpperCase();
    checkUai(ctx, b.file.uai);
  };

  const placementOf = (id: string): Placement => {
    let p = placements.get(id);
    if (!p) {
      p = { classes: [], groups: [], inactive: false };
      placements.set(id, p);
    }
    return p;
  };

  return {
    source: 'SIECLE',
    open(name: string, attrs: Readonly<Record<string, string>>, ev: XmlEvent) {
      if (ev.parent === PARAMS && name === 'UAJ' && attrs['CODE']) {
        setUai(clean(attrs['CODE']));
      } else if (ev.path === ELEVE) {
        nPupils++;
        pupil = { eleveId: clean(attrs['ELEVE_ID']), fields: {}, where: elementWhere('ELEVE', nPupils, ev.line) };
      } else if (ev.path === STRUCTS_ELEVE) {
        structEleveId = clean(attrs['ELEVE_ID']);
      } else if (ev.path === STRUCTURE) {
        structure = {};
      }
    },
    close(name: string, text: string, ev: XmlEvent) {
      if (ev.parent === PARAMS) {
        const value = clean(text);
        if (value) params[name] = value;
        if (name === 'UAJ' && value) setUai(value);
      } else if (ev.parent === ELEVE && pupil && ELEVE_FIELDS.has(name)) {
        pupil.fields[name] = clean(text);
      } else if (ev.path === ELEVE && pupil) {
        pupils.push(pupil);
        pupil = null;
      } else if (ev.parent === STRUCTURE) {
        structure[name] = clean(text);
      } else if (ev.path === STRUCTURE && structEleveId) {
        const code = structure['CODE_STRUCTURE'] ?? '';
        const type = (structure['TYPE_STRUCTURE'] ?? '').toUpperCase();
        const p = placementOf(structEleveId);
        if (code.toLowerCase() === INACTIFS) p.inactive = true;
        else if (code && type === 'D') {
          p.classes.push(code);
          b.classes.add(code);
        } else if (code && type === 'G') p.groups.push(code);
      }
    },
    finish(): ParsedFile {
      const f = b.file;
      f.year = params['ANNEE_SCOLAIRE'] || null;
      f.exportDate = exportDate(params) ?? ctx.today;
      for (const raw of pupils) toPerson(b, raw, placements.get(raw.eleveId), f.exportDate);
      return b.finish();
    },
  };
}

/** DATE_EXPORT (dd/mm/yyyy) or the date part of HORODATAGE (dd/mm/yyyy hh:mm:ss). */
function exportDate(params: Record<string, string>): string | null {
  for (const v of [params['DATE_EXPORT'], params['HORODATAGE']?.split(' ')[0]]) {
    if (!v) continue;
    const d = parseDate(v, 'date', false);
    if (d.date) return d.date;
  }
  return null;
}

function toPerson(b: FileBuilder, raw: RawPupil, placement: Placement | undefined, exportOn: string): void {
  const f = raw.fields;
  if (!raw.eleveId) {
    b.error(raw.where, 'élève sans attribut ELEVE_ID : exportez le fichier de nouveau depuis SIECLE.');
    return;
  }
  const key = `SIECLE:${raw.eleveId}`;
  const birth = parseDate(f['DATE_NAISS'] ?? '', 'date de naissance', false);
  if (birth.error !== undefined) {
    b.error(raw.where, `${birth.error} Corrigez la fiche dans SIECLE.`, key);
    return;
  }
  let leftOn: string | null = null;
  if (f['DATE_SORTIE']) {
    const out = parseDate(f['DATE_SORTIE'], 'date de sortie', false);
    if (out.error !== undefined) {
      b.error(raw.where, `${out.error} Corrigez la fiche dans SIECLE.`, key);
      return;
    }
    if (out.date && out.date <= exportOn) leftOn = out.date;
  }
  const left = leftOn !== null;
  const classes = placement?.classes ?? [];
  if (!left && classes.length === 0) {
    if (placement?.inactive) {
      b.ignore('élèves de la structure « Inactifs »');
      return;
    }
    b.error(raw.where, 'élève sans classe (aucune structure de type D) : vérifiez son affectation dans SIECLE puis exportez de nouveau.', key);
    return;
  }
  const classe = classes[0] ?? null;
  if (classes.length > 1) {
    b.warn(raw.where, `élève inscrit dans plusieurs classes (${classes.join(', ')}) : seule « ${classe} » est retenue.`, key);
  }
  const ine = (f['ID_NATIONAL'] ?? '').toUpperCase();
  const otherIds: string[] = [];
  if (ine) {
    otherIds.push(`INE:${ine}`);
    if (!INE_RE.test(ine)) b.warn(raw.where, `INE « ${ine} » de forme inhabituelle.`, key);
  }
  const person = {
    key,
    otherIds,
    profile: 'eleve' as const,
    surname: f['NOM_USAGE'] || f['NOM_DE_FAMILLE'] || f['NOM'] || '',
    givenName: f['PRENOM'] ?? '',
    birthDate: birth.date,
    classe,
    groups: placement?.groups ?? [],
    left,
    leftOn,
    where: raw.where,
  };
  b.addPerson(person);
}
