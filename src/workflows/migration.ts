/**
 * The migration workflow: drives one WHM transfer session from plan to per-item report, pausing
 * while any source holds the migration and resuming when the last hold is released.
 *
 * Every WHM call is an activity. Waiting on the transfer happens in a long-running monitor activity
 * that heartbeats, so history grows with the number of items and control requests, not with time.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MigrationActivities, MonitorResult, MonitorTarget, SessionStateReport } from '../activities';
import {
  abortSignal,
  abortUpdate,
  type ControlResult,
  parseRequest,
  pauseRequestSchema,
  pauseUpdate,
  resumeRequestSchema,
  resumeUpdate,
  type MigrationReport,
  type MigrationWorkflowInput,
  pauseSignal,
  resumeSignal,
  SIGNAL_DESCRIPTIONS,
  statusQuery,
} from '../messages';
import { migrationPlanSchema, type MigrationPlan } from '../plan/schema';
import { planSummary } from '../plan/summary';
import { HOLD_SOURCES_ATTRIBUTE, migrationServers, PAUSED_ATTRIBUTE, PHASE_ATTRIBUTE, SERVERS_ATTRIBUTE } from '../search-attributes';
import { NON_RETRYABLE_WHM_ERROR_TYPES } from '../whm/errors';
import { MigrationState } from './migration-state';

const NON_RETRYABLE_TYPES = [...NON_RETRYABLE_WHM_ERROR_TYPES, 'CredentialUnavailableError'];

// Creating a session logs in to the source over SSH, analyses it and creates an API token there:
// minutes on a real server. A few spaced retries cover a destination that is briefly unreachable.
const { createTransferSession } = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

// Reads and enqueues: idempotent, so they retry for up to an hour while WHM is unreachable.
const { analyzeAccounts, enqueueItems, startTransferSession, getTransferSessionState } = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

// Pause, resume and abort are requested exactly when a server struggles, so they keep retrying
// until WHM answers; the activities read the state first, which makes each retry safe.
const control = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

// The monitor polls for as long as the transfer runs; a missed heartbeat restarts it from its checkpoint.
const { monitorTransferSession } = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', nonRetryableErrorTypes: NON_RETRYABLE_TYPES },
});

const { evaluateMaintenanceSchedule } = proxyLocalActivities<MigrationActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Hold source of the plan's maintenance schedule. */
const SCHEDULE_SOURCE = 'schedule';
/** How long to wait before evaluating a schedule again when it does not change within its horizon. */
const SCHEDULE_RECHECK_MS = 7 * 24 * 3600 * 1000;

/**
 * Minimum time between two early returns of the monitor with new item progress: status and the Web UI
 * lag the log by at most this much, and history grows by one activity per change at most this often.
 */
const PROGRESS_RETURN_AFTER_MS = 5_000;

/** While paused, WHM's state is re-read this often in case someone resumed the session outside. */
const PAUSED_RECHECK = '10 minutes';
/** History length at which a run hands over to a new one, below the server's 4,096-event suggestion. */
const CONTINUE_AS_NEW_EVENTS = 3_000;

