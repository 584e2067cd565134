// Step 1 "Fichiers": what to export and where, the drop zone, each file as the daemon read it.
import { ApiError, api, errorMessage, isAbort, uploadRaw } from '../../api.ts';
import { h, uid } from '../../dom.ts';
import { formatBytes, formatInteger } from '../../format.ts';
import { icon } from '../../icons.ts';
import type { ImportFile, ImportRun } from '../../imports-types.ts';
import { notify } from '../../notify.ts';
import { card, facts } from '../../widgets/card.ts';
import { withBusy } from '../../widgets/fields.ts';
import { plural } from '../directory/common.ts';
import { importPaths, issuesList, MAX_FILE_BYTES, type Wizard } from './common.ts';

export function renderFilesStep(slot: HTMLElement, first: ImportRun, wizard: Wizard): void {
  let run = first;
  let pending = 0;
  let queue: Promise<void> = Promise.resolve();

  const inputId = uid('import-files');
  const input = h('input', {
    type: 'file',
    id: inputId,
    name: 'files',
    multiple: true,
    class: 'import-file-input',
    'data-testid': 'import-upload-input',
    'aria-describedby': `${inputId}-hint`,
  });
  const dropzone = h(
    'div',
    { class: 'import-dropzone', 'data-testid': 'import-dropzone' },
    icon('imports', 'icon icon-lg'),
    h('label', { for: inputId, class: 'import-dropzone-label' }, 'Choisir les fichiers à importer'),
    h('p', { class: 'muted small', id: `${inputId}-hint` }, 'ou faites-les glisser ici. Fichiers XML, ZIP ou CSV, 64 Mo au plus chacun, déposés tels quels (inutile de les décompresser).'),
    input,
  );
  const refused = h('div', { class: 'import-refused' });
  const uploads = h('ul', { class: 'import-file-list', 'aria-label': 'Fichiers en cours d’envoi' });
  const list = h('div', { 'aria-live': 'polite' });
  const analyse = h('button', { type: 'button', class: 'button button-primary', 'data-testid': 'import-analyse' }, 'Analyser');
  const analyseHint = h('p', { class: 'muted small', id: uid('analyse-hint') });
  analyse.setAttribute('aria-describedby', analyseHint.id);

  const back = h('button', { type: 'button', class: 'button', onClick: () => wizard.show(run, 'diff') }, 'Revenir aux différences sans changer les fichiers');
  const refresh = () => {
    renderList(list, run, wizard, (next) => {
      run = next;
      refresh();
    });
    // Adding or removing a file sends the run back to "brouillon": analyse again.
    back.hidden = run.state !== 'analysed' || !run.diff || pending > 0;
    wizard.header(run);
    const files = run.files ?? [];
    analyse.disabled = files.length === 0 || pending > 0;
    analyseHint.textContent =
      pending > 0
        ? 'Attendez la fin de l’envoi des fichiers.'
        : files.length === 0
          ? 'Déposez au moins un fichier pour lancer l’analyse.'
          : 'L’analyse compare les fichiers à l’annuaire. Rien n’est modifié à cette étape.';
  };

  const upload = async (file: File) => {
    const row = h(
      'li',
      { class: 'import-file import-file-pending', 'data-testid': 'import-file-pending' },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      h('span', null, `Envoi et lecture de « ${file.name} » (${formatBytes(file.size)})…`),
    );
    uploads.append(row);
    try {
      if (file.size > MAX_FILE_BYTES) {
        throw new ApiError(413, 'IMPORT_TOO_LARGE', `Ce fichier fait ${formatBytes(file.size)} : la taille maximale est de 64 Mo.`);
      }
      run = await uploadRaw<ImportRun>(importPaths.files(run.id, file.name), file, { signal: wizard.signal });
    } catch (error) {
      if (isAbort(error) || wizard.signal.aborted) return;
      showRefused(refused, file.name, errorMessage(error));
    } finally {
      row.remove();
    }
  };

  const enqueue = (files: File[]) => {
    if (files.length === 0) return;
    pending += files.length;
    refresh();
    for (const file of files) {
      queue = queue.then(async () => {
        await upload(file);
        pending -= 1;
        if (!wizard.signal.aborted) refresh();
      });
    }
  };

  input.addEventListener('change', () => {
    enqueue([...(input.files ?? [])]);
    input.value = '';
  });
  dropzone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropzone.classList.add('is-dragging');
  });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('is-dragging'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('is-dragging');
    enqueue([...(event.dataTransfer?.files ?? [])]);
  });

  analyse.addEventListener('click', async () => {
    try {
      const next = await withBusy(analyse, 'Analyse en cours…', () => api.post<ImportRun>(importPaths.analyse(run.id), undefined, { signal: wizard.signal }));
      wizard.show(next);
    } catch (error) {
      if (!wizard.signal.aborted) notify(errorMessage(error), 'error');
    }
  });

  slot.append(
    h(
      'div',
      { class: 'directory-page' },
      helpCard(run),
      card({ title: 'Fichiers de l’import', icon: 'imports', testId: 'import-files' }, dropzone, refused, uploads, list),
      h('div', { class: 'card import-actions' }, h('div', { class: 'actions-row' }, analyse, back), analyseHint),
    ),
  );
  refresh();
}

