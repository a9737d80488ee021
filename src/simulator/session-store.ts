import { missingParameter, WhmFunctionFailure } from './envelope';
import { checkSessionIdCharacters, generateSessionId } from './session-id';
import { TransferSession, type SessionEnvironment, type SessionSetup, type SessionSnapshot } from './transfer-session';

/** Snapshot of all transfer sessions of one simulator. */
export interface SessionsSnapshot {
  /** Number of `create_remote_*_transfer_session` calls that created a session. */
  createCount: number;
  sessions: SessionSnapshot[];
}

/** The transfer sessions of one simulator, by id. */
export class SessionStore {
  private readonly sessions = new Map<string, TransferSession>();
  private created = 0;

  constructor(private readonly environment: SessionEnvironment) {}

  create(setup: Omit<SessionSetup, 'id'>): TransferSession {
    const id = generateSessionId(setup.remoteHost, setup.type, new Date(), (candidate) => this.sessions.has(candidate));
    const session = new TransferSession({ ...setup, id }, this.environment);
    this.sessions.set(id, session);
    this.created += 1;
    this.environment.logger.info({ transferSessionId: id, type: setup.type, remoteHost: setup.remoteHost },
      'WHM simulator created a transfer session');
    return session;
  }

  /** Returns the session named by `transfer_session_id`, or fails with cPanel's texts. */
  find(params: Readonly<Record<string, string>>): TransferSession {
    const id = params.transfer_session_id;
    if (id === undefined || id === '') throw missingParameter('transfer_session_id');
    checkSessionIdCharacters(id);

    const session = this.sessions.get(id);
    if (session === undefined) throw new WhmFunctionFailure(`The session ID “${id}” does not exist.`);
    return session;
  }

  get createCount(): number {
    return this.created;
  }

  get size(): number {
    return this.sessions.size;
  }

  snapshot(): SessionsSnapshot {
    return { createCount: this.created, sessions: [...this.sessions.values()].map((session) => session.snapshot()) };
  }

  shutdown(): void {
    for (const session of this.sessions.values()) session.shutdown();
  }
}
