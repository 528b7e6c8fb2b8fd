import { GRADES, HTTP_METHODS, JSON_OPERATORS, RECORD_TYPES, type MonitorFormState, type SetField } from '../../lib/monitor-form';
import { CheckField } from '../check-field';
import { Field } from '../field';
import { SecretField } from './secret-field';

interface Props {
  state: MonitorFormState;
  set: SetField;
  /** Secret config keys the API holds for this monitor. */
  secretsSet: readonly string[];
}

/** The settings of the chosen checker type (heartbeats have their own). */
export function CheckerFields({ state, set, secretsSet }: Props) {
  const secret = (key: string) => ({
    stored: secretsSet.includes(key),
    cleared: state.clearSecrets.includes(key),
    onClear: (on: boolean) => set('clearSecrets', on ? [...state.clearSecrets, key] : state.clearSecrets.filter((k) => k !== key)),
  });
  const urlField = (hint: string) => (
    <Field label="URL" hint={hint} className="form-grid-full">
      {(id, describedBy) => (
        <input
          id={id}
          aria-describedby={describedBy}
          className="input mono"
          type="url"
          placeholder="https://example.com/health"
          value={state.url}
          onChange={(e) => set('url', e.target.value)}
          required
          maxLength={2048}
          spellCheck={false}
        />
      )}
    </Field>
  );
  const hostPort = (portHint?: string) => (
    <>
      <Field label="Host" hint="A host name or an IP address.">
        {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.host} onChange={(e) => set('host', e.target.value)} required maxLength={253} spellCheck={false} placeholder="db.example.com" />}
      </Field>
      <Field label="Port" hint={portHint}>
        {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={1} max={65_535} value={state.port} onChange={(e) => set('port', e.target.value)} required />}
      </Field>
    </>
  );

  switch (state.type) {
    case 'http':
      return (
        <div className="form-grid">
          {urlField('http:// or https://; the check fails on a status outside the accepted ones, a timeout, or a missing keyword.')}
          <Field label="Method">
            {(id) => (
              <select id={id} className="input" value={state.method} onChange={(e) => set('method', e.target.value)}>
                {HTTP_METHODS.map((method) => (
                  <option key={method}>{method}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Accepted status codes" hint="Codes or ranges, comma-separated: 200-299, 301.">
            {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.acceptedStatus} onChange={(e) => set('acceptedStatus', e.target.value)} required />}
          </Field>
          <Field label="Keyword" hint="Text the response body must contain (or must not). Optional.">
            {(id, d) => <input id={id} aria-describedby={d} className="input" value={state.keyword} onChange={(e) => set('keyword', e.target.value)} maxLength={500} />}
          </Field>
          <Field label="Keyword must be">
            {(id) => (
              <select id={id} className="input" value={state.keywordMode} onChange={(e) => set('keywordMode', e.target.value === 'absent' ? 'absent' : 'present')} disabled={state.keyword === ''}>
                <option value="present">Present</option>
                <option value="absent">Absent</option>
              </select>
            )}
          </Field>
          <Field label="JSON path" hint="Optional assertion on a JSON body: data.status or items[0].ok.">
            {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.jsonPath} onChange={(e) => set('jsonPath', e.target.value)} maxLength={200} spellCheck={false} />}
          </Field>
          <div className="form-grid form-grid-nested">
            <Field label="Operator">
              {(id) => (
                <select id={id} className="input" value={state.jsonOperator} onChange={(e) => set('jsonOperator', e.target.value)} disabled={state.jsonPath === ''}>
                  {JSON_OPERATORS.map((op) => (
                    <option key={op}>{op}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Expected value">
              {(id) => <input id={id} className="input mono" value={state.jsonExpected} onChange={(e) => set('jsonExpected', e.target.value)} disabled={state.jsonPath === '' || state.jsonOperator === 'exists'} />}
            </Field>
          </div>
          <SecretField label="Request headers" hint="One per line: Authorization: Bearer …" placeholder="Authorization: Bearer …" multiline value={state.headers} onChange={(v) => set('headers', v)} {...secret('headers')} />
          <SecretField label="Request body" hint="Sent with POST, PUT and PATCH." multiline value={state.body} onChange={(v) => set('body', v)} {...secret('body')} />
          <Field label="Degraded above (ms)" hint="Slower answers count as degraded, not down. Optional.">
            {(id, d) => <input id={id} aria-describedby={d} className="input" type="number" min={1} max={600_000} value={state.degradedAboveMs} onChange={(e) => set('degradedAboveMs', e.target.value)} />}
          </Field>
          <Field label="Maximum redirects">
            {(id) => <input id={id} className="input" type="number" min={0} max={20} value={state.maxRedirects} onChange={(e) => set('maxRedirects', e.target.value)} disabled={!state.followRedirects} />}
          </Field>
          <div className="form-grid-full check-fields">
            <CheckField label="Follow redirects" checked={state.followRedirects} onChange={(v) => set('followRedirects', v)} />
            <CheckField label="Case-sensitive keyword" checked={state.keywordCaseSensitive} onChange={(v) => set('keywordCaseSensitive', v)} />
            <CheckField label="Verify TLS certificate" checked={state.verifyTls} onChange={(v) => set('verifyTls', v)} hint="Turn off only for self-signed certificates." />
          </div>
        </div>
      );
    case 'headers':
      return (
        <div className="form-grid">
          {urlField('The page whose response headers are graded (HSTS, CSP, X-Content-Type-Options…).')}
          <Field label="Minimum grade" hint="Below it the monitor is degraded; it is down only when the page can't be reached.">
            {(id, d) => (
              <select id={id} aria-describedby={d} className="input" value={state.minGrade} onChange={(e) => set('minGrade', e.target.value)}>
                {GRADES.map((grade) => (
                  <option key={grade}>{grade}</option>
                ))}
              </select>
            )}
          </Field>
          <div className="check-fields">
            <CheckField label="Verify TLS certificate" checked={state.verifyTls} onChange={(v) => set('verifyTls', v)} />
          </div>
        </div>
      );
    case 'tcp':
      return <div className="form-grid">{hostPort()}</div>;
    case 'tls':
      return (
        <div className="form-grid">
          {hostPort('Usually 443.')}
          <Field label="Server name (SNI)" hint="The name the certificate must match, when it differs from the host. Optional.">
            {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.servername} onChange={(e) => set('servername', e.target.value)} maxLength={253} spellCheck={false} />}
          </Field>
          <Field label="Warn days before expiry" hint="Degraded (and notified) when fewer days are left: 30, 14, 7.">
            {(id, d) => <input id={id} aria-describedby={d} className="input" value={state.warnDays} onChange={(e) => set('warnDays', e.target.value)} />}
          </Field>
          <div className="form-grid-full check-fields">
            <CheckField label="Verify the certificate chain" checked={state.verifyChain} onChange={(v) => set('verifyChain', v)} />
          </div>
        </div>
      );
    case 'dns':
      return (
        <div className="form-grid">
          <Field label="Domain name">
            {(id) => <input id={id} className="input mono" value={state.dnsName} onChange={(e) => set('dnsName', e.target.value)} required maxLength={254} placeholder="example.com" spellCheck={false} />}
          </Field>
          <Field label="Record type">
            {(id) => (
              <select id={id} className="input" value={state.recordType} onChange={(e) => set('recordType', e.target.value)}>
                {RECORD_TYPES.map((type) => (
                  <option key={type}>{type}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Expected value" hint="Down when no answer equals it. Optional.">
            {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.expected} onChange={(e) => set('expected', e.target.value)} maxLength={1000} spellCheck={false} />}
          </Field>
          <Field label="Resolver" hint="A DNS server to ask, like 1.1.1.1 or [2606:4700::1111]:53. Default: the system's.">
            {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={state.resolver} onChange={(e) => set('resolver', e.target.value)} spellCheck={false} />}
          </Field>
        </div>
      );
    case 'postgres':
      return (
        <div className="form-grid">
          <div className="form-grid-full">
            <SecretField
              label="Connection string"
              placeholder="postgres://user:password@db.example.com:5432/app"
              hint="Stored encrypted; use a user that can only connect and run the query."
              concealed
              required
              value={state.connectionString}
              onChange={(v) => set('connectionString', v)}
              {...secret('connectionString')}
            />
          </div>
          <Field label="Query" hint="Must succeed: SELECT 1 by default." className="form-grid-full">
            {(id, d) => <textarea id={id} aria-describedby={d} className="input textarea mono" rows={2} value={state.query} onChange={(e) => set('query', e.target.value)} maxLength={10_000} spellCheck={false} />}
          </Field>
        </div>
      );
    case 'redis':
      return (
        <div className="form-grid">
          <div className="form-grid-full">
            <SecretField
              label="Redis URL"
              placeholder="redis://:password@cache.example.com:6379/0"
              hint="redis:// or rediss:// (TLS); stored encrypted."
              concealed
              required
              value={state.redisUrl}
              onChange={(v) => set('redisUrl', v)}
              {...secret('url')}
            />
          </div>
        </div>
      );
    case 'heartbeat':
      return null;
  }
}