function helpCard(run: ImportRun): HTMLElement {
  const rollover = run.mode === 'rollover';
  return card(
    { title: 'Quels fichiers déposer ?', icon: 'info', testId: 'import-help' },
    h(
      'p',
      { class: 'lead' },
      rollover
        ? 'Pour la rentrée, déposez les exports de la nouvelle année scolaire : SIECLE pour les élèves et STS-Web pour les enseignants. Un compte importé absent de ces fichiers sera retiré.'
        : 'Déposez un ou plusieurs fichiers ; une même personne présente dans deux fichiers n’est comptée qu’une fois.',
    ),
    h(
      'ul',
      { class: 'import-help-list' },
      h('li', null, h('strong', null, 'Élèves (SIECLE) : '), 'dans SIECLE Base Élèves, menu « Exports › XML › ElevesSansAdresses ». Déposez le fichier ZIP obtenu.'),
      h('li', null, h('strong', null, 'Enseignants (STS-Web) : '), 'le fichier « sts_emp_<UAI>_<année>.xml » exporté depuis STS-Web (export pour l’emploi du temps).'),
      h('li', null, h('strong', null, 'Annuaire académique (AAF) : '), 'les fichiers fournis par l’académie (ENT), complets de préférence.'),
      h('li', null, h('strong', null, 'Ou un fichier CSV : '), 'colonnes Nom;Prénom;Date de naissance;Classe, séparées par des points-virgules.'),
    ),
  );
}

function showRefused(box: HTMLElement, name: string, message: string): void {
  const close = h('button', { type: 'button', class: 'button button-small' }, 'Masquer');
  const alert = h(
    'div',
    { class: 'alert alert-danger', role: 'alert', 'data-testid': 'import-file-refused' },
    h('p', { class: 'alert-title' }, `Le fichier « ${name} » a été refusé`),
    h('p', null, message),
    h('p', null, close),
  );
  close.addEventListener('click', () => alert.remove());
  box.append(alert);
}

function renderList(list: HTMLElement, run: ImportRun, wizard: Wizard, update: (run: ImportRun) => void): void {
  const files = run.files ?? [];
  if (files.length === 0) {
    list.replaceChildren(h('p', { class: 'muted import-no-file' }, 'Aucun fichier déposé pour le moment.'));
    return;
  }
  list.replaceChildren(
    h('p', { class: 'list-total' }, plural(files.length, 'fichier déposé', 'fichiers déposés')),
    h('ul', { class: 'import-file-list' }, files.map((file, index) => fileRow(file, index, run, wizard, update))),
  );
}

function fileRow(file: ImportFile, index: number, run: ImportRun, wizard: Wizard, update: (run: ImportRun) => void): HTMLElement {
  const remove = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Retirer le fichier ${file.name}`, 'data-testid': 'import-file-remove' }, 'Retirer');
  remove.addEventListener('click', async () => {
    try {
      update(await withBusy(remove, 'Retrait…', () => api.delete<ImportRun>(importPaths.file(run.id, index), { signal: wizard.signal })));
    } catch (error) {
      if (!wizard.signal.aborted) notify(errorMessage(error), 'error');
    }
  });
  const errors = file.errors ?? [];
  const warnings = file.warnings ?? [];
  const rows: [string, string][] = [
    ['Type reconnu', file.label || file.kind],
    ['UAI', file.uai ?? 'Non indiqué'],
    ['Année scolaire', file.year ?? 'Non indiquée'],
    ['Personnes', formatInteger(file.persons)],
    ['Classes', formatInteger(file.classes)],
  ];
  return h(
    'li',
    { class: 'import-file', 'data-testid': 'import-file-row', 'data-kind': file.kind, 'data-index': index },
    h(
      'div',
      { class: 'import-file-head' },
      h('span', { class: 'import-file-name' }, icon(errors.length ? 'warn' : 'check'), h('span', null, file.name)),
      remove,
    ),
    facts(rows),
    file.complete ? null : h('p', { class: 'alert alert-warning' }, 'Export partiel (« Delta ») : seules les personnes qu’il contient sont mises à jour ; préférez un export complet.'),
    (file.ignored ?? []).length
      ? h('p', { class: 'muted small' }, 'Ignorés : ', file.ignored.map((i) => `${i.reason} (${formatInteger(i.count)})`).join(' ; '), '.')
      : null,
    errors.length ? issuesList(errors, `${plural(errors.length, 'erreur', 'erreurs')} : ces lignes ne seront pas importées`, { open: errors.length <= 5 }) : null,
    warnings.length ? issuesList(warnings, plural(warnings.length, 'avertissement', 'avertissements')) : null,
  );
}
