/** Human output goes to stderr (progress) and stdout (results), so `--json` output stays clean. */
export interface Output {
  info(msg: string): void;
  result(msg: string): void;
}

export const consoleOutput = (quiet = false): Output => ({
  info: (msg) => {
    if (!quiet) process.stderr.write(`${msg}\n`);
  },
  result: (msg) => process.stdout.write(`${msg}\n`),
});
