/**
 * Activities: every WHM API call the migration workflow makes. Built by {@link createActivities} so
 * their dependencies (environment for credentials, logger, client cache) are injected, and so the
 * workflow can type its proxy with `import type` without bundling any of this.
 */
import { activityInfo, cancellationSignal, heartbeat, log, sleep } from '@temporalio/activity';
import type { Logger } from 'pino';
import { silentLogger } from '../log';
import type { MigrationPlan } from '../plan';
import { resolveCredential } from '../plan/credentials';
import {
  type EnqueueTransferItemParams,
  isTerminal,
  summarizeTransferItems,
  type TransferLogEvent,
  type TransferSessionState,
  type WhmClient,
  WhmDuplicateItemError,
  WhmFunctionError,
} from '../whm';
import { progressSignature } from '../progress-signature';
import { evaluateSchedule, type Schedule, type ScheduleEvaluation } from '../schedule/window';
import { withActivityFailures } from './failures';
import { WhmConnections, type WhmServerRef } from './whm-connection';

export { WhmConnections, type WhmServerRef } from './whm-connection';

/** A session state as activities return it: WHM's name and what it means. */
export interface SessionStateReport {
  state: string;
  phase: TransferSessionState['phase'];
}

export interface CreateSessionInput {
  destination: WhmServerRef;
  source: MigrationPlan['source'];
  session: MigrationPlan['session'];
  sessionType: 'root' | 'user';
}

export interface CreateSessionResult {
  sessionId: string;
  warnings: string[];
  /** Attempt number that created the session; above 1, earlier attempts may have left a PENDING session. */
  attempt: number;
}

export interface AccountToAnalyze {
  user: string;
  localuser: string;
  domain?: string;
}

export interface AccountAnalysis {
  user: string;
  /** Whether the source has the account; undefined when WHM does not say (user sessions). */
  foundOnSource?: boolean;
  bytesUsed?: number;
  domain?: string;
  localUserExists: boolean;
  /** Owner of the account's domain on the destination, when the destination already has it. */
  domainOwner?: string;
}

export interface AnalyzeInput {
  destination: WhmServerRef;
  sessionId: string;
  sessionType: 'root' | 'user';
  accounts: AccountToAnalyze[];
}

/** An enqueue_transfer_item call without its session id. */
export type TransferItemParams = DistributiveOmit<EnqueueTransferItemParams, 'transfer_session_id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface EnqueueInput {
  destination: WhmServerRef;
  sessionId: string;
  items: TransferItemParams[];
}

export interface SessionInput {
  destination: WhmServerRef;
  sessionId: string;
}

/** State `monitorTransferSession` waits for; `paused` and `running` also end on a terminal state. */
export type MonitorTarget = 'terminal' | 'paused' | 'running';

export interface MonitorInput extends SessionInput {
  until: MonitorTarget;
  pollIntervalMs: number;
  /** Minimum time between master.log reads while nothing else changes. */
  logIntervalMs: number;
  /** {@link progressSignature} of the progress the workflow has; different progress ends the activity early. */
  knownSignature: string;
  /** Minimum time before returning early with new progress, so history grows with items, not time. */
  progressReturnAfterMs: number;
}

/** One item's progress as the master log shows it. */
export interface ItemLogProgress {
  module: string;
  item: string;
  status: 'transferring' | 'restoring' | 'succeeded' | 'failed';
  warnings: number;
  reason?: string;
  sizeBytes?: number;
  /** Unix seconds. */
  startedAt?: number;
  endedAt?: number;
}

export interface MonitorResult extends SessionStateReport {
  /** Why the activity returned: the target state was reached, or item progress changed. */
  returnedFor: 'target' | 'progress';
  items: ItemLogProgress[];
  signature: string;
}

interface MonitorCheckpoint {
  startedAtMs: number;
  lastState?: string;
  polls: number;
}

export interface ActivityDependencies {
  /** Environment that credential references are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Logger for the WHM client's request logs. @default silent */
  logger?: Logger;
  /** WHM client cache; the worker passes its own so it can close the connections on shutdown. */
  connections?: WhmConnections;
}

