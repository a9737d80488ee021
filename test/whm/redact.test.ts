import { REDACTED, redactSecrets } from '../../src/whm';
import { redactError, secretForms } from '../../src/whm/redact';

const SECRET = 'pa ss+w/ord"1';

describe('redactSecrets', () => {
  const forms = secretForms([SECRET, undefined, '']);

  test('plain, URI, form and JSON forms', () => {
    const text = [SECRET, encodeURIComponent(SECRET), 'pa+ss%2Bw%2Ford%221', JSON.stringify(SECRET)].join(' | ');

    const redacted = redactSecrets(text, forms);

    expect(redacted).not.toContain('ss+w');
    expect(redacted).not.toContain('ss%2Bw');
    expect(redacted.split(REDACTED)).toHaveLength(5);
  });

  test('secret keys replaced in objects', () => {
    const redacted = redactSecrets({ host: 'a', password: 'x', nested: [{ Root_Password: 'y', note: `pw ${SECRET}` }] }, forms);

    expect(redacted).toEqual({ host: 'a', password: REDACTED, nested: [{ Root_Password: REDACTED, note: `pw ${REDACTED}` }] });
  });

  test('empty secrets ignored', () => {
    expect(secretForms(['', undefined])).toEqual([]);
  });
});

describe('redactError', () => {
  test('copies chain without secrets', () => {
    const inner = Object.assign(new Error(`inner ${SECRET}`), { code: 'E_INNER' });
    const outer = new Error(`outer ${SECRET}`, { cause: inner });

    const copy = redactError(outer, secretForms([SECRET]));

    expect(copy?.message).toBe(`outer ${REDACTED}`);
    expect(copy?.stack).not.toContain(SECRET);
    expect(copy?.cause).toBeInstanceOf(Error);
    expect((copy?.cause as Error).message).toBe(`inner ${REDACTED}`);
    expect((copy?.cause as Error & { code?: string }).code).toBe('E_INNER');
    expect(copy).not.toBe(outer);
  });

  test('non-error value becomes error', () => {
    const copy = redactError({ detail: SECRET }, secretForms([SECRET]));

    expect(copy).toBeInstanceOf(Error);
    expect(copy?.message).not.toContain(SECRET);
  });
});
