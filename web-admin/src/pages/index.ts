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
import { homeworkDetailPage } from './homework/detail.ts';
import { homeworkListPage } from './homework/list.ts';
import { homeworkNewPage } from './homework/new.ts';
import { devicePage } from './devices/device.ts';
import { devicesPage } from './devices/devices.ts';
import { myRoomPage } from './devices/my-room.ts';
import { planningPage } from './devices/schedules.ts';
import { deviceSettingsPage } from './devices/settings.ts';
import { deliveryPage } from './inventory/delivery.ts';
import { itemPage } from './inventory/item.ts';
import { parkPage } from './inventory/park.ts';
import { purchasesPage } from './inventory/purchases.ts';
import { rulesPage } from './inventory/rules.ts';
import { placeholderPage } from './placeholder.ts';
import { settingsPage } from './settings.ts';
import { clientsPage } from './shares/clients.ts';
import { profilesPage } from './shares/profiles.ts';
import { quotasPage } from './shares/quotas.ts';
import { sharesPage } from './shares/shares.ts';

const ADMIN: readonly Role[] = ['administrator'];

export const navGroups: Record<string, NavGroup> = {
  annuaire: { label: 'Annuaire', icon: 'directory' },
  imports: { label: 'Rentrée et imports', icon: 'imports' },
  partages: { label: 'Partages', icon: 'shares' },
  salles: { label: 'Salles et appareils', icon: 'rooms' },
  inventaire: { label: 'Inventaire', icon: 'inventory' },
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
  sharesPage,
  quotasPage,
  profilesPage,
  clientsPage,
  homeworkListPage,
  // before "/devoirs/:id", which would take "nouveau" as an id
  homeworkNewPage,
  homeworkDetailPage,
  myRoomPage,
  devicesPage,
  planningPage,
  deviceSettingsPage,
  devicePage,
  parkPage,
  rulesPage,
  purchasesPage,
  deliveryPage,
  itemPage,
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
