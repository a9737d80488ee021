import type { Logger } from '../log';
import { WhmFunctionFailure } from './envelope';
import type { TransferModule, ValidatedItem } from './modules';
import type { StateNameMode } from './options';
import { randomPid } from './random';
import type { RemoteAnalysis } from './remote-analysis';
import { SESSION_INITIATORS, type SessionType } from './session-id';
import { SessionLogs, itemLogName } from './session-log';
import type { TimerRegistry } from './timers';

/** Session states cPanel & WHM 11.120 stores and `get_transfer_session_state` returns. */
export type SessionState =
  | 'PENDING' | 'RUNNING' | 'PAUSING' | 'PAUSED' | 'ABORTING' | 'ABORTED' | 'COMPLETED' | 'FAILED';

/** Per-item queue states; no API function returns them, only the logs and the control endpoint show them. */
export type ItemQueueState =
  | 'TRANSFER_PENDING' | 'TRANSFER_INPROGRESS' | 'RESTORE_PENDING' | 'RESTORE_INPROGRESS' | 'COMPLETED' | 'FAILED';

export type Queue = 'TRANSFER' | 'RESTORE';

/** One enqueued item and its progress. */
export interface SessionItem extends ValidatedItem {
  readonly sequence: number;
  readonly module: TransferModule;
  queueState: ItemQueueState;
  outcome?: 'success' | 'warning' | 'failed';
  failure?: string;
  warnings: string[];
  /** Facts the TRANSFER step learned from the source, for the RESTORE step. */
  remote: { domain?: string; plan?: string; owner?: string; featurelist?: string };
}

/** Result of the work of one TRANSFER or RESTORE step. */
export interface StepOutcome {
  failure?: string;
  warnings?: string[];
  /** Runs when the step succeeds, for example to add the restored account to the inventory. */
  commit?: () => void;
  /** Runs when the step ends without success, to drop what the work reserved. */
  release?: () => void;
}

/** The module-specific work of a step; the session owns only timing, queues and logs. */
export interface ItemProcessor {
  transfer(session: TransferSession, item: SessionItem, signal: AbortSignal): Promise<StepOutcome>;
  restore(session: TransferSession, item: SessionItem, signal: AbortSignal): Promise<StepOutcome>;
}

export interface TransferRates {
  bytesPerSecond: number;
  restoreBytesPerSecond: number;
}

export interface SessionEnvironment {
  timers: TimerRegistry;
  processor: ItemProcessor;
  rates: () => TransferRates;
  minItemStepMs: number;
  serverVersion: string;
  stateNames: StateNameMode;
  logger: Logger;
}

/** Settings that `create_remote_*_transfer_session` stored. */
export interface SessionSetup {
  id: string;
  type: SessionType;
  /** The host as the caller gave it. */
  remoteHost: string;
  remoteUrl: URL;
  remoteUser: string;
  /** Cleared when the session completes, as cPanel nulls stored passwords. */
  remotePassword: string | undefined;
  transferThreads: number;
  restoreThreads: number;
  unrestricted: boolean;
  copyResellerPrivileges: boolean;
  analysis?: RemoteAnalysis;
}

interface RunningStep {
  item: SessionItem;
  queue: Queue;
  child: number;
  pid: number;
  logfile: string;
  controller: AbortController;
  startedAt: number;
  timer?: NodeJS.Timeout;
  outcome?: StepOutcome;
  finished: boolean;
}

export const MAX_THREADS = 9;

/** Item snapshot for tests and the control endpoint. */
export interface ItemSnapshot {
  module: string;
  item: string;
  localItem: string;
  size: number;
  queueState: ItemQueueState;
  outcome?: 'success' | 'warning' | 'failed';
  failure?: string;
  warnings: string[];
}

export interface SessionSnapshot {
  id: string;
  type: SessionType;
  state: SessionState;
  remoteHost: string;
  pid?: number;
  items: ItemSnapshot[];
}

/** Orders items as cPanel processes them: module number, then item priority, then enqueue order. */
function processingOrder(left: SessionItem, right: SessionItem): number {
  return left.module.priority - right.module.priority
    || left.priority - right.priority
    || left.sequence - right.sequence;
}

/**
 * One transfer session and its state machine, after cPanel & WHM 11.120. Each item passes two queues
 * (TRANSFER, then RESTORE) with their own worker slots. Pause and abort act only between items, and the
 * session ends COMPLETED even when items failed.
 */
export class TransferSession {
  readonly logs = new SessionLogs();
  readonly items: SessionItem[] = [];
  private currentState: SessionState = 'PENDING';
  /** Pid of the latest master process; log lines keep using it after the master exits. */
  private masterPid = 0;
  private masterAlive = false;
  private transferSlots: Array<RunningStep | undefined> = [];
  private restoreSlots: Array<RunningStep | undefined> = [];
  private readonly running = new Set<RunningStep>();

