// Runs asynchronous steps one at a time. The extension starts, stops and restarts its
// language client through one queue: two overlapping restarts (a command run twice, or
// settings saved twice in a row) would otherwise each start a client, and the first one
// would never be stopped. Pure: no `vscode` import, so the unit tests run under Node.

/** Asynchronous steps that run one after another, in the order they were added. */
export class SerialQueue {
  private last: Promise<void> = Promise.resolve();

  /**
   * Runs `step` once every step added before it has settled, and settles as it does. A
   * step that fails rejects its own promise only: the steps after it still run.
   */
  run(step: () => Promise<void>): Promise<void> {
    const result = this.last.then(step);
    this.last = result.catch(() => undefined);
    return result;
  }
}
