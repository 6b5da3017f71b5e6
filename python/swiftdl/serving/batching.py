"""Dynamic batching: requests for the same model whose inputs have the same per-example
shapes are run as one `predict` of at most `max_batch_size` examples, on one worker thread
(the engine runs one predict at a time, using all its threads).

A batch takes every request already waiting. If it is not full and other requests have
arrived but are still being read and parsed (`announce`d), it waits up to `max_wait_us`
once for them; with nobody else in flight it runs at once, so a lone client pays no wait.
Under load, requests gather while the previous batch runs, so batches fill by themselves.
"""
import asyncio
import concurrent.futures

import numpy as np

__all__ = ["Batcher"]


class Batcher:
    def __init__(self, max_batch_size: int = 32, max_wait_us: int = 1000, enabled: bool = True, on_batch=None):
        """`on_batch(examples)` is called for every batch run (the server's metrics)."""
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_us / 1e6
        self.enabled = enabled
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="swiftdl-predict")
        self._queue: "asyncio.Queue | None" = None
        self._on_batch = on_batch
        self._arriving = 0  # requests announced and not yet queued

    def announce(self) -> None:
        """A predict request has arrived; its inputs are being read (pair with `withdraw`)."""
        self._arriving += 1

    def withdraw(self) -> None:
        """The announced request is queued now, or failed before it could be."""
        self._arriving -= 1

    async def predict(self, served, inputs: list) -> list:
        """The signature-ordered output arrays of `served.model` on `inputs` (one array per input)."""
        loop = asyncio.get_running_loop()
        if not self.enabled or len(inputs[0]) >= self.max_batch_size:
            return await self._run_batch(loop, served, [inputs])
        if self._queue is None:
            self._queue = asyncio.Queue()
            loop.create_task(self._worker())
        future = loop.create_future()
        await self._queue.put((served, inputs, future))
        return await future

    async def _worker(self):
        loop = asyncio.get_running_loop()
        queue = self._queue
        held = None  # a request that did not fit the last batch; it starts the next one
        while True:
            first = held if held is not None else await queue.get()
            held = None
            batch, size = [first], len(first[1][0])
            waited = False
            while size < self.max_batch_size:
                if queue.empty():
                    if waited or self.max_wait <= 0 or self._arriving == 0:
                        break
                    waited = True
                    await asyncio.sleep(self.max_wait)
                    continue
                item = queue.get_nowait()
                if not _fits(first, item) or size + len(item[1][0]) > self.max_batch_size:
                    held = item
                    break
                batch.append(item)
                size += len(item[1][0])
            await self._settle(loop, first[0], batch)

    async def _settle(self, loop, served, batch):
        try:
            outputs = await self._run_batch(loop, served, [inputs for _, inputs, _ in batch])
        except Exception as error:  # one bad batch fails its requests, not the server
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        start = 0
        for _, inputs, future in batch:
            rows = len(inputs[0])
            if not future.done():
                future.set_result([o[start:start + rows] for o in outputs])
            start += rows

    async def _run_batch(self, loop, served, requests: list) -> list:
        inputs = requests[0] if len(requests) == 1 else [np.concatenate(column) for column in zip(*requests)]
        if self._on_batch is not None:
            self._on_batch(len(inputs[0]))
        return await loop.run_in_executor(self._executor, _predict, served, inputs)


def _fits(first, item) -> bool:
    """Whether `item` can join `first`'s batch: the same model, and inputs of the same kind."""
    return item[0] is first[0] and all(a.shape[1:] == b.shape[1:] and a.dtype == b.dtype
                                       for a, b in zip(first[1], item[1]))


def _predict(served, inputs):
    x = inputs[0] if len(inputs) == 1 else inputs
    result = served.model.predict(x, verbose=0, batch_size=max(len(inputs[0]), 1))
    return served.signature.flatten_outputs(result)
