import type { FunctionOutcome } from '../envelope';

/** One call of a WHM API 1 function, after authentication and with the `api.*` keys removed. */
export interface CallContext {
  params: Readonly<Record<string, string>>;
  /** The authenticated WHM user, for example `root` or a reseller. */
  user: string;
}

/** Runs a WHM function; throws `WhmFunctionFailure` for a `result: 0` response. */
export type FunctionHandler = (context: CallContext) => FunctionOutcome | Promise<FunctionOutcome>;

export type FunctionTable = Readonly<Record<string, FunctionHandler>>;
