// Friendly stand-in for a capability that is not built yet.
import { h } from '../dom.ts';
import { icon } from '../icons.ts';
import { HOME_PATH, type Page } from '../router.ts';

export function placeholderPage(definition: Omit<Page, 'render'> & { summary: string }): Page {
  const { summary, ...page } = definition;
  return {
    ...page,
    render(container) {
      container.append(
        h(
          'section',
          { class: 'card empty-state', 'data-testid': 'placeholder' },
          h('span', { class: 'empty-state-icon' }, icon('clock')),
          h('p', { class: 'empty-state-title' }, 'Cette partie arrive bientôt.'),
          h('p', { class: 'muted' }, summary),
          h('p', null, h('a', { href: `#${HOME_PATH}` }, 'Revenir au tableau de bord')),
        ),
      );
    },
  };
}
