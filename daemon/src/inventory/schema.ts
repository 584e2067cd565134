import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The official GLPI native inventory schema (glpi-project/inventory_format, MIT, copied in
 * glpi-format/ with its licence), compiled once on first use. Agents' JSON inventories are checked
 * against it before they are stored or relayed to the département's GLPI.
 */
let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(new URL('./glpi-format/inventory.schema.json', import.meta.url), 'utf8')) as object;
    // the schema declares formats ajv does not know without plugins; its patterns carry the checks
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** The schema's complaints, in a readable form (at most `max`); empty when the inventory is valid. */
export function glpiSchemaErrors(inventory: unknown, max = 5): string[] {
  const v = validator();
  if (v(inventory)) return [];
  return (v.errors ?? []).slice(0, max).map((e) => `${e.instancePath || '(racine)'} ${e.message ?? ''}`.trim());
}
