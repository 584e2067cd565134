// Small toast messages, announced to screen readers.
import { h } from './dom.ts';

let region: HTMLElement | null = null;

export function notify(text: string, kind: 'info' | 'error' = 'info'): void {
  if (!region?.isConnected) {
    region = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const toast = h('p', { class: `toast toast-${kind}` }, text);
  region.append(toast);
  setTimeout(() => toast.remove(), 8000);
}