export function createActivities(deps: ActivityDependencies = {}) {
  const env = deps.env ?? process.env;
  const connections = deps.connections ?? new WhmConnections(env, deps.logger ?? silentLogger);

  async function readState(client: WhmClient, sessionId: string): Promise<SessionStateReport> {
    const state = await client.getTransferSessionState({ transfer_session_id: sessionId }, { signal: cancellationSignal() });
    return { state: state.raw, phase: state.phase };
  }

  return {
    /**
     * Creates the WHM transfer session on the destination.
     *
     * `create_remote_root_transfer_session` is not idempotent and WHM cannot list sessions, so a retry
     * after a lost response creates a second session. The first, if it was created, stays PENDING with
     * nothing queued until WHM's nightly maintenance deletes PENDING sessions older than 4 hours. To
     * narrow that window the session id is sent as a heartbeat the moment WHM returns it, and a retried
     * attempt that finds it there reuses that session instead of creating another.
     */
    async createTransferSession(input: CreateSessionInput): Promise<CreateSessionResult> {
      const info = activityInfo();
      const recorded = info.heartbeatDetails as { sessionId?: string } | undefined;
      if (recorded?.sessionId) {
        log.info('Reusing the transfer session an earlier attempt created', { sessionId: recorded.sessionId, attempt: info.attempt });
        return { sessionId: recorded.sessionId, warnings: [], attempt: info.attempt };
      }
      if (info.attempt > 1) {
        log.warn('Creating the transfer session again; an earlier attempt may have left a PENDING session on WHM', {
          attempt: info.attempt,
          destination: input.destination.host,
        });
      }

      // Creation can take minutes; heartbeats while it runs let a dead worker be noticed within the
      // heartbeat timeout instead of the start-to-close timeout.
      const keepAlive = setInterval(() => heartbeat(), HEARTBEAT_INTERVAL_MS);
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const signal = cancellationSignal();
        const { source, session } = input;
        let sessionId: string;
        let warnings: string[] = [];
        if (input.sessionType === 'user') {
          if (!source.accountPassword) throw new Error('source.accountPassword is required for a user-authenticated session');
          const password = await resolveCredential(source.accountPassword, env);
          const data = await client.createRemoteUserTransferSession(
            { host: source.host, password, unrestricted_restore: session.unrestricted_restore },
            { signal },
          );
          sessionId = data.transfer_session_id;
        } else {
          const result = await client.createRemoteRootTransferSession(
            {
              host: source.host,
              user: source.user,
              port: source.sshPort,
              comm_transport: source.commTransport,
              ...session,
              password: source.password ? await resolveCredential(source.password, env) : undefined,
              sshkey_name: source.sshKey?.name,
              sshkey_passphrase: source.sshKey?.passphrase ? await resolveCredential(source.sshKey.passphrase, env) : undefined,
              root_escalation_method: source.rootEscalation?.method,
              root_password: source.rootEscalation?.password ? await resolveCredential(source.rootEscalation.password, env) : undefined,
            },
            { signal },
          );
          sessionId = result.transfer_session_id;
          warnings = result.warnings;
        }
        clearInterval(keepAlive);
        heartbeat({ sessionId });
        log.info('Created the transfer session', { sessionId, destination: input.destination.host, attempt: info.attempt });
        return { sessionId, warnings, attempt: info.attempt };
      }).finally(() => clearInterval(keepAlive));
    },

    /**
     * Reads what the session learned about the source and the destination for the planned accounts:
     * whether each exists on the source and its size, and whether its name or domain is taken here.
     */
    async analyzeAccounts(input: AnalyzeInput): Promise<{ accounts: AccountAnalysis[]; warnings: string[] }> {
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const signal = cancellationSignal();
        if (input.sessionType === 'user') {
          // Remote analysis exists only for root sessions; check the local names one by one instead.
          const accounts: AccountAnalysis[] = [];
          for (const account of input.accounts) {
            const validation = await client.validateSystemUser({ user: account.localuser }, { signal });
            accounts.push({ user: account.user, domain: account.domain, localUserExists: validation.exists });
          }
          return { accounts, warnings: [] };
        }

        const analysis = await client.retrieveTransferSessionRemoteAnalysis({ transfer_session_id: input.sessionId }, { signal });
        const remoteAccounts = new Map(analysis.items.accounts.map((account) => [account.user, account]));
        const localUsers = new Set(Object.keys(analysis.local.users));
        const localDomains = analysis.local.domains;
        const accounts = input.accounts.map((account): AccountAnalysis => {
          const remote = remoteAccounts.get(account.user);
          const domain = account.domain ?? remote?.domain;
          const owner = domain === undefined ? undefined : localDomains[domain];
          return {
            user: account.user,
            foundOnSource: remote !== undefined,
            bytesUsed: remote?.bytesused,
            domain,
            localUserExists: localUsers.has(account.localuser),
            domainOwner: typeof owner === 'string' ? owner : undefined,
          };
        });
        const warnings = Object.entries(analysis.modules ?? {}).flatMap(([name, module]) =>
          [module.warning, module.error].filter((text): text is string => typeof text === 'string' && text.length > 0).map((text) => `${name}: ${text}`),
        );
        return { accounts, warnings };
      });
    },

    /**
     * Enqueues items in order. Progress is heartbeated, so a retried attempt continues after the last
     * item it knows was enqueued; an item WHM already has ("already exists in the queue") counts as
     * enqueued, which makes a retry after a lost response harmless.
     */
    async enqueueItems(input: EnqueueInput): Promise<{ enqueued: number; alreadyQueued: number }> {
      const checkpoint = activityInfo().heartbeatDetails as { next?: number; alreadyQueued?: number } | undefined;
      let next = checkpoint?.next ?? 0;
      let alreadyQueued = checkpoint?.alreadyQueued ?? 0;
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        for (; next < input.items.length; next++) {
          const item = input.items[next];
          try {
            await client.enqueueTransferItem({ ...item, transfer_session_id: input.sessionId } as EnqueueTransferItemParams, {
              signal: cancellationSignal(),
            });
          } catch (error) {
            if (!(error instanceof WhmDuplicateItemError)) throw error;
            alreadyQueued++;
          }
          heartbeat({ next: next + 1, alreadyQueued });
        }
        return { enqueued: input.items.length - alreadyQueued, alreadyQueued };
      });
    },

    /** Starts a PENDING session. Any other state is returned unchanged, so a retry never starts twice. */
    async startTransferSession(input: SessionInput): Promise<SessionStateReport> {
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const before = await readState(client, input.sessionId);
        if (before.phase !== 'PENDING') return before;
        const { pid } = await client.startTransferSession({ transfer_session_id: input.sessionId }, { signal: cancellationSignal() });
        log.info('Started the transfer session', { sessionId: input.sessionId, pid });
        return readState(client, input.sessionId);
      });
    },

    /**
     * Asks WHM to pause a RUNNING session and returns the state after the call: usually PAUSING, since
     * WHM pauses only between items. Other states come back unchanged. When WHM refuses because the
     * session ended meanwhile, the new state is returned instead of an error.
     */
    async pauseTransferSession(input: SessionInput): Promise<SessionStateReport> {
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const before = await readState(client, input.sessionId);
        if (before.phase !== 'RUNNING' && before.phase !== 'UNKNOWN') return before;
        try {
          await client.pauseTransferSession({ transfer_session_id: input.sessionId }, { signal: cancellationSignal() });
        } catch (error) {
          if (!(error instanceof WhmFunctionError)) throw error;
          const after = await readState(client, input.sessionId);
          log.warn('WHM rejected the pause of the transfer session', { sessionId: input.sessionId, reason: error.reason, state: after.state });
          if (after.phase === 'RUNNING') throw error;
          return after;
        }
        log.info('Asked WHM to pause the transfer session', { sessionId: input.sessionId });
        return readState(client, input.sessionId);
      });
    },

    /**
     * Restarts a PAUSED session with start_transfer_session. During PAUSING that call would return the
     * old pid and resume nothing, so this returns PAUSING untouched and the caller waits for PAUSED.
     */
    async resumeTransferSession(input: SessionInput): Promise<SessionStateReport> {
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const before = await readState(client, input.sessionId);
        if (before.phase !== 'PAUSED') return before;
        const { pid } = await client.startTransferSession({ transfer_session_id: input.sessionId }, { signal: cancellationSignal() });
        log.info('Restarted the paused transfer session', { sessionId: input.sessionId, pid });
        return readState(client, input.sessionId);
      });
    },

    /** Aborts a session that has not ended; an ended session's state is returned unchanged. */
    async abortTransferSession(input: SessionInput): Promise<SessionStateReport> {
      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        const before = await readState(client, input.sessionId);
        if (isTerminal(before.state) || before.phase === 'ABORTING') return before;
        try {
          await client.abortTransferSession({ transfer_session_id: input.sessionId }, { signal: cancellationSignal() });
        } catch (error) {
          if (!(error instanceof WhmFunctionError)) throw error;
          const after = await readState(client, input.sessionId);
          if (!isTerminal(after.state)) throw error;
          return after;
        }
        log.info('Asked WHM to abort the transfer session', { sessionId: input.sessionId, stateBefore: before.state });
        return readState(client, input.sessionId);
      });
    },

    /** Evaluates the plan's maintenance schedule at `now`; a local activity, so replays reuse the result. */
    evaluateMaintenanceSchedule(input: { schedule: Schedule; now: string }): Promise<ScheduleEvaluation> {
      return Promise.resolve(evaluateSchedule(input.schedule, new Date(input.now)));
    },

    async getTransferSessionState(input: SessionInput): Promise<SessionStateReport> {
      return withActivityFailures(async () => readState(await connections.clientFor(input.destination), input.sessionId));
    },

    /**
     * Polls the session until it reaches `until`, reading master.log for per-item progress and
     * heartbeating a checkpoint, so the workflow history stays small however long the transfer runs.
     * Returns early when item progress differs from what the workflow has, at most once per
     * `progressReturnAfterMs`. A retried attempt resumes from the last checkpoint.
     */
    async monitorTransferSession(input: MonitorInput): Promise<MonitorResult> {
      const previous = activityInfo().heartbeatDetails as MonitorCheckpoint | undefined;
      const checkpoint: MonitorCheckpoint = previous ?? { startedAtMs: Date.now(), polls: 0 };
      let lastLogAt = 0;
      let items: ItemLogProgress[] = [];

      return withActivityFailures(async () => {
        const client = await connections.clientFor(input.destination);
        for (;;) {
          const current = await readState(client, input.sessionId);
          const changed = current.state !== checkpoint.lastState;
          if (changed && checkpoint.lastState !== undefined) {
            log.info('Transfer session state changed', { sessionId: input.sessionId, from: checkpoint.lastState, to: current.state });
          }
          checkpoint.lastState = current.state;
          checkpoint.polls++;

          const reached = targetReached(input.until, current);
          if (current.phase !== 'PENDING' && (reached || changed || Date.now() - lastLogAt >= input.logIntervalMs)) {
            items = (await readItemProgress(client, input.sessionId)) ?? items;
            lastLogAt = Date.now();
          }
          const signature = progressSignature(items);
          if (reached) return { ...current, returnedFor: 'target', items, signature };

          if (signature !== input.knownSignature && Date.now() - checkpoint.startedAtMs >= input.progressReturnAfterMs) {
            return { ...current, returnedFor: 'progress', items, signature };
          }
          await sleepWithHeartbeats(input.pollIntervalMs, checkpoint);
        }
      });
    },
  };
}