export async function migrationWorkflow(rawInput: MigrationWorkflowInput): Promise<MigrationReport> {
  const plan = resolvePlan(rawInput.plan);
  const input: MigrationWorkflowInput = { ...rawInput, plan };
  const now = (): string => new Date().toISOString();
  const state = new MigrationState(plan, now(), input.carried);
  const destination = plan.destination;

  // Search attributes are upserted only when they change: each upsert is a history event.
  let indexed = '';
  const publish = (): void => {
    setCurrentDetails(state.details());
    const values = { phase: state.phase, paused: state.holds.isHeld, sources: state.holds.sources() };
    const key = JSON.stringify(values);
    if (key === indexed) return;
    upsertSearchAttributes([
      { key: PHASE_ATTRIBUTE, value: values.phase },
      { key: PAUSED_ATTRIBUTE, value: values.paused },
      { key: HOLD_SOURCES_ATTRIBUTE, value: values.sources },
      { key: SERVERS_ATTRIBUTE, value: migrationServers(plan) },
    ]);
    indexed = key;
  };
  const onRejected = (signal: string, error: string | undefined): void => {
    if (error !== undefined) log.warn('Rejected a signal with an invalid payload', { signal, error });
    publish();
  };
  setHandler(pauseSignal, (payload) => onRejected('pause', state.pause(payload, now())), { description: SIGNAL_DESCRIPTIONS.pause });
  setHandler(resumeSignal, (payload) => onRejected('resume', state.resume(payload, now())), { description: SIGNAL_DESCRIPTIONS.resume });
  setHandler(abortSignal, (payload) => onRejected('abort', state.abort(payload, now())), { description: SIGNAL_DESCRIPTIONS.abort });
  setHandler(statusQuery, () => state.status(), { description: SIGNAL_DESCRIPTIONS.status });

  const controlResult = (): ControlResult => ({ phase: state.phase, whmState: state.whmState, paused: state.holds.isHeld, holds: state.holds.list() });
  const ended = (): boolean => state.whmTerminal || ['completed', 'aborted', 'failed', 'stopped-on-conflicts'].includes(state.phase);
  setHandler(
    pauseUpdate,
    async (payload: unknown) => {
      state.pause(payload, now());
      publish();
      // Before the start a hold simply holds the start; afterwards WHM must report PAUSED.
      await condition(() => !state.started || state.whmPhase === 'PAUSED' || !state.holds.isHeld || ended());
      return controlResult();
    },
    { validator: (payload: unknown) => validateRequest(pauseRequestSchema, payload), description: SIGNAL_DESCRIPTIONS.pauseMigration },
  );
  setHandler(
    resumeUpdate,
    async (payload: unknown) => {
      state.resume(payload, now());
      publish();
      await condition(() => state.held || state.whmPhase === 'RUNNING' || state.whmPhase === 'UNKNOWN' || ended());
      return controlResult();
    },
    { validator: (payload: unknown) => validateRequest(resumeRequestSchema, payload), description: SIGNAL_DESCRIPTIONS.resumeMigration },
  );
  setHandler(
    abortUpdate,
    async (payload: unknown) => {
      state.abort(payload, now());
      publish();
      await condition(ended);
      return controlResult();
    },
    { validator: (payload: unknown) => validateRequest(pauseRequestSchema, payload), description: SIGNAL_DESCRIPTIONS.abortMigration },
  );

  const setPhase = (phase: typeof state.phase): void => {
    if (state.phase !== phase) log.info('Migration phase changed', { from: state.phase, to: phase, sessionId: state.sessionId });
    state.phase = phase;
    publish();
  };
  const apply = (report: SessionStateReport): void => {
    state.applyState(report, now());
    publish();
  };
  const finish = (outcome: MigrationReport['outcome']): MigrationReport => {
    setPhase(outcome === 'succeeded' ? 'completed' : outcome === 'stopped-on-conflicts' ? 'stopped-on-conflicts' : outcome === 'aborted' ? 'aborted' : 'failed');
    const report = state.report(outcome, now());
    log.info('Migration finished', { outcome: report.outcome, sessionId: state.sessionId, counts: report.counts });
    return report;
  };
  publish();
  // The memo shows what the migration moves on the workflow page, whoever started it.
  if (!input.carried) upsertMemo({ plan: planSummary(plan) });
  if (plan.schedule) void followSchedule(plan.schedule, state, now, publish);

  // The flow runs in its own function so that, whatever way it ends, update handlers still waiting
  // for WHM get to finish before the workflow returns.
  const run = async (): Promise<MigrationReport> => {
    try {
      if (state.sessionId === undefined) {
        setPhase('creating-session');
        const created = await createTransferSession({ destination, source: plan.source, session: plan.session, sessionType: state.sessionType });
        state.sessionCreated(created.sessionId, created.attempt, now());
        for (const warning of created.warnings) log.warn('WHM warned while creating the session', { warning, sessionId: created.sessionId });
      }
      const sessionId = state.sessionId!;
      const session = { destination, sessionId };

      if (!state.started && (state.phase === 'creating-session' || state.phase === 'analyzing')) {
        setPhase('analyzing');
        const accounts = plan.items.accounts.map((account) => ({ user: account.user, localuser: account.localuser ?? account.user, domain: account.domain }));
        const analysis = await analyzeAccounts({ ...session, sessionType: state.sessionType, accounts });
        for (const warning of analysis.warnings) log.warn('The remote analysis reported a warning', { warning, sessionId });
        const conflicts = state.applyAnalysis(analysis.accounts, now());
        if (conflicts.length > 0 && plan.onConflict === 'stop') {
          log.warn('Stopping before the transfer: the plan conflicts with the servers', { conflicts, sessionId });
          // Abort turns the unused PENDING session into FAILED, so it neither lingers nor holds credentials.
          apply(await control.abortTransferSession(session));
          return finish('stopped-on-conflicts');
        }
        if (conflicts.length > 0 && plan.onConflict === 'skip') state.skipAccounts(conflicts.map((conflict) => conflict.item), now());

        setPhase('enqueuing');
        await enqueueItems({ ...session, items: state.transferItems() });
        setPhase('waiting-to-start');
      }

      if (!state.started) {
        // A hold placed before the start holds the start itself.
        await condition(() => !state.held || state.abortRequested !== undefined);
        if (state.abortRequested) {
          setPhase('aborting');
          apply(await control.abortTransferSession(session));
          state.markUnprocessed(now());
          return finish('aborted');
        }
        apply(await startTransferSession(session));
        setPhase('transferring');
      }

      await driveSession(state, session, { apply, setPhase, publish, now, continueAsNewAfterEvents: input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_EVENTS, input });

      setPhase('reporting');
      state.markUnprocessed(now());
      if (state.abortRequested || state.whmPhase === 'ABORTED') return finish('aborted');
      if (state.whmPhase === 'FAILED') return finish('failed');
      return finish('succeeded');
    } catch (error) {
      if (error instanceof ActivityFailure) {
        const cause = error.cause;
        const message = cause instanceof ApplicationFailure ? `${cause.type ?? 'Error'}: ${cause.message}` : (cause?.message ?? error.message);
        const failedPhase = state.phase;
        state.recordError(message, now());
        setPhase('failed');
        log.error('Migration failed', { error: message, sessionId: state.sessionId });
        throw ApplicationFailure.create({ message: `Migration ${plan.name} failed in phase ${failedPhase}: ${message}`, type: 'MigrationFailed', nonRetryable: true, cause: error });
      }
      throw error;
    }
  };

  const report = await run();
  await condition(allHandlersFinished);
  return report;
}

