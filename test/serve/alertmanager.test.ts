import { alertmanagerPayloadSchema, mapAlertmanagerPayload } from '../../src/serve/alerts/alertmanager';
import { alertmanagerPayload } from './helpers';

const NOW = '2026-02-02T12:00:00.000Z';

function mapOne(alert: Record<string, unknown>, serverLabel = 'instance') {
  const payload = alertmanagerPayloadSchema.parse(alertmanagerPayload([alert]));
  return mapAlertmanagerPayload(payload, serverLabel, NOW);
}

describe('mapAlertmanagerPayload', () => {
  test('configured label wins over instance', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', whm_host: 'whm1.example.com', instance: 'exporter:9100' }, fingerprint: 'aaaa' }, 'whm_host');

    expect(deliveries[0]?.host).toBe('whm1.example.com');
  });

  test('host label serves when the others are missing', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', host: 'Whm2.Example.com' }, fingerprint: 'aaaa' });

    expect(deliveries[0]?.host).toBe('whm2.example.com');
  });

  test('blackbox URL instance names its host', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'ProbeFailed', instance: 'https://whm3.example.com:2087' }, fingerprint: 'aaaa' });

    expect(deliveries[0]?.host).toBe('whm3.example.com');
  });

  test('invalid label falls through to the next one', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', instance: 'not a host', server: 'whm4.example.com' }, fingerprint: 'aaaa' });

    expect(deliveries[0]?.host).toBe('whm4.example.com');
  });

  test('invalid label alone is unmapped with its problem', () => {
    const { deliveries, unmapped } = mapOne({ status: 'firing', labels: { alertname: 'A', instance: 'not a host' }, fingerprint: 'aaaa' });

    expect(deliveries).toEqual([]);
    expect(unmapped).toEqual([{ index: 0, alertname: 'A', fingerprint: 'aaaa', problem: 'label instance: "not a host" is not a host name, host:port or IP address' }]);
  });

  test('alert without fingerprint or alertname is unmapped', () => {
    const { unmapped } = mapOne({ status: 'firing', labels: { instance: 'whm.example.com' } });

    expect(unmapped[0]?.problem).toMatch(/^has no usable fingerprint or alertname to serve as the alert key/);
  });

  test('summary is the reason', () => {
    const { deliveries } = mapOne({
      status: 'firing',
      labels: { alertname: 'A', instance: 'whm.example.com' },
      annotations: { summary: '  load high  ', description: 'long text' },
      fingerprint: 'aaaa',
    });

    expect(deliveries[0]?.alert.reason).toBe('load high');
  });

  test('description is the reason without summary', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', instance: 'whm.example.com' }, annotations: { description: 'long text' }, fingerprint: 'aaaa' });

    expect(deliveries[0]?.alert.reason).toBe('long text');
  });

  test('long reason is cut to 500 characters', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', instance: 'whm.example.com' }, annotations: { summary: 'x'.repeat(600) }, fingerprint: 'aaaa' });

    expect(deliveries[0]?.alert.reason).toHaveLength(500);
    expect(deliveries[0]?.alert.reason?.endsWith('...')).toBe(true);
  });

  test('firing time is startsAt', () => {
    const { deliveries } = mapOne({ status: 'firing', labels: { alertname: 'A', instance: 'whm.example.com' }, fingerprint: 'aaaa', startsAt: '2026-01-01T02:00:00.5+02:00' });

    expect(deliveries[0]?.alert.receivedAt).toBe('2026-01-01T00:00:00.500Z');
  });

  test('resolved with zero endsAt falls back to now', () => {
    const { deliveries } = mapOne({ status: 'resolved', labels: { alertname: 'A', instance: 'whm.example.com' }, fingerprint: 'aaaa', endsAt: '0001-01-01T00:00:00Z' });

    expect(deliveries[0]?.alert.receivedAt).toBe(NOW);
  });

  test('extra fields are accepted', () => {
    const parsed = alertmanagerPayloadSchema.safeParse({ ...alertmanagerPayload([]), futureField: { nested: true } });

    expect(parsed.success).toBe(true);
  });

  test('unparsable startsAt is a schema problem', () => {
    const parsed = alertmanagerPayloadSchema.safeParse(alertmanagerPayload([{ status: 'firing', labels: {}, startsAt: 'yesterday' }]));

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['alerts', 0, 'startsAt']);
  });
});
