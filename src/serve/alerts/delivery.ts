import type { AlertRequest } from '../../server-messages';

/** One alert signal for one server's workflow. */
export interface AlertDelivery {
  host: string;
  alert: AlertRequest;
}

/** An alert that names no server this service can read, reported back to the sender. */
export interface UnmappedAlert {
  /** Position in the payload's `alerts` array. */
  index: number;
  alertname?: string;
  fingerprint?: string;
  problem: string;
}

/** Maximum length of a reason in the `alert` signal, in characters. */
export const MAX_REASON_LENGTH = 500;

/** Trims a reason and shortens it to {@link MAX_REASON_LENGTH} characters; undefined when blank. */
export function clampReason(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  return trimmed.length > MAX_REASON_LENGTH ? `${trimmed.slice(0, MAX_REASON_LENGTH - 3)}...` : trimmed;
}
