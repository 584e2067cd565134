// Route table. Each capability adds its page module here; the navigation is
// generated from this list (in this order), filtered by the user's role.
import type { Page } from '../router.ts';
import type { NavGroup } from '../shell.ts';
import type { Role } from '../types.ts';
import { dashboardPage } from './dashboard.ts';
import { placeholderPage } from './placeholder.ts';

const ADMIN: readonly Role[] = ['administrator'];
const TEACHER: readonly Role[] = ['teacher'];

export const navGroups: Record<string, NavGroup> = {
  annuaire: { label: 'Annuaire', icon: 'directory' },
};

export const pages: readonly Page[] = [
  dashboardPage,
  placeholderPage({
    path: '/mes-classes',
    title: 'Mes classes',
    roles: TEACHER,
    icon: 'classes',
    summary: 'Vous retrouverez ici vos classes et la liste de vos élèves.',
  }),
  placeholderPage({
    path: '/annuaire/utilisateurs',
    title: 'Utilisateurs',
    roles: ADMIN,
    group: 'annuaire',
    summary: 'Vous pourrez créer et gérer les comptes des élèves et des personnels.',
  }),
  placeholderPage({
    path: '/annuaire/classes',
    title: 'Classes',
    roles: ADMIN,
    group: 'annuaire',
    summary: 'Vous pourrez organiser les élèves par classe et désigner leurs enseignants.',
  }),
  placeholderPage({
    path: '/annuaire/groupes',
    title: 'Groupes',
    roles: ADMIN,
    group: 'annuaire',
    summary: 'Vous pourrez créer des groupes (options, projets, clubs) et y ajouter des membres.',
  }),
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
  placeholderPage({
    path: '/parametres',
    title: 'Paramètres',
    roles: ADMIN,
    icon: 'settings',
    summary: 'Vous pourrez régler les paramètres du serveur et de l’établissement.',
  }),
];
