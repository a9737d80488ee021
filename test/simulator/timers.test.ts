import { SimulatorClosedError, TimerRegistry } from '../../src/simulator/timers';

describe('TimerRegistry', () => {
  test('close rejects pending sleeps', async () => {
    const timers = new TimerRegistry();
    const sleeping = timers.sleep(60_000);

    timers.close();

    await expect(sleeping).rejects.toBeInstanceOf(SimulatorClosedError);
  });

  test('close cancels scheduled callbacks', async () => {
    const timers = new TimerRegistry();
    const calls: string[] = [];
    timers.schedule(() => calls.push('cancelled'), 0);

    timers.close();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(calls).toEqual([]);
  });

  test('nothing schedules after close', async () => {
    const timers = new TimerRegistry();
    timers.close();

    expect(timers.schedule(() => undefined, 0)).toBeUndefined();
    await expect(timers.sleep(0)).rejects.toBeInstanceOf(SimulatorClosedError);
  });

  test('scheduled callback runs', async () => {
    const timers = new TimerRegistry();

    const ran = await new Promise<boolean>((resolve) => timers.schedule(() => resolve(true), 0));

    expect(ran).toBe(true);
  });
});
