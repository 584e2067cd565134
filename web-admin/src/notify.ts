// Small toast messages, announced to screen readers.
import { h } from './dom.ts';

const MAX_TOASTS = 3;
let region: HTMLElement | null = null;

export function notify(text: string, kind: 'info' | 'error' = 'info'): void {
  if (!region?.isConnected) {
    region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const toast = h('p', { class: `toast toast-${kind}` }, text);
  region.append(toast);
  // Keep the screen readable after a series of actions: the three latest only.
  while (region.childElementCount > MAX_TOASTS) region.firstElementChild?.remove();
  setTimeout(() => toast.remove(), 8000);
}

/** Removes every toast (at logout: the next person must not read the previous one's messages). */
export function clearNotifications(): void {
  region?.replaceChildren();
}
