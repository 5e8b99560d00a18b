/**
 * A bench's entry point: runs it, then exits 0, or prints the error and exits 1. Exiting outright
 * matters: a Temporal connection or timer a bench left open would keep the process alive after its
 * report.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
