import type { JsonSchema } from '../../api';
import { inSentence } from '../../lib/format';
import { fieldKind, labelOf, type FieldValue, type FormValues } from '../../lib/schema-form';
import { Field } from '../field';

/** Hints for fields whose name alone doesn't say enough, by "type.field". */
const HINTS: Record<string, string> = {
  'webhook.url': 'Receives a signed JSON POST for every notification.',
  'webhook.secret': 'Standard Webhooks signing secret (whsec_…). Leave empty to have one generated.',
  'webhook.headers': 'Extra request headers, one per line: Authorization: Bearer …',
  'slack.webhookUrl': 'An incoming webhook URL from Slack: https://hooks.slack.com/services/…',
  'discord.webhookUrl': 'Server settings → Integrations → Webhooks → Copy webhook URL.',
  'discord.username': 'The name the messages appear under. Optional.',
  'teams.webhookUrl': 'The URL of a Teams workflow (“Post to a channel when a webhook request is received”).',
  'email.to': 'One address per line.',
  'email.smtp': 'Optional: without it, the server’s own SMTP settings (WATCHPOST_SMTP_URL) are used.',
  'telegram.botToken': 'From @BotFather: 123456789:AA…',
  'telegram.chatId': 'A numeric chat id, or @channelname for a public channel.',
  'pagerduty.routingKey': 'The 32-character integration key of an Events API v2 integration.',
  'ntfy.topic': 'Letters, digits, - and _; anyone who knows it can read it on a public server.',
  'ntfy.token': 'An access token for a protected topic. Optional.',
  'ntfy.priority': '1 (min) to 5 (max). Optional.',
  'pushover.priority': '-2 (lowest) to 1 (high). Optional.',
};

const CONCEALED = /password|token|secret|key/i;

interface Props {
  schema: JsonSchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  /** "webhook", or "email.smtp" inside a group: for hints and ids. */
  path: string;
  /** Top-level secret keys of the type (only at the top level). */
  secretFields?: readonly string[];
  /** Secret keys the API holds for this channel. */
  secretsSet?: readonly string[];
  /** Secret keys marked for removal. */
  clear?: readonly string[];
  onClear?: (key: string, on: boolean) => void;
  /** Inside a stored secret group: nothing is required, empty keeps it. */
  keepEmpty?: boolean;
}

/** Inputs for an object schema: text, numbers, checkboxes, selects, lists, header maps and nested groups. */
export function SchemaFields({ schema, values, onChange, path, secretFields = [], secretsSet = [], clear = [], onClear, keepEmpty = false }: Props) {
  const set = (key: string, value: FieldValue) => onChange({ ...values, [key]: value });
  return (
    <div className="schema-fields">
      {Object.entries(schema.properties ?? {}).map(([key, prop]) => {
        const kind = fieldKind(prop);
        const secret = secretFields.includes(key);
        const stored = secret && secretsSet.includes(key);
        const cleared = clear.includes(key);
        const listed = (schema.required ?? []).includes(key);
        // Inside an optional group, its fields are needed only once the group is used: no browser check then.
        const required = !keepEmpty && !stored && listed;
        const label = `${labelOf(key, prop)}${listed || kind === 'boolean' ? '' : ' (optional)'}`;
        const hintKey = `${path}.${key}`;
        const baseHint = prop.description ?? HINTS[hintKey];
        const hint = stored ? (cleared ? 'The stored value will be removed when you save.' : `Set — leave empty to keep it.${baseHint ? ` ${baseHint}` : ''}`) : baseHint;
        const value = values[key];
        const text = typeof value === 'string' ? value : '';
        const placeholder = stored ? 'set — leave empty to keep' : typeof prop.default === 'string' || typeof prop.default === 'number' ? String(prop.default) : undefined;
        const removal = stored && onClear && (
          <label className="check-row">
            <input type="checkbox" checked={cleared} onChange={(e) => onClear(key, e.target.checked)} />
            Remove the stored {inSentence(labelOf(key, prop))}
          </label>
        );

        if (kind === 'object') {
          return (
            <fieldset key={key} className="schema-group" disabled={cleared}>
              <legend className="field-label">{label}</legend>
              {hint && <div className="field-hint">{hint}</div>}
              <SchemaFields schema={prop} values={typeof value === 'object' ? value : {}} onChange={(next) => set(key, next)} path={hintKey} keepEmpty={stored || !required} />
              {removal}
            </fieldset>
          );
        }
        if (kind === 'boolean') {
          return (
            <label key={key} className="check-row">
              <input type="checkbox" checked={value === true} onChange={(e) => set(key, e.target.checked)} />
              {label}
            </label>
          );
        }
        return (
          <div key={key} className="stack-xs">
            <Field label={label} hint={hint}>
              {(id, describedBy) => {
                const common = { id, 'aria-describedby': describedBy, required, disabled: cleared, placeholder };
                if (kind === 'enum') {
                  return (
                    <select {...common} className="input" value={text} onChange={(e) => set(key, e.target.value)}>
                      {!required && <option value="">—</option>}
                      {(prop.enum ?? []).map((option) => (
                        <option key={String(option)} value={String(option)}>
                          {String(option)}
                        </option>
                      ))}
                    </select>
                  );
                }
                if (kind === 'list' || kind === 'map') {
                  return <textarea {...common} className="input textarea mono" rows={kind === 'map' ? 3 : 2} value={text} spellCheck={false} onChange={(e) => set(key, e.target.value)} />;
                }
                if (kind === 'number') {
                  return <input {...common} className="input" type="number" min={prop.minimum} max={prop.maximum} value={text} onChange={(e) => set(key, e.target.value)} />;
                }
                const concealed = secret || CONCEALED.test(key);
                return (
                  <input
                    {...common}
                    className="input mono"
                    type={concealed ? 'password' : prop.format === 'uri' ? 'url' : prop.format === 'email' ? 'email' : 'text'}
                    autoComplete={concealed ? 'new-password' : 'off'}
                    maxLength={prop.maxLength}
                    spellCheck={false}
                    value={text}
                    onChange={(e) => set(key, e.target.value)}
                  />
                );
              }}
            </Field>
            {removal}
          </div>
        );
      })}
    </div>
  );
}
