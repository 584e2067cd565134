// "Paramètres": one section per capability (the annuaire for now).
import { h } from '../dom.ts';
import type { Page } from '../router.ts';
import { directorySettingsSection } from './directory/settings.ts';

export const settingsPage: Page = {
  path: '/parametres',
  title: 'Paramètres',
  roles: ['administrator'],
  icon: 'settings',
  render(container, ctx) {
    container.append(h('div', { class: 'settings-page' }, directorySettingsSection(ctx)));
  },
};
