// "Distribuer un devoir": title, a file or folder picked in the teacher's home, classes and
// groups, mode, due date → POST /homework → the assignment's page.
import { ApiError, api, errorMessage, isAbort } from '../../api.ts';
import { h, uid } from '../../dom.ts';
import { formatBytes, formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import { notify } from '../../notify.ts';
import type { Page, PageContext } from '../../router.ts';
import type { BrowseAnswer, HomeworkDetail, HomeworkMode, NewHomework, Target } from '../../shares-types.ts';
import { card } from '../../widgets/card.ts';
import { type Field, textField, withBusy } from '../../widgets/fields.ts';
import { backLink } from '../directory/common.ts';
import { type HomeworkTargets, homeworkPaths, homeworkRoutes, MODE_EXPLANATIONS, MODE_LABELS } from './common.ts';

const MODES: HomeworkMode[] = ['lecture', 'copie'];

export const homeworkNewPage: Page = {
  path: homeworkRoutes.create,
  title: 'Distribuer un devoir',
  roles: ['teacher', 'administrator'],
  icon: 'homework',
  nav: false,
  render(container, ctx) {
    const isAdmin = ctx.user.role === 'administrator';
    const unavailable = h('div', { role: 'alert' });
    const showUnavailable = (message: string) => {
      unavailable.replaceChildren(
        h(
          'div',
          { class: 'alert alert-danger', 'data-testid': 'homework-unavailable' },
          h('p', { class: 'alert-title' }, 'Les devoirs ne sont pas disponibles sur ce serveur'),
          h('p', null, message),
        ),
      );
    };

    // ---- fields ----
    const teacher = isAdmin
      ? textField({
          label: 'Enseignant',
          name: 'teacher',
          required: true,
          mono: true,
          spellcheck: false,
          maxlength: 64,
          testId: 'homework-teacher',
          hint: 'L’identifiant de l’enseignant (par exemple « marie.dupont ») : les documents sont pris dans son dossier personnel et les copies ramassées y arrivent.',
        })
      : null;
    const title = textField({
      label: 'Titre du devoir',
      name: 'title',
      required: true,
      maxlength: 300,
      testId: 'homework-title',
      hint: 'Il devient le nom du dossier chez les élèves (Devoirs/<titre>) : évitez les caractères / \\ : * ? " < > |.',
    });
    const picker = sourcePicker(ctx, () => teacher?.control.value.trim() || undefined, isAdmin, showUnavailable);
    const targets = targetsBlock(ctx, isAdmin);
    const mode = modeBlock();
    const due = textField({
      label: 'Date limite',
      name: 'dueAt',
      optional: true,
      testId: 'homework-due',
      hint: 'Au ramassage, un travail modifié après cette date est marqué « en retard ». Rien n’est bloqué pour autant.',
    });
    due.control.type = 'datetime-local';

    if (teacher) {
      const browse = h('button', { type: 'button', class: 'button', 'data-testid': 'homework-teacher-browse' }, 'Parcourir son dossier');
      browse.addEventListener('click', () => void picker.reset());
      // Another teacher: another home folder (the choice made in the previous one is forgotten).
      teacher.control.addEventListener('change', () => void picker.teacherChanged());
      teacher.control.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          void picker.teacherChanged();
        }
      });
      teacher.element.append(h('div', { class: 'actions-row' }, browse));
    }

    const message = h('p', { class: 'form-message form-message-error', role: 'alert', 'data-testid': 'homework-form-message' });
    const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-testid': 'homework-submit' }, 'Distribuer');

    const form = h(
      'form',
      { class: 'settings-form', novalidate: true, 'aria-label': 'Distribuer un devoir', 'data-testid': 'homework-form' },
      teacher?.element,
      title.element,
      picker.element,
      targets.element,
      mode.element,
      due.element,
      message,
      h(
        'div',
        { class: 'form-actions' },
        submit,
        h('a', { class: 'button button-ghost', href: `#${homeworkRoutes.list}` }, 'Annuler'),
      ),
    );

    /** Fields that a server error code points to. */
    const fieldOf = (code: string): Field<HTMLElement> | null => {
      if (code === 'INVALID_TITLE' || code === 'HOMEWORK_EXISTS' || code === 'FOLDER_INVALID') return title;
      if (code.startsWith('SOURCE_') || code === 'INVALID_SOURCE' || code === 'PATH_NOT_FOUND' || code === 'INVALID_PATH') return picker.field;
      if (code === 'INVALID_DATE') return due;
      if (['NO_TARGET', 'NO_PUPIL', 'CLASS_NOT_FOUND', 'GROUP_NOT_FOUND', 'FORBIDDEN', 'GROUP_INVALID'].includes(code)) return targets.field;
      if (teacher && ['TEACHER_REQUIRED', 'NOT_A_TEACHER', 'USER_NOT_FOUND'].includes(code)) return teacher;
      return null;
    };
    const allFields: Field<HTMLElement>[] = [title, picker.field, targets.field, due, ...(teacher ? [teacher] : [])];
    const showError = (text: string, field: Field<HTMLElement> | null) => {
      message.textContent = text;
      if (field) {
        field.setError(text);
        field.control.focus();
      }
    };

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      message.textContent = '';
      for (const field of allFields) field.setError(null);

      // What the request's schema would refuse with a technical message is checked here first.
      const teacherLogin = teacher?.control.value.trim() ?? '';
      if (teacher && !teacherLogin) return showError('Indiquez l’identifiant de l’enseignant.', teacher);
      const titleText = title.control.value.trim();
      if (!titleText) return showError('Indiquez le titre du devoir.', title);
      const source = picker.selected();
      if (!source) return showError('Choisissez le fichier ou le dossier à distribuer (bouton « Choisir »).', picker.field);
      const chosen = targets.read();
      if (typeof chosen === 'string') return showError(chosen, targets.field);
      let dueAt: string | null = null;
      if (due.control.value) {
        const date = new Date(due.control.value);
        if (Number.isNaN(date.getTime())) return showError('Date limite illisible : choisissez le jour et l’heure.', due);
        dueAt = date.toISOString();
      }

      const body: NewHomework = { title: titleText, source, targets: chosen, mode: mode.value(), dueAt };
      if (teacher) body.teacher = teacherLogin;
      try {
        const created = await withBusy(submit, 'Distribution en cours…', () => api.post<HomeworkDetail>(homeworkPaths.list, body));
        const c = created.counts;
        notify(
          c.failed
            ? `Devoir distribué à ${formatInteger(c.handedOut)} élève(s) sur ${formatInteger(c.pupils)} ; ${formatInteger(c.failed)} erreur(s) à voir sur sa page.`
            : `Devoir « ${created.title} » distribué à ${formatInteger(c.handedOut)} élève(s).`,
          c.failed ? 'error' : 'info',
        );
        ctx.navigate(homeworkRoutes.one(created.id));
      } catch (error) {
        if (isAbort(error) || ctx.signal.aborted) return;
        const text = errorMessage(error);
        if (error instanceof ApiError && error.code === 'SHARES_DISABLED') showUnavailable(text);
        showError(text, error instanceof ApiError ? fieldOf(error.code) : null);
      }
    });

    container.append(
      backLink(`#${homeworkRoutes.list}`, 'Retour à la liste des devoirs'),
      h(
        'div',
        { class: 'directory-page page-fit settings-page', 'data-testid': 'homework-new-page' },
        unavailable,
        h(
          'p',
          { class: 'muted intro' },
          'Chaque élève reçoit le document dans son dossier personnel, sous « Devoirs ». Vous pourrez ensuite ramasser les travaux, puis rendre les copies corrigées.',
        ),
        card({ title: 'Nouveau devoir', icon: 'homework', testId: 'homework-new-card' }, form),
      ),
    );
    void picker.reset();
  },
};

