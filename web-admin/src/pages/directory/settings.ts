// "Annuaire" section of the Paramètres page: the DirectorySettings form.
import { api, errorMessage } from '../../api.ts';
import type { DirectorySettings, PasswordPolicy, Profile } from '../../directory-types.ts';
import { h } from '../../dom.ts';
import type { PageContext } from '../../router.ts';
import { card, loadingText } from '../../widgets/card.ts';
import { checkboxField, type Field, numberField, textField, withBusy } from '../../widgets/fields.ts';
import { paths, rememberSettings } from './common.ts';

type NumberKey = 'pupilPasswordLength' | 'staffPasswordLength' | 'keepInitialPasswordsDays' | 'deletionGraceDays';
type PolicyNumberKey = Exclude<keyof PasswordPolicy, 'complexity'>;

interface NumberSpec {
  label: string;
  hint: string;
  min: number;
  max: number;
  unit?: string;
}

const NUMBERS: Record<NumberKey, NumberSpec> = {
  pupilPasswordLength: {
    label: 'Longueur des mots de passe des élèves',
    hint: 'Nombre de caractères des mots de passe créés automatiquement pour les élèves (de 6 à 32).',
    min: 6,
    max: 32,
    unit: 'caractères',
  },
  staffPasswordLength: {
    label: 'Longueur des mots de passe des adultes',
    hint: 'Nombre de caractères des mots de passe créés automatiquement pour les enseignants et les personnels (de 12 à 64).',
    min: 12,
    max: 64,
    unit: 'caractères',
  },
  keepInitialPasswordsDays: {
    label: 'Conservation des mots de passe initiaux',
    hint: 'Pendant combien de jours les premiers mots de passe restent disponibles pour imprimer les fiches de connexion (0 : jamais conservés ; 365 au plus).',
    min: 0,
    max: 365,
    unit: 'jours',
  },
  deletionGraceDays: {
    label: 'Délai avant suppression définitive',
    hint: 'Pendant combien de jours un compte supprimé reste dans la corbeille et peut être restauré (90 au plus : la CNIL demande d’effacer les données dans les 3 mois).',
    min: 0,
    max: 90,
    unit: 'jours',
  },
};

const POLICY: Record<PolicyNumberKey, NumberSpec> = {
  minLength: {
    label: 'Longueur minimale (élèves)',
    hint: 'Aucun mot de passe d’élève ne peut être plus court (de 4 à 32 caractères).',
    min: 4,
    max: 32,
    unit: 'caractères',
  },
  staffMinLength: {
    label: 'Longueur minimale (enseignants et personnels)',
    hint: 'Aucun mot de passe d’adulte ne peut être plus court (de 8 à 64 caractères).',
    min: 8,
    max: 64,
    unit: 'caractères',
  },
  historyLength: {
    label: 'Anciens mots de passe interdits',
    hint: 'Nombre d’anciens mots de passe qu’on ne peut pas réutiliser (0 : aucune restriction ; 24 au plus).',
    min: 0,
    max: 24,
  },
  maxAgeDays: {
    label: 'Durée de validité des mots de passe',
    hint: 'Au-delà, chacun doit changer son mot de passe (0 : le mot de passe n’expire jamais ; 999 au plus).',
    min: 0,
    max: 999,
    unit: 'jours',
  },
  lockoutThreshold: {
    label: 'Erreurs avant blocage du compte',
    hint: 'Nombre de mots de passe erronés à la suite avant que le compte soit bloqué (0 : jamais bloqué ; 999 au plus).',
    min: 0,
    max: 999,
  },
  lockoutMinutes: {
    label: 'Durée du blocage',
    hint: 'Temps pendant lequel un compte bloqué reste inutilisable (de 1 à 1440 minutes, soit 24 heures).',
    min: 1,
    max: 1440,
    unit: 'minutes',
  },
};

const MUST_CHANGE_LABELS: Record<Profile, string> = {
  eleve: 'Élèves',
  enseignant: 'Enseignants',
  personnel: 'Personnels',
};

const SCHEME_TOKENS = /\{(?:prenom|nom|p|n)\}|[._-]/g;

/** Mirrors the daemon's rules; a French message when the scheme is not valid. */
function schemeProblem(scheme: string): string | null {
  const tokens = scheme.match(SCHEME_TOKENS) ?? [];
  if (scheme === '' || tokens.join('') !== scheme) {
    return 'Utilisez seulement {prenom}, {nom}, {p}, {n} et un séparateur . - ou _ (par exemple {prenom}.{nom}).';
  }
  const given = tokens.filter((t) => t === '{prenom}' || t === '{p}').length;
  const surname = tokens.filter((t) => t === '{nom}' || t === '{n}').length;
  if (given !== 1 || surname !== 1) return 'Le modèle doit contenir une fois le prénom ({prenom} ou {p}) et une fois le nom ({nom} ou {n}).';
  const separator = (t: string | undefined) => t === '.' || t === '-' || t === '_';
  if (separator(tokens[0]) || separator(tokens[tokens.length - 1])) return 'Le modèle ne doit pas commencer ni finir par un séparateur.';
  if (tokens.length > 3) return 'Un seul séparateur au plus entre le prénom et le nom.';
  return null;
}

