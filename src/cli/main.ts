/** Entry point of the `whm-migrate` command (bin/whm-migrate.js loads the compiled file). */
import { runCli } from './program';

void runCli(process.argv.slice(2)).then((code) => {
  // Setting the code instead of calling process.exit lets pending output reach the terminal.
  process.exitCode = code;
});