/**
 * Validates the plan and applies its defaults, so a service that starts the workflow with a plan as
 * users write it (through the Temporal CLI or another SDK) gets the same migration as the CLI's. An
 * already resolved plan comes back unchanged. An invalid plan fails the workflow without retries.
 *
 * NOTE: a later change to the plan schema's defaults would change what a replay of an old history
 * computes here; change defaults behind `patched()`.
 */
function resolvePlan(plan: unknown): MigrationPlan {
  const parsed = migrationPlanSchema.safeParse(plan);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'plan'}: ${issue.message}`);
  throw ApplicationFailure.create({
    message: `Invalid plan (${problems.length} problems): ${problems.join('; ')}. Check it with \`whm-migrate start\` or the plan's JSON Schema.`,
    type: 'InvalidPlan',
    nonRetryable: true,
  });
}

/** Update validator: throws, so the update is rejected before anything is written, on an invalid payload. */
function validateRequest<T>(schema: Parameters<typeof parseRequest<T>>[0], payload: unknown): void {
  const parsed = parseRequest(schema, payload);
  if (!parsed.ok) throw new Error(parsed.error);
}

interface DriveContext {
  apply(report: SessionStateReport): void;
  setPhase(phase: MigrationState['phase']): void;
  publish(): void;
  now(): string;
  continueAsNewAfterEvents: number;
  input: MigrationWorkflowInput;
}

/**
 * Follows the started session to a terminal state, turning holds into pause and resume calls and an
 * abort request into abort_transfer_session.
 */
