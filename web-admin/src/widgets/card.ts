import { append, h, uid } from '../dom.ts';
import { type IconName, icon } from '../icons.ts';

interface CardOptions {
  title: string;
  icon: IconName;
  className?: string;
  testId?: string;
  /** Extra element shown at the right of the title (badge, link…). */
  aside?: Node;
}

/** A titled dashboard card: <section aria-labelledby> with an <h2>. */
export function card(options: CardOptions, ...children: (Node | string | null | false)[]): HTMLElement {
  const titleId = uid('card-title');
  const section = h(
    'section',
    {
      class: `card ${options.className ?? ''}`.trim(),
      'aria-labelledby': titleId,
      'data-testid': options.testId,
    },
    h(
      'div',
      { class: 'card-header' },
      h('h2', { class: 'card-title', id: titleId }, icon(options.icon), h('span', null, options.title)),
      options.aside ?? null,
    ),
  );
  append(section, ...children);
  return section;
}

/** A definition list of label/value rows. */
export function facts(rows: [label: string, value: Node | string][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([label, value]) => h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value))),
  );
}

export function loadingText(text = 'Chargement…'): HTMLElement {
  return h('p', { class: 'muted loading' }, text);
}