  constructor(readonly setup: SessionSetup, private readonly environment: SessionEnvironment) {}

  get id(): string {
    return this.setup.id;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Returns the state name `get_transfer_session_state` reports, honouring the doc-compat mode. */
  reportedState(): string {
    if (this.environment.stateNames === 'doc-compat' && this.currentState === 'RUNNING') {
      const transferWork = this.items.some((item) =>
        item.queueState === 'TRANSFER_PENDING' || item.queueState === 'TRANSFER_INPROGRESS');
      return transferWork ? 'TRANSFER_INPROGRESS' : 'RESTORE_INPROGRESS';
    }
    return this.currentState;
  }

  /** Adds an item; fails with cPanel's text when its primary key is already queued. */
  enqueue(module: TransferModule, validated: ValidatedItem): void {
    const duplicate = this.items.some((item) => item.module === module && item.primaryValue === validated.primaryValue);
    if (duplicate) {
      throw new WhmFunctionFailure(`An item with a “${module.primary}” key value of “${validated.primaryValue}” `
        + `and a type of “${module.name}” already exists in the queue.`);
    }

    this.items.push({
      ...validated,
      sequence: this.items.length,
      module,
      queueState: 'TRANSFER_PENDING',
      warnings: [],
      remote: {},
    });
    // NOTE: cPanel does not document whether items enqueued into a RUNNING session run in the same
    // run; the simulator lets still-running workers take them.
    if (this.currentState === 'RUNNING') this.fillSlots();
  }

  /**
   * Starts or resumes the session and returns the master pid. A live master (RUNNING or PAUSING)
   * returns its pid and changes nothing, as cPanel's `start_transfer` does. Throws the error detail
   * that `start_transfer_session` wraps.
   */
  start(): number {
    switch (this.currentState) {
      case 'RUNNING':
      case 'PAUSING':
        return this.masterPid;
      case 'PENDING':
        return this.beginRun('start');
      case 'PAUSED':
        return this.beginRun('resume');
      case 'ABORTING':
      case 'ABORTED':
        throw new Error(`The processor failed to start because the session “${this.id}” has been aborted.`);
      default:
        // NOTE: cPanel's behaviour on COMPLETED and FAILED sessions is unconfirmed; the simulator refuses.
        throw new Error(`The processor failed to start because the session “${this.id}” is ${this.currentState}.`);
    }
  }

  /** Requests a pause; only a RUNNING session accepts. Returns whether the request was accepted. */
  pause(): boolean {
    if (this.currentState !== 'RUNNING') return false;

    this.changeState('PAUSING');
    this.logs.control(this.masterPid, { action: 'pausing', child_number: 0 });
    this.advance();
    return true;
  }

  /**
   * Requests an abort. PENDING fails the session (cPanel marks it FAILED, not ABORTED); RUNNING and
   * PAUSING stop the in-flight items at their next abortable point, within one minimum step, with
   * "Aborted."; PAUSED aborts at once. Returns whether the request was accepted.
   */
  abort(): boolean {
    switch (this.currentState) {
      case 'PENDING':
        this.changeState('FAILED');
        return true;
      case 'RUNNING':
      case 'PAUSING':
      case 'PAUSED':
        break;
      default:
        return false;
    }

    this.changeState('ABORTING');
    this.logs.control(this.masterPid, { action: 'aborting', child_number: 0 });
    for (const step of this.running) this.interruptStep(step);
    this.environment.timers.schedule(() => this.advance(), 0);
    return true;
  }

  /** Stops all work without logging; used when the simulator closes. */
  shutdown(): void {
    for (const step of this.running) {
      step.controller.abort();
      step.outcome?.release?.();
    }
    this.running.clear();
  }

  snapshot(): SessionSnapshot {
    const snapshot: SessionSnapshot = {
      id: this.id,
      type: this.setup.type,
      state: this.currentState,
      remoteHost: this.setup.remoteHost,
      items: [...this.items].sort(processingOrder).map((item) => {
        const itemSnapshot: ItemSnapshot = {
          module: item.module.name,
          item: item.primaryValue,
          localItem: item.localName,
          size: item.size,
          queueState: item.queueState,
          warnings: [...item.warnings],
        };
        if (item.outcome !== undefined) itemSnapshot.outcome = item.outcome;
        if (item.failure !== undefined) itemSnapshot.failure = item.failure;
        return itemSnapshot;
      }),
    };
    if (this.masterAlive) snapshot.pid = this.masterPid;
    return snapshot;
  }

  private beginRun(action: 'start' | 'resume'): number {
    this.masterPid = randomPid();
    this.masterAlive = true;
    this.logs.openMasterLogs();
    this.changeState('RUNNING');

    const pid = this.masterPid;
    if (action === 'start') {
      const sizes = this.items.reduce((total, item) => total + item.size, 0);
      this.logs.control(pid, { action: 'start', child_number: 0 });
      this.logs.control(pid, { action: 'initiator', child_number: 0, msg: SESSION_INITIATORS[this.setup.type] });
      this.logs.control(pid, { action: 'version', child_number: 0, msg: this.environment.serverVersion });
      this.logs.control(pid, {
        action: 'queue_count', child_number: 0, msg: { TRANSFER: this.items.length, RESTORE: this.items.length },
      });
      this.logs.control(pid, { action: 'queue_size', child_number: 0, msg: { TRANSFER: sizes, RESTORE: sizes } });
      this.logs.control(pid, { action: 'remotehost', child_number: 0, msg: this.setup.remoteHost });
    } else {
      this.logs.control(pid, { action: 'resume', child_number: 0 });
    }

    // cPanel lowers each thread count to the number of queued items and clamps it to 1..9.
    const transferQueued = this.items.filter((item) => item.queueState === 'TRANSFER_PENDING').length;
    const restoreQueued = this.items.filter((item) => item.queueState === 'TRANSFER_PENDING'
      || item.queueState === 'RESTORE_PENDING').length;
    this.transferSlots = new Array<undefined>(clampThreads(this.setup.transferThreads, transferQueued));
    this.restoreSlots = new Array<undefined>(clampThreads(this.setup.restoreThreads, restoreQueued));

    this.advance();
    return pid;
  }

  /** Moves the session forward after any change: fills free worker slots or ends the run. */
  private advance(): void {
    if (this.environment.timers.isClosed) return;

    if (this.currentState === 'RUNNING') this.fillSlots();
    if (this.running.size > 0) return;

    const queued = this.items.some((item) =>
      item.queueState === 'TRANSFER_PENDING' || item.queueState === 'RESTORE_PENDING');
    switch (this.currentState) {
      case 'RUNNING':
        if (!queued) this.complete();
        break;
      case 'PAUSING':
        // Workers that find no queued work exit normally, so the pause is dropped and the session completes.
        if (queued) {
          this.logs.control(this.masterPid, { action: 'pause', child_number: 0 });
          this.masterAlive = false;
          this.changeState('PAUSED');
        } else {
          this.complete();
        }
        break;
      case 'ABORTING':
        this.logs.control(this.masterPid, { action: 'abort', child_number: 0 });
        this.masterAlive = false;
        this.changeState('ABORTED');
        break;
      default:
        break;
    }
  }

  private complete(): void {
    this.logs.control(this.masterPid, { action: 'complete', child_number: 0 });
    this.masterAlive = false;
    this.changeState('COMPLETED');
  }

  private fillSlots(): void {
    this.fillQueueSlots('TRANSFER', this.transferSlots, 'TRANSFER_PENDING');
    this.fillQueueSlots('RESTORE', this.restoreSlots, 'RESTORE_PENDING');
  }

  private fillQueueSlots(queue: Queue, slots: Array<RunningStep | undefined>, waiting: ItemQueueState): void {
    for (let index = 0; index < slots.length; index += 1) {
      if (slots[index] !== undefined) continue;
      const next = this.items.filter((item) => item.queueState === waiting).sort(processingOrder)[0];
      if (next === undefined) return;
      slots[index] = this.startStep(next, queue, index + 1);
    }
  }

  private startStep(item: SessionItem, queue: Queue, child: number): RunningStep {
    const logfile = itemLogName(queue, item.module.name, item.primaryValue);
    const step: RunningStep = {
      item, queue, child, logfile,
      pid: this.masterPid + child,
      controller: new AbortController(),
      startedAt: Date.now(),
      finished: false,
    };
    this.running.add(step);
    item.queueState = queue === 'TRANSFER' ? 'TRANSFER_INPROGRESS' : 'RESTORE_INPROGRESS';

    this.logs.control(this.masterPid, {
      action: 'process-item', child_number: child, queue, item: item.primaryValue, local_item: item.localName,
      item_type: item.module.name, item_name: item.module.itemLabel, logfile,
    });
    this.logs.control(step.pid, {
      action: 'start-item', child_number: child, queue, item: item.primaryValue, local_item: item.localName,
      item_type: item.module.name, item_name: item.module.itemLabel, logfile, msg: { size: item.size },
    });
    const verb = queue === 'TRANSFER' ? 'Transferring' : 'Restoring';
    this.logs.item(logfile, step.pid, 'out', `${verb} ${item.module.itemLabel} “${item.primaryValue}” (${item.size} bytes) …`);

    const work = queue === 'TRANSFER'
      ? this.environment.processor.transfer(this, item, step.controller.signal)
      : this.environment.processor.restore(this, item, step.controller.signal);
    work.catch((error: unknown): StepOutcome => ({ failure: error instanceof Error ? error.message : String(error) }))
      .then((outcome) => this.scheduleStepEnd(step, outcome))
      .catch((error: unknown) => this.environment.logger.error({ err: error, transferSessionId: this.id },
        'WHM simulator failed to schedule the end of a transfer step'));
    return step;
  }

  /** Ends the step when its simulated duration has passed; a failure ends it after the minimum step. */
  private scheduleStepEnd(step: RunningStep, outcome: StepOutcome): void {
    if (step.finished || this.currentState === 'ABORTING') {
      outcome.release?.();
      return;
    }

    step.outcome = outcome;
    const elapsed = Date.now() - step.startedAt;
    const duration = outcome.failure === undefined ? this.stepDurationMs(step) : this.environment.minItemStepMs;
    step.timer = this.environment.timers.schedule(() => this.finishStep(step, outcome), duration - elapsed);
  }

  private stepDurationMs(step: RunningStep): number {
    const rates = this.environment.rates();
    const bytesPerSecond = step.queue === 'TRANSFER' ? rates.bytesPerSecond : rates.restoreBytesPerSecond;
    return Math.max(this.environment.minItemStepMs, (step.item.size / bytesPerSecond) * 1000);
  }

  /** Stops an in-flight step for an abort: it fails with "Aborted." at its next abortable point. */
  private interruptStep(step: RunningStep): void {
    this.environment.timers.cancel(step.timer);
    step.controller.abort();
    step.outcome?.release?.();
    const aborted: StepOutcome = { failure: 'Aborted.' };
    step.outcome = aborted;
    step.timer = this.environment.timers.schedule(() => this.finishStep(step, aborted), this.environment.minItemStepMs);
  }

  private finishStep(step: RunningStep, outcome: StepOutcome): void {
    if (step.finished) return;
    step.finished = true;
    this.running.delete(step);
    const slots = step.queue === 'TRANSFER' ? this.transferSlots : this.restoreSlots;
    if (slots[step.child - 1] === step) slots[step.child - 1] = undefined;

    const { item } = step;
    const itemFields = {
      child_number: step.child, queue: step.queue, item: item.primaryValue, local_item: item.localName,
      item_type: item.module.name, item_name: item.module.itemLabel, logfile: step.logfile,
    };
    const warnings = outcome.warnings ?? [];
    item.warnings.push(...warnings);
    for (const warning of warnings) {
      this.logs.item(step.logfile, step.pid, 'warn', warning);
      this.logs.masterError(step.pid, 'warn', `${item.module.itemLabel} “${item.primaryValue}”: ${warning}`);
    }

    if (outcome.failure !== undefined) {
      outcome.release?.();
      item.queueState = 'FAILED';
      item.outcome = 'failed';
      item.failure = outcome.failure;
      this.logs.item(step.logfile, step.pid, 'failure', outcome.failure);
      this.logs.masterError(step.pid, 'failure', `${item.module.itemLabel} “${item.primaryValue}”: ${outcome.failure}`);
      this.logs.control(step.pid, {
        ...itemFields, action: 'failed-item', msg: { failure: outcome.failure, size: item.size, warnings: item.warnings.length },
      });
      this.environment.logger.info({ transferSessionId: this.id, item: item.primaryValue, module: item.module.name,
        failure: outcome.failure }, 'WHM simulator transfer item failed');
    } else {
      outcome.commit?.();
      const done = step.queue === 'RESTORE';
      item.queueState = done ? 'COMPLETED' : 'RESTORE_PENDING';
      if (done) item.outcome = item.warnings.length > 0 ? 'warning' : 'success';
      this.logs.item(step.logfile, step.pid, 'success', `${step.queue === 'TRANSFER' ? 'Transfer' : 'Restore'} complete.`);
      this.logs.control(step.pid, {
        ...itemFields,
        action: warnings.length > 0 ? 'warning-item' : 'success-item',
        msg: { size: item.size, warnings: warnings.length, skipped_items: 0, dangerous_items: 0, altered_items: 0 },
      });
    }

    this.advance();
  }

  private changeState(next: SessionState): void {
    this.environment.logger.info({ transferSessionId: this.id, from: this.currentState, to: next },
      'WHM simulator transfer session changed state');
    this.currentState = next;
    // cPanel nulls the stored passwords when it marks a session completed, which FAILED and ABORTED also do.
    if (next === 'COMPLETED' || next === 'ABORTED' || next === 'FAILED') this.setup.remotePassword = undefined;
  }
}

function clampThreads(requested: number, queued: number): number {
  return Math.max(1, Math.min(MAX_THREADS, requested, queued));
}
