import { Command } from 'commander';
import { listenForProcessSignals } from '../cli/io';
import type { Logger } from '../log';
import { loadServeConfig, startServeService } from './index';

/** Output, stop signal, environment and logger of `whm-migrate serve`; tests replace the defaults. */
export interface ServeCommandIo {
  /** Writes one line of user-facing output. @default a line on stdout */
  print: (line: string) => void;
  /** Resolves when the service should stop. @default the first SIGINT or SIGTERM */
  waitForStop: () => Promise<void>;
  /** @default process.env */
  env: NodeJS.ProcessEnv;
  /** @default a pino logger named 'whm-migrate-serve' on stderr */
  logger?: Logger;
}

/** Global options of `whm-migrate` that this command honours. */
interface GlobalFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
}

const ENVIRONMENT_HELP = `
Settings come from the environment:
  WHM_MIGRATE_SERVE_TOKEN         bearer token that clients must send (required, at least 16 characters)
  WHM_MIGRATE_SERVE_TOKEN_FILE    file that contains the token, instead of WHM_MIGRATE_SERVE_TOKEN
  WHM_MIGRATE_SERVE_HOST          address to listen on (default: 127.0.0.1)
  WHM_MIGRATE_SERVE_PORT          TCP port (default: 8080)
  WHM_MIGRATE_ALERT_SERVER_LABEL  alert label that names the WHM server; a port in its value is
                                  ignored (default: instance, then the labels server and host)
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, WHM_MIGRATE_TASK_QUEUE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
  TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE
                                  where the migration and server workflows run, as for the worker

Routes (GET /openapi.json describes them all; :id is the workflow id URL-encoded into one segment,
whm-migrate%2Fdest.example.com%2Fwave-1):
  POST /migrations                   start the plan in the JSON body (201), or return the running one (200)
  GET  /migrations                   list; filters ?phase= &paused=true|false &server=HOST &all=true &limit=
  GET  /migrations/:id               status while running, report or failure once ended
  GET  /migrations/:id/report        report of an ended migration; ?wait=true&timeout=SECONDS waits for it
  POST /migrations/:id/pause         also /resume and /abort; optional body {"reason", "source"} (resume: "all");
                                     ?wait=true returns the state once WHM confirmed it
  POST /migrations/pause             also /resume: every running migration on {"server": HOST}, or {"all": true}
  POST /alerts/alertmanager          Prometheus Alertmanager webhook (payload version 4)
  POST /alerts                       {"server": "dest.example.com", "healthy": false, "reason": "...", "key": "..."}
  GET  /healthz                      liveness, no token
  GET  /readyz                       200 when Temporal is reachable, else 503; no token
  GET  /metrics                      Prometheus metrics of requests, alerts, signals and migrations; no token
  GET  /openapi.json                 the OpenAPI 3.1 document, no token

Alertmanager receiver example:
  webhook_configs:
    - url: http://127.0.0.1:8080/alerts/alertmanager
      http_config:
        authorization: { credentials_file: /etc/whm-migrate/serve-token }`;

/** Builds `whm-migrate serve`. */
export function serveCommand(io: Partial<ServeCommandIo> = {}): Command {
  const print = io.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const env = io.env ?? process.env;

  return new Command('serve')
    .description('Run the HTTP service that starts and steers migrations and turns monitoring alerts into holds on them, until Ctrl-C or SIGTERM.')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<GlobalFlags>();
      const config = await loadServeConfig({ env, address: flags.address, namespace: flags.namespace, taskQueue: flags.taskQueue });

      // Listen before starting, so a stop request during start-up is not lost.
      const stop = io.waitForStop === undefined ? listenForProcessSignals() : { stopped: io.waitForStop(), dispose: () => undefined };
      try {
        const service = await startServeService({ config, logger: io.logger });
        print(`whm-migrate serve listening on ${service.url} (Temporal ${config.temporal.address}, namespace ${config.temporal.namespace})`);
        await stop.stopped;
        await service.close();
      } finally {
        stop.dispose();
      }
    });
}
