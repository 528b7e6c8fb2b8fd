import type { JsonSchema } from '../api';

/**
 * Forms generated from a channel type's JSON Schema: values as the inputs hold them (text,
 * checkboxes, nested groups), and the config the API expects built back from them.
 */
export type FieldValue = string | boolean | FormValues;
export interface FormValues {
  [key: string]: FieldValue;
}

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'list' | 'map' | 'object';

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  if (schema.type) return schema.type;
  // "string or integer" (a chat id): a text field covers both.
  if (schema.anyOf?.some((option) => option.type === 'string')) return 'string';
  return schema.anyOf?.[0] ? primaryType(schema.anyOf[0]) : undefined;
}

export function fieldKind(schema: JsonSchema): FieldKind {
  if (schema.enum) return 'enum';
  const type = primaryType(schema);
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'array') return 'list';
  if (type === 'object') return schema.properties ? 'object' : 'map';
  return 'string';
}

const WORDS: Record<string, string> = { url: 'URL', api: 'API', smtp: 'SMTP', id: 'ID', tls: 'TLS', sni: 'SNI' };

/** "webhookUrl" → "Webhook URL", "apiBaseUrl" → "API base URL". */
export function labelOf(key: string, schema?: JsonSchema): string {
  if (schema?.title) return schema.title;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .map((word) => WORDS[word.toLowerCase()] ?? word.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The form's values from a stored (non-secret) config; what is absent starts empty. */
export function valuesOf(schema: JsonSchema, config: Record<string, unknown> | undefined): FormValues {
  const values: FormValues = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const value = config?.[key];
    switch (fieldKind(prop)) {
      case 'boolean':
        values[key] = typeof value === 'boolean' ? value : prop.default === true;
        break;
      case 'object':
        values[key] = valuesOf(prop, typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined);
        break;
      case 'list':
        values[key] = Array.isArray(value) ? value.map(String).join('\n') : '';
        break;
      case 'map':
        values[key] =
          typeof value === 'object' && value !== null
            ? Object.entries(value as Record<string, unknown>)
                .map(([name, v]) => `${name}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                .join('\n')
            : '';
        break;
      default:
        values[key] = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
    }
  }
  return values;
}

/** Whether a group holds anything typed (checkboxes alone don't count: they always have a value). */
export function hasInput(values: FormValues): boolean {
  return Object.values(values).some((value) => (typeof value === 'string' ? value.trim() !== '' : typeof value === 'object' ? hasInput(value) : false));
}

export class SchemaFormProblem extends Error {}

function parseMap(label: string, text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SchemaFormProblem(`${label}: “${line.trim()}” needs the form “Name: value”.`);
    map[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return map;
}

interface BuildOptions {
  /** Stored secret keys to remove (sent as null). */
  clear: readonly string[];
}

/**
 * The config for the API. Empty optional fields are left out; an empty secret is left out too,
 * which keeps the stored one; an empty optional group (SMTP settings) is left out altogether.
 */
export function configOf(schema: JsonSchema, values: FormValues, options: BuildOptions = { clear: [] }): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const value = values[key];
    if (options.clear.includes(key)) {
      config[key] = null;
      continue;
    }
    const label = labelOf(key, prop);
    switch (fieldKind(prop)) {
      case 'boolean':
        if (typeof value === 'boolean') config[key] = value;
        break;
      case 'object':
        if (typeof value === 'object' && hasInput(value)) config[key] = configOf(prop, value);
        break;
      case 'number':
        if (typeof value === 'string' && value.trim() !== '') config[key] = Number(value);
        break;
      case 'list':
        if (typeof value === 'string' && value.trim() !== '')
          config[key] = value
            .split(/[\n,]+/)
            .map((item) => item.trim())
            .filter(Boolean);
        break;
      case 'map':
        if (typeof value === 'string' && value.trim() !== '') config[key] = parseMap(label, value);
        break;
      default:
        if (typeof value === 'string' && value.trim() !== '') config[key] = value.trim();
    }
  }
  return config;
}
