import type { RejectedRequest } from '../messages';

/** Rejected requests a workflow keeps for its status query; older ones are dropped. */
export const MAX_REJECTED_REQUESTS = 20;

/** Returns `requests` with `request` appended, keeping only the newest {@link MAX_REJECTED_REQUESTS}. */
export function appendRejectedRequest(requests: RejectedRequest[], request: RejectedRequest): RejectedRequest[] {
  return [...requests, request].slice(-MAX_REJECTED_REQUESTS);
}
