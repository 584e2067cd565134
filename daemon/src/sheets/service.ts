import { AppError } from '../core/errors.ts';
import type { Journal } from '../core/journal.ts';
import type { Service } from '../core/lifecycle.ts';
import { PROFILE_LABELS, type Actor, type UserSummary } from '../directory/model.ts';
import type { DirectoryService } from '../directory/index.ts';
import type { ImportService } from '../imports/index.ts';
import type { SheetCard } from './pdf.ts';

export interface SheetsDeps {
  school: { name: string; entUrl: string | null };
  /** NetBIOS domain shown on the PCs' logon screen. */
  domain: string;
  journal: Journal;
  directory: DirectoryService;
  imports: ImportService;
}

export interface SheetSelection {
  classe?: string;
  group?: string;
  logins?: string[];
  importId?: number;
  /** Draw a new password for the accounts whose initial one is no longer kept. */
  resetMissing?: boolean;
}

const collator = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' });

/** Password sheets: cards to cut with each account's login and initial password (PDF). */
export class SheetsService implements Service {
  readonly name = 'sheets';
  readonly #d: SheetsDeps;

  constructor(deps: SheetsDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async #select(sel: SheetSelection): Promise<{ title: string; slug: string; users: UserSummary[] }> {
    const dir = this.#d.directory;
    const chosen = [sel.classe, sel.group, sel.logins, sel.importId].filter((x) => x !== undefined).length;
    if (chosen !== 1) throw new AppError('SHEETS_SELECTION', 'Choisissez une classe, un groupe, une liste de comptes ou un import (un seul à la fois).', 400);
    if (sel.classe !== undefined) {
      const c = await dir.getClass(sel.classe);
      return { title: `Classe ${c.name}`, slug: c.slug, users: c.pupils };
    }
    if (sel.group !== undefined) {
      const g = await dir.getGroup(sel.group);
      return { title: `Groupe ${g.description || g.name}`, slug: g.name, users: g.memberList };
    }
    const logins = sel.logins ?? (await this.#d.imports.createdAccounts(sel.importId as number)).map((a) => a.login);
    if (logins.length > 5000) throw new AppError('SHEETS_TOO_MANY', 'Trop de comptes d’un coup (5 000 au plus) : choisissez une classe.', 400);
    const users: UserSummary[] = [];
    for (const login of logins) users.push(await dir.getUser(login));
    return sel.importId !== undefined ? { title: `Nouveaux comptes (import n° ${sel.importId})`, slug: `import-${sel.importId}`, users } : { title: 'Sélection de comptes', slug: 'selection', users };
  }

  async render(sel: SheetSelection, actor: Actor): Promise<{ pdf: Buffer; filename: string; cards: number; reset: number }> {
    const { title, slug, users } = await this.#select(sel);
    const live = users
      .filter((u) => u.state !== 'deleted')
      .sort((a, b) => collator.compare(a.classe ?? '', b.classe ?? '') || collator.compare(a.surname, b.surname) || collator.compare(a.givenName, b.givenName));
    const kept = await this.#d.directory.keptPasswords(live.map((u) => u.login));
    let reset = 0;
    if (sel.resetMissing) {
      for (const u of live) {
        if (kept.has(u.login)) continue;
        const { password } = await this.#d.directory.resetPassword(u.login, {}, actor);
        kept.set(u.login, password);
        reset++;
      }
      if (reset > 0) {
        this.#d.journal.record('info', 'sheets', 'sheets.reset', `${reset} mot(s) de passe régénéré(s) pour les fiches « ${title} » par ${actor.name}.`);
      }
    }
    const cards: SheetCard[] = live.map((u) => ({
      displayName: u.displayName,
      login: u.login,
      password: kept.get(u.login) ?? null,
      classe: u.classe,
      profileLabel: PROFILE_LABELS[u.profile],
    }));
    // pdfkit and its fonts are loaded on the first sheet, not at every start of the daemon
    const { renderSheets } = await import('./pdf.ts');
    const pdf = await renderSheets({ school: this.#d.school.name, title, domain: this.#d.domain, entUrl: this.#d.school.entUrl, generatedAt: new Date(), cards });
    const safe = slug.normalize('NFD').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'fiches';
    return { pdf, filename: `codes-${safe}.pdf`, cards: cards.length, reset };
  }
}
