import { parseServerHost } from '../../src/serve/alerts/server-host';

describe('parseServerHost', () => {
  test.each([
    ['dest.example.com', 'dest.example.com'],
    ['dest.example.com:9100', 'dest.example.com'],
    ['DEST.Example.COM:2087', 'dest.example.com'],
    ['dest.example.com.', 'dest.example.com'],
    ['  dest.example.com  ', 'dest.example.com'],
    ['203.0.113.7:9100', '203.0.113.7'],
    ['[2001:db8::7]:9100', '2001:db8::7'],
    ['2001:db8::7', '2001:db8::7'],
    ['https://dest.example.com:2087/login', 'dest.example.com'],
    ['http://[2001:db8::7]:2086', '2001:db8::7'],
  ])('%s names host %s', (value, host) => {
    expect(parseServerHost(value)).toEqual({ ok: true, host });
  });

  test.each([
    ['', 'is empty'],
    ['not a host', '"not a host" is not a host name, host:port or IP address'],
    ['dest.example.com/path', '"dest.example.com/path" is not a host name, host:port or IP address'],
    ['-dest.example.com', '"-dest.example.com" is not a host name, host:port or IP address'],
    ['http://', '"http://" is not a valid URL'],
  ])('%j is rejected', (value, problem) => {
    expect(parseServerHost(value)).toEqual({ ok: false, problem });
  });
});
