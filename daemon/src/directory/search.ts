import { transliterate } from './logins.ts';

/** Lower-case, accent-free text of a person's searchable fields ("Zoé Lefèvre" matches "lefevre"). */
export function searchKey(fields: string[]): string {
  return transliterate(fields.join('\u0001')).toLowerCase();
}

/** Every word of the query must appear in the key (accents, case and punctuation of the query ignored). */
export function matchesQuery(key: string, query: string): boolean {
  const words = transliterate(query).toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => key.includes(w));
}
