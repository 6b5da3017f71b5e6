#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small persistent pool of pthreads that runs `parallelFor` jobs. The calling thread
/// takes part in every job. One job runs at a time: a caller that finds the pool busy
/// (another Python thread, or a nested call from inside a job) runs its work serially,
/// so the pool never deadlocks and never oversubscribes the cores.
public final class ThreadPool: @unchecked Sendable {
    public static let shared = ThreadPool()

    private let submitLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let stateLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let workAvailable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let workFinished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    // Guarded by stateLock.
    private var job: ((Int) -> Void)?
    private var jobSize = 0
    private var nextTask = 0
    /// Workers that joined the current job (took its closure) and have not left it.
    private var activeWorkers = 0
    /// How many workers may join the current job: threadCount - 1 when it started (more
    /// workers exist after the count is lowered).
    private var workerLimit = 0
    private var generation = 0
    private var workers = 0

    /// Threads used for one job, the caller included. Defaults to the online cores,
    /// or `SWIFTDL_NUM_THREADS` when set.
    public private(set) var threadCount: Int

    private init() {
        pthread_mutex_init(submitLock, nil)
        pthread_mutex_init(stateLock, nil)
        pthread_cond_init(workAvailable, nil)
        pthread_cond_init(workFinished, nil)
        var count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if let text = getenv("SWIFTDL_NUM_THREADS"), let requested = Int(String(cString: text)), requested > 0 {
            count = requested
        }
        threadCount = max(1, min(count, 256))
    }

    /// Sets the number of threads jobs use (at least 1).
    public func setThreadCount(_ count: Int) {
        pthread_mutex_lock(submitLock)
        threadCount = max(1, min(count, 256))
        pthread_mutex_unlock(submitLock)
    }

    /// Runs `body(0..<taskCount)`, spread across the pool. Returns when every task is done.
    public func parallelFor(_ taskCount: Int, _ body: (Int) -> Void) {
        if taskCount <= 1 || threadCount <= 1 || pthread_mutex_trylock(submitLock) != 0 {
            for task in 0..<taskCount { body(task) }
            return
        }
        defer { pthread_mutex_unlock(submitLock) }
        if OpDeterminism.isEnabled {
            // Every share computed as the submitting thread would: a worker's own
            // subnormal flushing must not decide a result.
            let mode = subnormalFlushingMode()
            runJob(taskCount) { task in withSubnormalFlushingMode(mode) { body(task) } }
        } else {
            runJob(taskCount, body)
        }
    }

    /// Runs a job on the caller and the workers; the caller holds `submitLock`.
    private func runJob(_ taskCount: Int, _ body: (Int) -> Void) {
        startWorkers(upTo: threadCount - 1)
        withoutActuallyEscaping(body) { escapableBody in
            pthread_mutex_lock(stateLock)
            job = escapableBody
            jobSize = taskCount
            nextTask = 0
            workerLimit = threadCount - 1
            generation &+= 1
            pthread_cond_broadcast(workAvailable)
            pthread_mutex_unlock(stateLock)

            runTasks(escapableBody)

            // Every task has been taken. Wait only for the workers still running one: a
            // worker that wakes late (the other core was busy) finds nothing to do and
            // never joins, so the caller does not wait for its wake-up. Slices are about
            // equal, so the others usually finish within microseconds: poll a little
            // before sleeping, as the workers do for new jobs.
            for _ in 0..<2000 {
                pthread_mutex_lock(stateLock)
                let running = activeWorkers
                pthread_mutex_unlock(stateLock)
                if running == 0 { break }
            }
            pthread_mutex_lock(stateLock)
            while activeWorkers > 0 { pthread_cond_wait(workFinished, stateLock) }
            job = nil
            pthread_mutex_unlock(stateLock)
        }
    }

    /// Runs `body` on the calling thread with the pool held, so that the `parallelFor` calls
    /// inside it run serially on this thread too (for work that must stay on a thread set
    /// up for it, such as one with subnormals flushed).
    public func serially(_ body: () -> Void) {
        // Busy already (a job is running, perhaps this thread's own): nested jobs run
        // serially anyway.
        if pthread_mutex_trylock(submitLock) != 0 {
            body()
            return
        }
        defer { pthread_mutex_unlock(submitLock) }
        body()
    }