// ---- source picker --------------------------------------------------------------------------

interface Picker {
  element: HTMLElement;
  /** For error messages and focus. */
  field: Field<HTMLElement>;
  /** The chosen path, relative to the home; null when nothing is chosen. */
  selected(): string | null;
  /** Forgets the choice and shows the home folder. */
  reset(): Promise<void>;
  /** reset() when the teacher is not the one whose folder is shown. */
  teacherChanged(): Promise<void>;
}

function sourcePicker(
  ctx: PageContext,
  teacher: () => string | undefined,
  isAdmin: boolean,
  onUnavailable: (message: string) => void,
): Picker {
  const labelId = uid('picker-label');
  const hintId = uid('picker-hint');
  const errorId = uid('picker-error');
  let path = '';
  let chosen: { path: string; dir: boolean } | null = null;
  let request: AbortController | null = null;
  /** The teacher whose folder is shown (administrators). */
  let shownFor: string | undefined;

  const chosenLine = h('p', { class: 'picker-chosen', role: 'status', 'data-testid': 'homework-source-chosen' });
  const crumbs = h('ol', { class: 'picker-crumbs' });
  const list = h('div', { class: 'picker-list' });
  const box = h(
    'div',
    { class: 'picker', tabindex: '-1', role: 'group', 'aria-labelledby': labelId, 'aria-describedby': hintId, 'data-testid': 'homework-source' },
    h('nav', { 'aria-label': 'Emplacement dans le dossier personnel' }, crumbs),
    list,
  );
  const error = h('p', { class: 'field-error', id: errorId });
  const element = h(
    'div',
    { class: 'field' },
    h('span', { class: 'field-label', id: labelId }, 'Document à distribuer'),
    h(
      'p',
      { class: 'field-hint', id: hintId },
      isAdmin
        ? 'Un fichier ou un dossier du dossier personnel de l’enseignant. Ouvrez les dossiers, puis cliquez sur « Choisir ».'
        : 'Un fichier ou un dossier de votre dossier personnel (lecteur H: sous Windows). Ouvrez les dossiers, puis cliquez sur « Choisir ».',
    ),
    chosenLine,
    box,
    error,
  );
  const field: Field<HTMLElement> = {
    element,
    control: box,
    setError(text) {
      error.textContent = text ?? '';
      if (text) {
        box.setAttribute('aria-invalid', 'true');
        box.setAttribute('aria-describedby', `${hintId} ${errorId}`);
      } else {
        box.removeAttribute('aria-invalid');
        box.setAttribute('aria-describedby', hintId);
      }
    },
  };

  const join = (base: string, name: string) => (base ? `${base}/${name}` : name);
  const showChosen = () => {
    chosenLine.replaceChildren(
      chosen
        ? h('span', null, chosen.dir ? 'Dossier choisi : ' : 'Fichier choisi : ', h('strong', { class: 'login' }, chosen.path))
        : h('span', { class: 'muted' }, 'Aucun document choisi pour le moment.'),
    );
  };
  const choose = (next: { path: string; dir: boolean }) => {
    chosen = next;
    field.setError(null);
    showChosen();
    renderEntries(lastEntries);
  };

  const renderCrumbs = () => {
    const parts = path ? path.split('/') : [];
    const items = [{ label: isAdmin ? 'Dossier personnel' : 'Mon dossier personnel', target: '' }];
    for (const [index, part] of parts.entries()) items.push({ label: part, target: parts.slice(0, index + 1).join('/') });
    crumbs.replaceChildren(
      ...items.map((item, index) => {
        const last = index === items.length - 1;
        const link = h(
          'button',
          { type: 'button', class: 'picker-crumb', 'aria-current': last ? 'location' : undefined, disabled: last },
          item.label,
        );
        link.addEventListener('click', () => void load(item.target));
        return h('li', null, link);
      }),
    );
  };

  let lastEntries: BrowseAnswer['entries'] = [];
  const renderEntries = (entries: BrowseAnswer['entries']) => {
    lastEntries = entries;
    const rows: HTMLElement[] = [];
    if (path) {
      const here = path.split('/').pop() ?? path;
      const selected = chosen?.path === path;
      const pick = h(
        'button',
        { type: 'button', class: 'button button-small', 'aria-pressed': selected ? 'true' : 'false', 'data-testid': 'homework-pick-current' },
        selected ? 'Choisi' : 'Choisir tout ce dossier',
      );
      pick.addEventListener('click', () => choose({ path, dir: true }));
      rows.push(h('li', { class: `picker-row picker-current${selected ? ' is-selected' : ''}` }, h('span', { class: 'picker-name' }, icon('shares'), h('strong', null, here)), h('span', null), pick));
    }
    for (const entry of entries) {
      const target = join(path, entry.name);
      const selected = chosen?.path === target;
      const pick = h(
        'button',
        {
          type: 'button',
          class: 'button button-small',
          'aria-pressed': selected ? 'true' : 'false',
          'aria-label': `${selected ? 'Choisi' : 'Choisir'} ${entry.dir ? 'le dossier' : 'le fichier'} ${entry.name}`,
        },
        selected ? 'Choisi' : 'Choisir',
      );
      pick.addEventListener('click', () => choose({ path: target, dir: entry.dir }));
      let name: HTMLElement;
      if (entry.dir) {
        name = h('button', { type: 'button', class: 'picker-open', title: `Ouvrir le dossier ${entry.name}` }, icon('shares'), h('span', null, entry.name));
        name.addEventListener('click', () => void load(target));
      } else {
        name = h('span', { class: 'picker-name' }, icon('file'), h('span', null, entry.name));
      }
      rows.push(
        h(
          'li',
          { class: `picker-row${selected ? ' is-selected' : ''}`, 'data-testid': 'homework-entry', 'data-name': entry.name, 'data-dir': entry.dir ? 'true' : 'false' },
          name,
          h('span', { class: 'muted small' }, entry.dir ? 'dossier' : formatBytes(entry.size)),
          pick,
        ),
      );
    }
    list.replaceChildren(
      rows.length ? h('ul', { class: 'picker-rows' }, rows) : '',
      entries.length === 0 ? h('p', { class: 'muted picker-empty' }, path ? 'Ce dossier est vide.' : 'Ce dossier personnel est vide : déposez-y d’abord le document à distribuer.') : '',
    );
  };

  async function load(next: string): Promise<void> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    box.setAttribute('aria-busy', 'true');
    list.replaceChildren(h('p', { class: 'muted loading' }, 'Chargement…'));
    const owner = isAdmin ? teacher() : undefined;
    shownFor = owner;
    try {
      const answer = await api.get<BrowseAnswer>(homeworkPaths.browse(next, owner), {
        signal: AbortSignal.any([ctx.signal, controller.signal]),
      });
      path = answer.path ?? next;
      renderCrumbs();
      renderEntries(answer.entries ?? []);
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted || ctx.signal.aborted) return;
      if (err instanceof ApiError && err.code === 'TEACHER_REQUIRED') {
        path = '';
        renderCrumbs();
        list.replaceChildren(h('p', { class: 'muted picker-empty' }, 'Indiquez d’abord l’identifiant de l’enseignant ci-dessus, puis cliquez sur « Parcourir son dossier ».'));
        return;
      }
      if (err instanceof ApiError && err.code === 'SHARES_DISABLED') onUnavailable(err.message);
      const retry = h('button', { type: 'button', class: 'button button-small' }, 'Réessayer');
      retry.addEventListener('click', () => void load(next));
      list.replaceChildren(h('p', { class: 'alert alert-danger', 'data-testid': 'homework-browse-error' }, errorMessage(err)), h('p', { class: 'actions-row' }, retry));
    } finally {
      if (request === controller) box.removeAttribute('aria-busy');
    }
  }

  showChosen();
  renderCrumbs();
  return {
    element,
    field,
    selected: () => chosen?.path ?? null,
    reset() {
      chosen = null;
      showChosen();
      return load('');
    },
    async teacherChanged() {
      if (teacher() === shownFor) return;
      chosen = null;
      showChosen();
      await load('');
    },
  };
}