export type MigrationActivities = ReturnType<typeof createActivities>;

function targetReached(until: MonitorTarget, state: SessionStateReport): boolean {
  if (isTerminal(state.state)) return true;
  if (until === 'paused') return state.phase === 'PAUSED';
  if (until === 'running') return state.phase === 'RUNNING' || state.phase === 'UNKNOWN';
  return false;
}

async function readItemProgress(client: WhmClient, sessionId: string): Promise<ItemLogProgress[] | undefined> {
  let events: TransferLogEvent[];
  try {
    ({ events } = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' }, { signal: cancellationSignal() }));
  } catch (error) {
    // The master log appears only once the session has started; until then progress is unknown.
    if (error instanceof WhmFunctionError) return undefined;
    throw error;
  }
  return summarizeTransferItems(events).map((outcome) => ({
    module: outcome.itemType,
    item: outcome.item,
    status: outcome.status === 'incomplete' ? inFlightStatus(outcome.lastQueue) : outcome.status,
    warnings: outcome.warnings,
    reason: outcome.failureReason,
    sizeBytes: outcome.sizeBytes,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
  }));
}

function inFlightStatus(queue: string | undefined): 'transferring' | 'restoring' {
  return queue === 'RESTORE' ? 'restoring' : 'transferring';
}

/** Interval of heartbeats while an activity waits; well below the workflow's 30-second heartbeat timeouts. */
const HEARTBEAT_INTERVAL_MS = 10_000;

/** Sleeps `ms`, heartbeating `details` at least every {@link HEARTBEAT_INTERVAL_MS}; ends early on cancellation. */
async function sleepWithHeartbeats(ms: number, details: unknown): Promise<void> {
  for (let remaining = ms; remaining > 0; remaining -= HEARTBEAT_INTERVAL_MS) {
    heartbeat(details);
    await sleep(Math.min(remaining, HEARTBEAT_INTERVAL_MS));
  }
}
