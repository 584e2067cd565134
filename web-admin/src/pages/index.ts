// Route table. Each capability adds its page module here; the navigation is
// generated from this list (in this order), filtered by the user's role.
import type { Page } from '../router.ts';
import type { NavGroup } from '../shell.ts';
import type { Role } from '../types.ts';
import { dashboardPage } from './dashboard.ts';
import { classPage } from './directory/class.ts';
import { classesPage } from './directory/classes.ts';
import { groupPage } from './directory/group.ts';
import { groupsPage } from './directory/groups.ts';
import { myClassesPage } from './directory/my-classes.ts';
import { userPage } from './directory/user.ts';
import { usersPage } from './directory/users.ts';
import { importsPage } from './imports/imports.ts';
import { rolloverPage } from './imports/rollover.ts';
import { sheetsPage } from './imports/sheets.ts';
import { importRunPage } from './imports/wizard.ts';
import { placeholderPage } from './placeholder.ts';
import { settingsPage } from './settings.ts';

const ADMIN: readonly Role[] = ['administrator'];

export const navGroups: Record<string, NavGroup> = {
  annuaire: { label: 'Annuaire', icon: 'directory' },
  imports: { label: 'Rentrée et imports', icon: 'imports' },
};

export const pages: readonly Page[] = [
  dashboardPage,
  myClassesPage,
  usersPage,
  userPage,
  classesPage,
  classPage,
  groupsPage,
  groupPage,
  importsPage,
  importRunPage,
  rolloverPage,
  sheetsPage,
  placeholderPage({
    path: '/partages',
    title: 'Partages',
    roles: ADMIN,
    icon: 'shares',
    summary: 'Vous pourrez gérer les dossiers partagés de l’établissement et qui peut y accéder.',
  }),
  placeholderPage({
    path: '/salles',
    title: 'Salles et appareils',
    roles: ADMIN,
    icon: 'rooms',
    summary: 'Vous pourrez gérer les salles ainsi que les ordinateurs et tablettes qui s’y trouvent.',
  }),
  placeholderPage({
    path: '/inventaire',
    title: 'Inventaire',
    roles: ADMIN,
    icon: 'inventory',
    summary: 'Vous pourrez consulter l’inventaire du matériel informatique de l’établissement.',
  }),
  placeholderPage({
    path: '/ressources-ent',
    title: 'Ressources ENT',
    roles: ADMIN,
    icon: 'resources',
    summary: 'Vous pourrez gérer les liens vers les ressources et services de l’ENT.',
  }),
  placeholderPage({
    path: '/journal',
    title: 'Journal',
    roles: ADMIN,
    icon: 'journal',
    summary: 'Vous pourrez consulter et rechercher l’historique complet des événements du serveur.',
  }),
  settingsPage,
];
