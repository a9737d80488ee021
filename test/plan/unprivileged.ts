import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { transformFileSync } from '@swc/core';

const REPOSITORY = path.resolve(__dirname, '../..');
const NOBODY = 65534;

/** Whether the tests run as root, which reads every file whatever its mode. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/**
 * Runs `snippet` (CommonJS, with `plan` bound to the plan module) in a Node process as the user
 * nobody and returns what it prints. The plan module and the packages it imports are copied into
 * a folder under the system temporary directory, because the checkout itself may sit below a
 * directory that nobody cannot enter (such as /root). Root reads files whatever their mode, so this
 * is how tests running as root meet a permission error.
 */
export function runPlanSnippetAsNobody(snippet: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'whm-plan-unprivileged-'));
  try {
    for (const dependency of ['zod', 'yaml']) {
      cpSync(path.join(REPOSITORY, 'node_modules', dependency), path.join(folder, 'node_modules', dependency), { recursive: true });
    }
    const sources = ['src/plan', 'src/schedule'].flatMap((dir) => readdirSync(path.join(REPOSITORY, dir)).map((name) => `${dir}/${name}`));
    for (const source of [...sources, 'src/whm/params.ts']) {
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
    chmodSync(path.join(folder, 'node_modules'), 0o755);

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
