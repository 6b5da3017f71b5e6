"""Dynamic batching: requests arriving within `max_wait_us` are run as one batch of at most
`max_batch_size` rows, on one worker thread (the engine runs one predict at a time)."""
import asyncio
import concurrent.futures

import numpy as np

__all__ = ["Batcher"]


class Batcher:
    def __init__(self, max_batch_size: int = 32, max_wait_us: int = 1000, enabled: bool = True):
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_us / 1e6
        self.enabled = enabled
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._queues: dict = {}
        self.batches_run = 0

    async def predict(self, model, rows: np.ndarray) -> np.ndarray:
        loop = asyncio.get_running_loop()
        if not self.enabled or len(rows) >= self.max_batch_size:
            self.batches_run += 1
            return await loop.run_in_executor(self._executor, _run, model, rows)
        queue = self._queues.get(id(model))
        if queue is None:
            queue = self._queues[id(model)] = asyncio.Queue()
            loop.create_task(self._worker(model, queue))
        future = loop.create_future()
        await queue.put((rows, future))
        return await future

    async def _worker(self, model, queue):
        loop = asyncio.get_running_loop()
        while True:
            pending = [await queue.get()]
            size = len(pending[0][0])
            deadline = loop.time() + self.max_wait
            while size < self.max_batch_size:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                try:
                    item = await asyncio.wait_for(queue.get(), timeout)
                except asyncio.TimeoutError:
                    break
                if len(item[0]) + size > self.max_batch_size or item[0].shape[1:] != pending[0][0].shape[1:]:
                    # Does not fit this batch: run it on its own right after.
                    self._schedule_alone(model, item)
                    continue
                pending.append(item)
                size += len(item[0])
            self.batches_run += 1
            try:
                outputs = await loop.run_in_executor(self._executor, _run, model,
                                                     np.concatenate([rows for rows, _ in pending]))
            except Exception as error:  # one bad batch fails its requests, not the server
                for _, future in pending:
                    if not future.done():
                        future.set_exception(error)
                continue
            start = 0
            for rows, future in pending:
                if not future.done():
                    future.set_result(outputs[start:start + len(rows)])
                start += len(rows)

    def _schedule_alone(self, model, item):
        rows, future = item
        loop = asyncio.get_running_loop()

        async def run():
            try:
                future.set_result(await loop.run_in_executor(self._executor, _run, model, rows))
            except Exception as error:
                future.set_exception(error)
        loop.create_task(run())


def _run(model, rows):
    return np.asarray(model.predict(rows, verbose=0, batch_size=max(len(rows), 1)))