// ---- targets: classes (checkboxes) and groups ----------------------------------------------

interface TargetsBlock {
  element: HTMLElement;
  field: Field<HTMLElement>;
  /** The targets, or a French message when none is chosen. */
  read(): Target[] | string;
}

function targetsBlock(ctx: PageContext, isAdmin: boolean): TargetsBlock {
  const errorId = uid('targets-error');
  const legendId = uid('targets-legend');
  const classesSlot = h('div', null, h('p', { class: 'muted loading' }, 'Chargement des classes…'));
  const groupsSlot = h('div');
  const classBoxes = new Map<string, HTMLInputElement>();
  const groupBoxes = new Map<string, HTMLInputElement>();
  const error = h('p', { class: 'field-error', id: errorId });
  const fieldset = h(
    'fieldset',
    { class: 'settings-group', tabindex: '-1', 'aria-labelledby': legendId, 'data-testid': 'homework-targets' },
    h('legend', { id: legendId }, 'Pour qui ?'),
    h('h3', { class: 'section-title' }, isAdmin ? 'Classes' : 'Vos classes'),
    classesSlot,
    h('h3', { class: 'section-title' }, isAdmin ? 'Groupes (facultatif)' : 'Groupes'),
    groupsSlot,
    error,
  );

  const checkItem = (boxes: Map<string, HTMLInputElement>, name: string, label: string, note: string, testId: string) => {
    const id = uid('target');
    const input = h('input', { type: 'checkbox', id, value: name, 'data-testid': testId });
    boxes.set(name, input);
    return h('li', { class: 'check-item' }, input, h('label', { for: id }, label, ' ', h('span', { class: 'muted small' }, note)));
  };

  // one answer for both lists: a teacher gets their classes (team) and the groups they belong to
  api.get<HomeworkTargets>(homeworkPaths.targets, { signal: ctx.signal }).then(
    (answer) => {
      classesSlot.replaceChildren(
        answer.classes.length
          ? h(
              'div',
              { class: 'check-list' },
              h(
                'ul',
                null,
                answer.classes.map((c) => checkItem(classBoxes, c.name, c.name, `${formatInteger(c.pupils)} élève${c.pupils > 1 ? 's' : ''}`, 'homework-class')),
              ),
            )
          : h(
              'p',
              { class: 'muted' },
              isAdmin
                ? 'Aucune classe pour le moment.'
                : 'Vous n’êtes encore dans l’équipe pédagogique d’aucune classe : demandez à l’administrateur de la console de vous y ajouter, ou choisissez un groupe.',
            ),
      );
      groupsSlot.replaceChildren(
        answer.groups.length
          ? h(
              'div',
              { class: 'check-list' },
              h(
                'ul',
                null,
                answer.groups.map((g) => checkItem(groupBoxes, g.name, g.label, `${formatInteger(g.pupils)} élève${g.pupils > 1 ? 's' : ''}`, 'homework-group')),
              ),
            )
          : h('p', { class: 'muted' }, isAdmin ? 'Aucun groupe avec des élèves.' : 'Vous n’êtes membre d’aucun groupe d’élèves.'),
      );
    },
    (err) => {
      if (!ctx.signal.aborted) classesSlot.replaceChildren(h('p', { class: 'alert alert-danger' }, errorMessage(err)));
    },
  );

  const field: Field<HTMLElement> = {
    element: fieldset,
    control: fieldset,
    setError(text) {
      error.textContent = text ?? '';
      if (text) fieldset.setAttribute('aria-describedby', errorId);
      else fieldset.removeAttribute('aria-describedby');
    },
  };

  return {
    element: fieldset,
    field,
    read() {
      const list: Target[] = [];
      for (const [name, box] of classBoxes) if (box.checked) list.push({ kind: 'classe', name });
      for (const [name, box] of groupBoxes) if (box.checked) list.push({ kind: 'groupe', name });
      if (list.length === 0) return 'Cochez au moins une classe ou un groupe.';
      return list;
    },
  };
}

// ---- mode -------------------------------------------------------------------------------------

function modeBlock(): { element: HTMLElement; value(): HomeworkMode } {
  const name = uid('homework-mode');
  const inputs = MODES.map((mode) => {
    const id = uid('homework-mode');
    const hintId = `${id}-hint`;
    const input = h('input', { type: 'radio', id, name, value: mode, checked: mode === 'lecture', 'aria-describedby': hintId, 'data-testid': `homework-mode-${mode}` });
    return {
      input,
      element: h(
        'div',
        { class: 'field field-check' },
        h('div', { class: 'field-check-row' }, input, h('label', { for: id }, capitalize(MODE_LABELS[mode]))),
        h('p', { class: 'field-hint', id: hintId }, MODE_EXPLANATIONS[mode]),
      ),
    };
  });
  return {
    element: h('fieldset', { class: 'settings-group' }, h('legend', null, 'Mode'), inputs.map((i) => i.element)),
    value: () => (inputs.find((i) => i.input.checked)?.input.value as HomeworkMode | undefined) ?? 'lecture',
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
