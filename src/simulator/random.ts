import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Returns `length` random characters from [A-Za-z0-9]. */
export function randomAlphanumeric(length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    text += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  }
  return text;
}

/** Returns a plausible Linux process id for a simulated transfer master process. */
export function randomPid(): number {
  return randomInt(1000, 4_000_000);
}
