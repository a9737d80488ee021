/** Reading and checking the recorded histories under test/fixtures/histories. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where record-histories.test.ts writes and replay.test.ts reads the recorded histories. */
export const HISTORIES_DIRECTORY = join(__dirname, '..', 'fixtures', 'histories');

/** A history in the JSON form of `historyToJSON` and `temporal workflow show --output json`. */
export interface HistoryJson {
  events: Array<Record<string, unknown> & { eventId: string; eventType: string }>;
}

export async function readHistoryFixture(name: string): Promise<HistoryJson> {
  return JSON.parse(await readFile(join(HISTORIES_DIRECTORY, `${name}.json`), 'utf8')) as HistoryJson;
}

/**
 * Returns the fixture's JSON text followed by every payload decoded from base64, so a search finds
 * a value the history carries inside workflow input, activity input or results, or failure details.
 */
export function searchableText(history: HistoryJson): string {
  const decoded: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.data === 'string' && typeof record.metadata === 'object' && record.metadata !== null) {
      decoded.push(Buffer.from(record.data, 'base64').toString('utf8'));
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(history);
  return [JSON.stringify(history), ...decoded].join('\n');
}

/** Returns a copy of `history` whose first scheduled activity of type `from` has type `to` instead. */
export function withActivityRenamed(history: HistoryJson, from: string, to: string): HistoryJson {
  const copy = structuredClone(history);
  const scheduled = copy.events.find(
    (event) => event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' && activityTypeOf(event)?.name === from,
  );
  if (!scheduled) throw new Error(`The history schedules no activity of type ${from}`);
  activityTypeOf(scheduled)!.name = to;
  return copy;
}

function activityTypeOf(event: Record<string, unknown>): { name: string } | undefined {
  const attributes = event.activityTaskScheduledEventAttributes as { activityType?: { name: string } } | undefined;
  return attributes?.activityType;
}

/**
 * Throws unless @temporalio/common and @temporalio/proto load the same protobufjs. `historyToJSON`
 * and `historyFromJSON` check message types with `instanceof`, so with two copies installed they
 * fail with "type must be a Type" and no history can be recorded or replayed from JSON.
 */
export function assertSingleProtobufjs(): void {
  const copyFor = (packageName: string): string => require.resolve('protobufjs', { paths: [dirname(require.resolve(packageName))] });
  const common = copyFor('@temporalio/common');
  const proto = copyFor('@temporalio/proto');
  if (common === proto) return;
  throw new Error(
    `@temporalio/common loads protobufjs from ${common} but @temporalio/proto loads it from ${proto}, ` +
      'so historyToJSON and historyFromJSON fail with "type must be a Type". Install a single protobufjs 8 ' +
      'for both: add "protobufjs": "^8.8.1" to the dependencies in package.json and run npm install.',
  );
}