    /// Polls for a new job for `pollNanoseconds` before the worker goes to sleep. A training
    /// step starts a dozen or more jobs with Python's work in between, and a sleeping
    /// thread takes 10-50 µs to wake on bare metal and up to a few hundred in a virtual
    /// machine, by which time the caller has often run the whole job alone. The poll is
    /// bounded, so an idle pool still sleeps.
    private func waitBriefly(whileGenerationIs seen: Int) {
        let deadline = monotonicNanoseconds() + ThreadPool.pollNanoseconds
        repeat {
            pthread_mutex_lock(stateLock)
            let changed = generation != seen
            pthread_mutex_unlock(stateLock)
            if changed { return }
        } while monotonicNanoseconds() < deadline
    }

    /// How long an idle worker polls. NOTE: the poll was 2,000 lock round trips (~40 µs);
    /// gaps between the jobs of one matmul call after another outlasted it, and the worker
    /// missed a third of them (the 43264×9·9×32 product then ran at one thread's speed).
    package static let pollNanoseconds = 300_000

    /// Takes tasks off the shared counter until none are left.
    private func runTasks(_ body: (Int) -> Void) {
        while true {
            pthread_mutex_lock(stateLock)
            let task = nextTask
            nextTask += 1
            pthread_mutex_unlock(stateLock)
            if task >= jobSize { return }
            body(task)
        }
    }

    /// Starts worker threads lazily, so importing the library costs no threads.
    /// Called with submitLock held, so no job is running.
    private func startWorkers(upTo count: Int) {
        pthread_mutex_lock(stateLock)
        // A new worker must not mistake the current generation for new work.
        let startGeneration = generation
        pthread_mutex_unlock(stateLock)
        while workers < count {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, generation: startGeneration)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    // pthread_create hands back the context passed below, never NULL.
                    guard let raw else { return nil }
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                    context.pool.workerLoop(startingAt: context.generation)
                    return nil
                }, context)
            if status != 0 {
                Unmanaged<WorkerContext>.fromOpaque(context).release()
                return // run with the workers we have
            }
            pthread_detach(thread)
            pthread_mutex_lock(stateLock)
            workers += 1
            pthread_mutex_unlock(stateLock)
        }
    }

    private func workerLoop(startingAt generation: Int) {
        var seenGeneration = generation
        while true {
            waitBriefly(whileGenerationIs: seenGeneration)
            pthread_mutex_lock(stateLock)
            while self.generation == seenGeneration { pthread_cond_wait(workAvailable, stateLock) }
            seenGeneration = self.generation
            pthread_mutex_unlock(stateLock)

            runCurrentJob()
        }
    }
}

extension ThreadPool {
    /// Joins the current job if it still has tasks to hand out, runs them, and leaves.
    /// NOTE: the job closure only lives as long as the caller's `parallelFor` (it is made
    /// escapable with `withoutActuallyEscaping`). A worker takes it only while joining,
    /// under the lock, while tasks remain (so the caller is bound to wait for it), and drops
    /// it when this function returns, before leaving.
    @inline(never)
    fileprivate func runCurrentJob() {
        if let body = joinCurrentJob() { runTasks(body) } else { return }
        pthread_mutex_lock(stateLock)
        activeWorkers -= 1
        if activeWorkers == 0 { pthread_cond_signal(workFinished) }
        pthread_mutex_unlock(stateLock)
    }

    private func joinCurrentJob() -> ((Int) -> Void)? {
        pthread_mutex_lock(stateLock)
        defer { pthread_mutex_unlock(stateLock) }
        guard let body = job, nextTask < jobSize, activeWorkers < workerLimit else { return nil }
        activeWorkers += 1
        return body
    }
}

private final class WorkerContext {
    package let pool: ThreadPool
    package let generation: Int
    package init(pool: ThreadPool, generation: Int) {
        self.pool = pool
        self.generation = generation
    }
}

/// The monotonic clock in nanoseconds (a vDSO call, no system call).
private func monotonicNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}
