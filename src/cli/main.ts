/** Entry point of the `whm-migrate` command (bin/whm-migrate.js loads the compiled file). */
import { runCli } from './program';

// A reader that stops early (`whm-migrate status ID | head`) closes the pipe; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

void runCli(process.argv.slice(2)).then((code) => {
  // Setting the code instead of calling process.exit lets pending output reach the terminal.
  process.exitCode = code;
});