async function driveSession(state: MigrationState, session: { destination: MigrationWorkflowInput['plan']['destination']; sessionId: string }, ctx: DriveContext): Promise<void> {
  const pollIntervalMs = state.plan.monitor.pollIntervalSeconds * 1000;
  const monitor = (until: MonitorTarget, interrupt: () => boolean): Promise<MonitorResult | undefined> =>
    runInterruptible(
      () =>
        monitorTransferSession({
          ...session,
          until,
          pollIntervalMs,
          logIntervalMs: Math.max(pollIntervalMs, 10_000),
          knownSignature: state.progressSignature,
          progressReturnAfterMs: PROGRESS_RETURN_AFTER_MS,
        }),
      interrupt,
    );
  const applyMonitor = (result: MonitorResult | undefined): void => {
    if (!result) return;
    state.applyProgress(result.items, ctx.now());
    state.progressSignature = result.signature;
    ctx.apply(result);
  };

  while (!state.whmTerminal) {
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > ctx.continueAsNewAfterEvents) {
      await condition(allHandlersFinished);
      log.info('Continuing as new to keep history small', { historyLength: info.historyLength, sessionId: session.sessionId });
      await continueAsNew<(input: MigrationWorkflowInput) => Promise<MigrationReport>>({ ...ctx.input, carried: state.toCarried() });
    }

    if (state.abortRequested && !state.abortSent) {
      ctx.setPhase('aborting');
      ctx.apply(await control.abortTransferSession(session));
      state.abortSent = true;
      continue;
    }
    if (state.abortSent || state.whmPhase === 'ABORTING') {
      applyMonitor(await monitor('terminal', () => false));
      continue;
    }

    switch (state.whmPhase) {
      case 'PENDING':
        ctx.apply(await startTransferSession(session));
        break;
      case 'PAUSING':
        // WHM finishes the items in flight first; a resume now must wait for PAUSED.
        ctx.setPhase('pausing');
        applyMonitor(await monitor('paused', () => state.abortRequested !== undefined));
        break;
      case 'PAUSED':
        if (state.held) {
          ctx.setPhase('paused');
          const released = await condition(() => !state.held || state.abortRequested !== undefined, PAUSED_RECHECK);
          if (!released) ctx.apply(await getTransferSessionState(session));
        } else {
          ctx.setPhase('resuming');
          ctx.apply(await control.resumeTransferSession(session));
          if ((state.whmPhase as string) === 'RUNNING') log.info('Resumed the transfer session', { sessionId: session.sessionId });
        }
        break;
      default:
        // RUNNING, or a state name this client does not know: treat it as running and keep watching.
        if (state.held) {
          ctx.setPhase('pausing');
          ctx.apply(await control.pauseTransferSession(session));
        } else {
          ctx.setPhase('transferring');
          applyMonitor(await monitor('terminal', () => state.held || state.abortRequested !== undefined));
        }
    }
  }
}

/**
 * Runs `activity` until it finishes or `interrupt()` turns true; then the activity is cancelled and
 * undefined is returned. The activity learns of the cancellation at its next heartbeat.
 */
async function runInterruptible<T>(activity: () => Promise<T>, interrupt: () => boolean): Promise<T | undefined> {
  if (interrupt()) return undefined;
  const scope = new CancellationScope();
  const activityPromise = scope.run(activity);
  const interrupted = scope.run(() => condition(interrupt));
  try {
    const winner = await Promise.race([activityPromise.then((value) => ({ value })), interrupted.then(() => undefined)]);
    return winner?.value;
  } catch (error) {
    if (isCancellation(error) && interrupt()) return undefined;
    throw error;
  } finally {
    scope.cancel();
    // Both promises settle once the scope is cancelled; their rejections are expected and handled here.
    await Promise.allSettled([activityPromise, interrupted]);
  }
}

/**
 * Holds the migration (source "schedule") outside the plan's maintenance windows and releases it
 * when a window opens, with a durable timer to each change. Runs beside the main flow until the
 * workflow ends.
 */
async function followSchedule(schedule: NonNullable<MigrationWorkflowInput['plan']['schedule']>, state: MigrationState, now: () => string, publish: () => void): Promise<void> {
  try {
    for (;;) {
      const evaluation = await evaluateMaintenanceSchedule({ schedule, now: now() });
      if (evaluation.allowed) {
        state.releaseHold(SCHEDULE_SOURCE, 'a maintenance window opened', now());
      } else {
        const until = evaluation.nextChangeAt ? ` until ${evaluation.nextChangeAt}` : '';
        state.addHold(SCHEDULE_SOURCE, `${evaluation.reason ?? 'outside the maintenance windows'}${until}`, now());
      }
      publish();
      const waitMs = evaluation.nextChangeAt ? Date.parse(evaluation.nextChangeAt) - Date.now() : SCHEDULE_RECHECK_MS;
      await sleep(Math.max(1000, waitMs));
    }
  } catch (error) {
    log.error('Following the maintenance schedule failed; the schedule hold stays as it is', { error: (error as Error).message });
  }
}
