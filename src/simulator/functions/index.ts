import type { SimulatorRuntime } from '../runtime';
import { serverInfoFunctions } from './server-info';
import { sessionControlFunctions } from './session-control';
import { sessionCreationFunctions } from './session-creation';
import type { FunctionTable } from './types';

export type { CallContext, FunctionHandler, FunctionTable } from './types';

/** Every WHM API 1 function the simulator implements, by name. */
export function whmFunctions(runtime: SimulatorRuntime): FunctionTable {
  return {
    ...sessionCreationFunctions(runtime),
    ...sessionControlFunctions(runtime),
    ...serverInfoFunctions(runtime),
  };
}
