/**
 * Resolution of credential references: the worker reads a secret from the environment variable or
 * file a plan names, at the moment it calls WHM, so the secret never enters a workflow history.
 */
import { open, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';

import type { CredentialRef } from './schema';

/** Largest credential file read, in bytes; a bigger file is certainly not a token or password. */
export const MAX_CREDENTIAL_FILE_BYTES = 64 * 1024;

/**
 * Thrown by {@link resolveCredential} when a referenced secret is missing, unreadable or empty.
 * The message names the variable or file and what to do, never the secret.
 */
export class CredentialUnavailableError extends Error {
  /** The reference that could not be resolved (a variable name or a path, not a secret). */
  readonly ref: CredentialRef;

  constructor(ref: CredentialRef, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialUnavailableError';
    this.ref = ref;
  }
}

/** Names a reference for messages, e.g. `environment variable WHM_DEST_TOKEN`. */
export function describeCredentialRef(ref: CredentialRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `credential file ${ref.file}`;
}

/**
 * Reads the secret a reference names: the environment variable from `env`, or the file. A relative
 * file path is resolved against the working directory, but `parsePlan` has already made plan paths
 * absolute. One trailing newline is removed. Throws a {@link CredentialUnavailableError} when the secret is
 * unset, unreadable, larger than {@link MAX_CREDENTIAL_FILE_BYTES} or blank.
 */
export async function resolveCredential(ref: CredentialRef, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const raw = 'env' in ref ? readVariable(ref.env, env) : await readCredentialFile(ref.file);
  const value = raw.replace(/\r?\n$/, '');
  if (value.trim() === '') {
    const fix = 'env' in ref ? `Set ${ref.env} to the secret in the worker's environment` : `Write the secret into ${ref.file}`;
    throw new CredentialUnavailableError(ref, `${describeCredentialRef(ref)} is empty. ${fix}.`);
  }
  return value;
}

function readVariable(name: string, env: NodeJS.ProcessEnv): string {
  const value = env[name];
  if (value === undefined) {
    throw new CredentialUnavailableError(
      { env: name },
      `environment variable ${name} is not set on the worker. Set it in the worker's environment and restart the worker.`,
    );
  }
  return value;
}

async function readCredentialFile(file: string): Promise<string> {
  const ref = { file };
  let handle;
  try {
    // Checked before opening, because opening a FIFO would block until something writes to it.
    if (!(await stat(file)).isFile()) {
      throw new CredentialUnavailableError(ref, `credential file ${file} is not a regular file. Point the plan at the file that contains the secret.`);
    }
    handle = await open(file, 'r');
    // Reads one byte more than the limit to tell a full file from a truncated one.
    const buffer = Buffer.alloc(MAX_CREDENTIAL_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_CREDENTIAL_FILE_BYTES) {
      throw new CredentialUnavailableError(
        ref,
        `credential file ${file} is larger than ${MAX_CREDENTIAL_FILE_BYTES} bytes, so it is not a token or password. Point the plan at the file that contains only the secret.`,
      );
    }
    return buffer.toString('utf8', 0, bytesRead);
  } catch (error) {
    if (error instanceof CredentialUnavailableError) {
      throw error;
    }
    throw new CredentialUnavailableError(ref, fileErrorMessage(file, error), { cause: error });
  } finally {
    await handle?.close();
  }
}

function fileErrorMessage(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const workerUser = currentUserName();
  switch (code) {
    case 'ENOENT':
      return `credential file ${file} does not exist on the worker. Create it, readable by the worker's user ${workerUser}, with the secret as its content.`;
    case 'EACCES':
    case 'EPERM':
      return `credential file ${file} is not readable by the worker's user ${workerUser}. Change its owner or mode so that this user can read it.`;
    case 'EISDIR':
      return `credential file ${file} is a directory. Point the plan at the file that contains the secret.`;
    default:
      return `credential file ${file} cannot be read (${code ?? (error as Error).message}). Check that the worker's user ${workerUser} can read it.`;
  }
}

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws when the uid has no passwd entry, as in some containers.
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
