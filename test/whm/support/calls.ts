/** Helpers for calling the WHM client in tests. */
import type { CreateRemoteRootTransferSessionParams, WhmError } from '../../../src/whm';

/** Awaits a call that must fail and returns its error; throws when the call succeeds. */
export async function rejection(call: Promise<unknown>): Promise<WhmError> {
  try {
    await call;
  } catch (error) {
    return error as WhmError;
  }
  throw new Error('expected the call to fail');
}

/** Parameters of `create_remote_root_transfer_session` with every required option set. */
export function rootSessionParams(
  host: string,
  overrides: Partial<CreateRemoteRootTransferSessionParams> = {},
): CreateRemoteRootTransferSessionParams {
  return {
    host,
    user: 'root',
    comm_transport: 'whostmgr',
    transfer_threads: 2,
    restore_threads: 2,
    unrestricted_restore: false,
    copy_reseller_privs: false,
    compressed: true,
    unencrypted: false,
    use_backups: false,
    low_priority: false,
    enable_custom_pkgacct: false,
    ...overrides,
  };
}