export function directorySettingsSection(ctx: PageContext): HTMLElement {
  const body = h('div', null, loadingText('Chargement des paramètres de l’annuaire…'));
  const section = card({ title: 'Annuaire', icon: 'directory', testId: 'directory-settings' }, body);
  api.get<DirectorySettings>(paths.settings, { signal: ctx.signal }).then(
    (settings) => body.replaceChildren(settingsForm(settings, ctx)),
    (error) => {
      if (!ctx.signal.aborted) body.replaceChildren(h('p', { class: 'alert alert-danger', role: 'alert' }, errorMessage(error)));
    },
  );
  return section;
}

function settingsForm(loaded: DirectorySettings, ctx: PageContext): HTMLFormElement {
  let saved = loaded;
  const scheme = textField({
    label: 'Modèle d’identifiant',
    name: 'loginScheme',
    value: loaded.loginScheme,
    mono: true,
    spellcheck: false,
    maxlength: 40,
    hint: 'Comment fabriquer l’identifiant des nouveaux comptes : le prénom ({prenom}, ou {p} pour son initiale) et le nom ({nom}, ou {n}), avec au plus un séparateur . - ou _ entre les deux. Les comptes existants ne changent pas.',
  });
  const example = h('p', { class: 'field-hint', 'aria-live': 'polite' });
  const showExample = () => {
    const value = scheme.control.value.trim();
    example.textContent = schemeProblem(value) ? '' : `Exemple pour Marie Dupont : ${renderScheme(value)}`;
  };
  scheme.control.addEventListener('input', showExample);
  showExample();

  const numbers = Object.fromEntries(
    (Object.keys(NUMBERS) as NumberKey[]).map((key) => [key, numberField({ name: key, value: loaded[key], ...NUMBERS[key] })]),
  ) as Record<NumberKey, ReturnType<typeof numberField>>;
  const policy = Object.fromEntries(
    (Object.keys(POLICY) as PolicyNumberKey[]).map((key) => [key, numberField({ name: `policy.${key}`, value: loaded.policy[key], ...POLICY[key] })]),
  ) as Record<PolicyNumberKey, ReturnType<typeof numberField>>;
  const mustChange = Object.fromEntries(
    (Object.keys(MUST_CHANGE_LABELS) as Profile[]).map((profile) => [
      profile,
      checkboxField({ label: MUST_CHANGE_LABELS[profile], name: `mustChange.${profile}`, checked: Boolean(loaded.mustChangePassword?.[profile]) }),
    ]),
  ) as Record<Profile, Field<HTMLInputElement>>;
  const complexity = checkboxField({
    label: 'Exiger des mots de passe complexes',
    name: 'policy.complexity',
    checked: loaded.policy.complexity,
    hint: 'Au moins trois sortes de caractères parmi majuscules, minuscules, chiffres et symboles, sans reprendre le nom de la personne.',
  });

  const message = h('p', { class: 'form-message', role: 'alert' });
  const success = h('p', { class: 'form-message form-message-success', role: 'status', 'data-testid': 'settings-saved' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Enregistrer');

  const fill = (settings: DirectorySettings) => {
    scheme.control.value = settings.loginScheme;
    for (const key of Object.keys(numbers) as NumberKey[]) numbers[key].control.value = String(settings[key]);
    for (const key of Object.keys(policy) as PolicyNumberKey[]) policy[key].control.value = String(settings.policy[key]);
    for (const profile of Object.keys(mustChange) as Profile[]) mustChange[profile].control.checked = Boolean(settings.mustChangePassword?.[profile]);
    complexity.control.checked = settings.policy.complexity;
    showExample();
  };

  /** Reads and checks the form; null (and messages shown, first field focused) when invalid. */
  const read = (): DirectorySettings | null => {
    const errors: [Field<HTMLElement>, string][] = [];
    const all = [scheme, ...Object.values(numbers), ...Object.values(policy)];
    for (const field of all) field.setError(null);

    const loginScheme = scheme.control.value.trim();
    const problem = schemeProblem(loginScheme);
    if (problem) errors.push([scheme, problem]);
    const value = (field: ReturnType<typeof numberField>, spec: NumberSpec): number => {
      const n = field.read();
      if (n === null || n < spec.min || n > spec.max) {
        errors.push([field, `Indiquez un nombre entier entre ${spec.min} et ${spec.max}.`]);
        return spec.min;
      }
      return n;
    };
    const next: DirectorySettings = {
      ...saved,
      loginScheme,
      pupilPasswordLength: value(numbers.pupilPasswordLength, NUMBERS.pupilPasswordLength),
      staffPasswordLength: value(numbers.staffPasswordLength, NUMBERS.staffPasswordLength),
      keepInitialPasswordsDays: value(numbers.keepInitialPasswordsDays, NUMBERS.keepInitialPasswordsDays),
      deletionGraceDays: value(numbers.deletionGraceDays, NUMBERS.deletionGraceDays),
      mustChangePassword: {
        ...saved.mustChangePassword,
        eleve: mustChange.eleve.control.checked,
        enseignant: mustChange.enseignant.control.checked,
        personnel: mustChange.personnel.control.checked,
      },
      policy: {
        ...saved.policy,
        minLength: value(policy.minLength, POLICY.minLength),
        staffMinLength: value(policy.staffMinLength, POLICY.staffMinLength),
        complexity: complexity.control.checked,
        historyLength: value(policy.historyLength, POLICY.historyLength),
        maxAgeDays: value(policy.maxAgeDays, POLICY.maxAgeDays),
        lockoutThreshold: value(policy.lockoutThreshold, POLICY.lockoutThreshold),
        lockoutMinutes: value(policy.lockoutMinutes, POLICY.lockoutMinutes),
      },
    };
    const taken = new Set(errors.map(([field]) => field));
    if (!taken.has(numbers.pupilPasswordLength) && !taken.has(policy.minLength) && next.pupilPasswordLength < next.policy.minLength) {
      errors.push([numbers.pupilPasswordLength, `Les mots de passe créés pour les élèves seraient plus courts que la longueur minimale exigée (${next.policy.minLength} caractères).`]);
    }
    if (!taken.has(numbers.staffPasswordLength) && !taken.has(policy.staffMinLength) && next.staffPasswordLength < next.policy.staffMinLength) {
      errors.push([numbers.staffPasswordLength, `Les mots de passe créés pour les adultes seraient plus courts que la longueur minimale exigée (${next.policy.staffMinLength} caractères).`]);
    }
    if (!taken.has(policy.minLength) && !taken.has(policy.staffMinLength) && next.policy.staffMinLength < next.policy.minLength) {
      errors.push([policy.staffMinLength, `La longueur minimale des adultes ne peut pas être plus petite que celle des élèves (${next.policy.minLength} caractères).`]);
    }
    if (errors.length === 0) return next;
    for (const [field, text] of errors) field.setError(text);
    message.className = 'form-message form-message-error';
    message.textContent =
      errors.length === 1 ? 'Un réglage est à corriger (voir ci-dessous).' : `${errors.length} réglages sont à corriger (voir ci-dessous).`;
    errors[0]?.[0].control.focus();
    return null;
  };

  const form = h(
    'form',
    { class: 'settings-form', novalidate: true, 'aria-label': 'Paramètres de l’annuaire' },
    h('p', { class: 'lead' }, 'Ces réglages s’appliquent aux comptes des élèves, des enseignants et des personnels.'),
    message,
    h('fieldset', { class: 'settings-group' }, h('legend', null, 'Identifiants de connexion'), scheme.element, example),
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, 'Mots de passe créés par Trousse'),
      h('div', { class: 'form-row' }, numbers.pupilPasswordLength.element, numbers.staffPasswordLength.element),
      h(
        'fieldset',
        { class: 'settings-subgroup' },
        h('legend', null, 'Changer le mot de passe à la première connexion'),
        h('p', { class: 'field-hint' }, 'Cochez les profils qui doivent remplacer le mot de passe reçu par un mot de passe de leur choix.'),
        h('div', { class: 'check-row' }, Object.values(mustChange).map((field) => field.element)),
      ),
    ),
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, 'Conservation et suppression'),
      h('div', { class: 'form-row' }, numbers.keepInitialPasswordsDays.element, numbers.deletionGraceDays.element),
    ),
    h(
      'fieldset',
      { class: 'settings-group' },
      h('legend', null, 'Règles de mot de passe du domaine'),
      h('p', { class: 'field-hint' }, 'Elles s’appliquent à tous les mots de passe, y compris ceux que chacun choisit.'),
      h('div', { class: 'form-row' }, policy.minLength.element, policy.staffMinLength.element),
      complexity.element,
      h('div', { class: 'form-row' }, policy.historyLength.element, policy.maxAgeDays.element),
      h('div', { class: 'form-row' }, policy.lockoutThreshold.element, policy.lockoutMinutes.element),
    ),
    success,
    h('div', { class: 'form-actions' }, submit),
  );

  form.addEventListener('input', () => {
    success.textContent = '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    message.textContent = '';
    success.textContent = '';
    const next = read();
    if (!next) return;
    try {
      const answer = await withBusy(submit, 'Enregistrement…', () => api.put<DirectorySettings>(paths.settings, next));
      saved = answer ?? next;
      rememberSettings(saved);
      fill(saved);
      success.textContent = 'Les paramètres de l’annuaire ont été enregistrés.';
    } catch (error) {
      if (ctx.signal.aborted) return;
      message.className = 'form-message form-message-error';
      message.textContent = errorMessage(error);
    }
  });
  return form;
}

/** Indicative rendering of the scheme for "Marie Dupont". */
function renderScheme(scheme: string): string {
  const values: Record<string, string> = { prenom: 'marie', nom: 'dupont', p: 'm', n: 'd' };
  return scheme.replace(/\{(prenom|nom|p|n)\}/g, (_, token: string) => values[token] ?? '');
}
