// Unit tests of the queue that keeps the language client's starts and stops apart.

import assert from "node:assert/strict";
import { test } from "node:test";

import { SerialQueue } from "../../src/serial";

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test("overlapping steps run one after another, in order", async () => {
  const queue = new SerialQueue();
  const events: string[] = [];
  const restart = (name: string, ms: number) =>
    queue.run(async () => {
      events.push(`${name} stop`);
      await tick(ms);
      events.push(`${name} start`);
    });
  // The first is the slower: without the queue the second would finish inside it.
  await Promise.all([restart("first", 30), restart("second", 1)]);
  assert.deepEqual(events, ["first stop", "first start", "second stop", "second start"]);
});

test("a failing step rejects its own promise and the next step still runs", async () => {
  const queue = new SerialQueue();
  const failed = queue.run(() => Promise.reject(new Error("the server did not start")));
  let ran = false;
  const next = queue.run(() => {
    ran = true;
    return Promise.resolve();
  });
  await assert.rejects(failed, /did not start/);
  await next;
  assert.equal(ran, true);
});
