/**
 * The server workflow: one per WHM server, running for as long as the server is monitored. It keeps
 * the server-level holds (the health monitor's and one per active alert) and pushes them to every
 * running migration of the server, including migrations that start later.
 *
 * A durable loop checks health every `intervalSeconds` when configured, then reconciles; an alert
 * or a new config wakes the loop at once. Waiting happens in timers, so history grows with checks,
 * and continue-as-new keeps it bounded.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HealthActivities } from '../health/activities';
import { serverHealthConfigSchema, whmCallTimeoutMs, type ServerHealthConfig } from '../health/config';
import {
  alertSignal,
  configureHealthSignal,
  normalizeHost,
  SERVER_SIGNAL_DESCRIPTIONS,
  serverStatusQuery,
  type ServerWorkflowInput,
} from '../server-messages';
import { type SignalOutcome, ServerState } from './server-state';

// Reconciliation runs again at the next interval anyway, so a few quick retries are enough. A
// longer outage of Temporal's visibility is recorded in the status, and the loop goes on.
const { reconcileServerHolds } = proxyActivities<HealthActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/**
 * The check returns WHM failures as data, so an activity failure means the worker failed; one retry
 * covers a worker restart. The timeout is the longest WHM call or probe plus 10 s of slack.
 */
function checkServerHealth(config: ServerHealthConfig) {
  const budgetMs = Math.max(whmCallTimeoutMs(config), config.probe?.timeoutMs ?? 0) + 10_000;
  return proxyActivities<HealthActivities>({
    startToCloseTimeout: budgetMs,
    retry: { initialInterval: '1 second', maximumAttempts: 2 },
  }).checkServerHealth(config);
}

/** Reconciliation interval while health checks are off; alerts wake the loop sooner. */
const IDLE_RECONCILE_INTERVAL_MS = 60_000;
/** Loop iterations per run before continuing as new. */
const CONTINUE_AS_NEW_ITERATIONS = 100;
/** History length at which a run hands over to a new one, below the server's 4,096-event suggestion. */
const CONTINUE_AS_NEW_EVENTS = 3_000;

const hostSchema = serverHealthConfigSchema.shape.host;

export async function serverWorkflow(input: ServerWorkflowInput): Promise<void> {
  const checkedHost = hostSchema.safeParse(normalizeHost(input.host));
  if (!checkedHost.success) {
    throw ApplicationFailure.nonRetryable(`The server workflow needs a host name or IP address as input.host, got ${JSON.stringify(input.host)}`, 'InvalidServerWorkflowInput');
  }
  const host = checkedHost.data;
  const now = (): string => new Date().toISOString();
  const state = new ServerState(host, now(), input.carried);

  const publish = (): void => setCurrentDetails(state.details());
  const report = (signal: string, outcome: SignalOutcome): void => {
    if (outcome.error !== undefined) log.warn('Rejected a signal with an invalid payload', { signal, host, error: outcome.error });
    else if (outcome.ignored !== undefined) log.info('Signal changed nothing', { signal, host, detail: outcome.ignored });
    else log.info('Signal applied', { signal, host, holds: state.holds.sources() });
    publish();
  };
  setHandler(alertSignal, (payload) => report('alert', state.alert(payload, now())), { description: SERVER_SIGNAL_DESCRIPTIONS.alert });
  setHandler(configureHealthSignal, (payload) => report('configureHealth', state.configure(payload, now())), {
    description: SERVER_SIGNAL_DESCRIPTIONS.configureHealth,
  });
  setHandler(serverStatusQuery, () => state.status(), { description: SERVER_SIGNAL_DESCRIPTIONS.serverStatus });
  publish();

  const runCheck = async (config: ServerHealthConfig): Promise<void> => {
    state.scheduleNextCheck(Date.now());
    try {
      const result = await checkServerHealth(config);
      const change = state.applyCheck(config, result, now());
      if (change !== undefined) log.info('Server health changed', { host, ...change });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const message = error.cause?.message ?? error.message;
      state.checkFailed(message, now());
      log.error('The health check could not run', { host, error: message });
    }
  };

  const reconcile = async (): Promise<void> => {
    try {
      const result = await reconcileServerHolds({
        host,
        holds: state.wantedHolds(),
        ownedSourcePrefixes: state.ownedSourcePrefixes,
        releaseReasons: state.releaseReasons(),
        migrationTaskQueue: input.migrationTaskQueue,
      });
      state.recordReconcile({ at: now(), ...result });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const message = error.cause?.message ?? error.message;
      state.recordReconcile({ at: now(), migrations: [], paused: [], resumed: [], failed: [], error: message });
      log.error('Reconciling the holds of the server\'s migrations failed', { host, error: message });
    }
  };

  const iterationLimit = input.continueAsNewAfterIterations ?? CONTINUE_AS_NEW_ITERATIONS;
  let nextReconcileAtMs = Date.now();
  for (let iteration = 0; ; iteration++) {
    const info = workflowInfo();
    if (iteration >= iterationLimit || info.continueAsNewSuggested || info.historyLength > CONTINUE_AS_NEW_EVENTS) {
      await condition(allHandlersFinished);
      log.info('Continuing as new to keep history small', { host, historyLength: info.historyLength, iteration });
      await continueAsNew<typeof serverWorkflow>({ ...input, carried: state.toCarried() });
    }

    const wakeAtMs = Math.min(state.nextCheckAtMs() ?? Infinity, nextReconcileAtMs);
    if (!state.wakeRequested && wakeAtMs > Date.now()) await condition(() => state.wakeRequested, wakeAtMs - Date.now());
    // Cleared before the activities run, so a signal that arrives meanwhile runs the loop again.
    state.wakeRequested = false;

    if (state.config !== null && state.checkDue(Date.now())) await runCheck(state.config);
    await reconcile();
    nextReconcileAtMs = Date.now() + IDLE_RECONCILE_INTERVAL_MS;
    publish();
  }
}
