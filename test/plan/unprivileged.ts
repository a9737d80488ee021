import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { transformFileSync } from '@swc/core';

const REPOSITORY = path.resolve(__dirname, '../..');
const NOBODY = 65534;

/** Whether the tests run as root, which reads every file whatever its mode. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/**
 * Runs `snippet` (CommonJS, with `plan` bound to the plan module) in a Node process as the user
 * nobody and returns what it prints. The plan module is compiled into a folder below the
 * repository so that its imports find node_modules. Root reads files whatever their mode, so
 * this is how tests running as root meet a permission error.
 */
export function runPlanSnippetAsNobody(snippet: string): string {
  const artifacts = path.join(REPOSITORY, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const folder = mkdtempSync(path.join(artifacts, 'plan-unprivileged-'));
  try {
    for (const source of [...readdirSync(path.join(REPOSITORY, 'src/plan')).map((name) => `src/plan/${name}`), 'src/whm/params.ts']) {
      const { code } = transformFileSync(path.join(REPOSITORY, source), {
        swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      const target = path.join(folder, source.replace(/\.ts$/, '.js'));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, code);
    }
    chmodSync(folder, 0o755);

    const result = spawnSync(process.execPath, ['-e', `const plan = require('./src/plan');\n${snippet}`], {
      cwd: folder,
      uid: NOBODY,
      gid: NOBODY,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0) {
      throw new Error(`snippet failed with status ${result.status}: ${result.stderr}`);
    }
    return result.stdout;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
