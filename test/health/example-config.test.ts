import { join } from 'node:path';
import { loadHealthConfigFile } from '../../src/health/config-file';

describe('health example config', () => {
  test('examples/health.example.yaml is valid', async () => {
    const { config, warnings } = await loadHealthConfigFile(join(__dirname, '../../examples/health.example.yaml'));

    expect(config.servers.map((server) => server.host)).toEqual(['dest.example.com', 'source.example.com']);
    expect(config.servers[0]!.cpuCount).toBe(8);
    expect(warnings).toEqual([]);
  });
});
