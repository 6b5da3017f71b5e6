import XCTest

@testable import SwiftDL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pool runs each task exactly once, survives nested and concurrent use, and clamps
/// its thread count.
final class ThreadPoolTests: XCTestCase {
    private var savedThreads = 1
    override func setUp() { savedThreads = ThreadPool.shared.threadCount }
    override func tearDown() { ThreadPool.shared.setThreadCount(savedThreads) }

    /// Runs `body(task)` for 0..<taskCount through the shared pool and returns how often each ran.
    private func runCounts(_ taskCount: Int) -> [Int] {
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(taskCount, 1))
        counts.initialize(repeating: 0, count: max(taskCount, 1))
        defer { counts.deallocate() }
        ThreadPool.shared.parallelFor(taskCount) { task in counts[task] += 1 }
        return Array(UnsafeBufferPointer(start: counts, count: taskCount))
    }

    func testEveryTaskRunsExactlyOnce() {
        for threads in [1, 2, 4, 7] {
            ThreadPool.shared.setThreadCount(threads)
            for taskCount in [0, 1, 2, 3, 8, 1000] {
                XCTAssertEqual(
                    runCounts(taskCount), [Int](repeating: 1, count: taskCount),
                    "\(taskCount) tasks, \(threads) threads")
            }
        }
    }

    func testManyJobsInARowReuseTheWorkers() {
        ThreadPool.shared.setThreadCount(3)
        for round in 0..<500 {
            let counts = runCounts(round % 9 + 2)
            if counts.contains(where: { $0 != 1 }) {
                XCTFail("round \(round): \(counts)")
                return
            }
        }
    }

    /// A job that starts another job from inside a task runs the inner one serially.
    func testNestedCallsRunSeriallyWithoutDeadlock() {
        ThreadPool.shared.setThreadCount(2)
        let outer = 6, inner = 50
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: outer * inner)
        counts.initialize(repeating: 0, count: outer * inner)
        defer { counts.deallocate() }
        ThreadPool.shared.parallelFor(outer) { o in
            ThreadPool.shared.parallelFor(inner) { i in counts[o * inner + i] += 1 }
        }
        XCTAssertTrue((0..<outer * inner).allSatisfy { counts[$0] == 1 })
    }

    /// Several threads submitting at once (as several Python threads would): every job completes.
    func testConcurrentCallersAllComplete() {
        ThreadPool.shared.setThreadCount(2)
        let callers = 4, rounds = 100, tasks = 16
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: callers * tasks)
        counts.initialize(repeating: 0, count: callers * tasks)
        defer { counts.deallocate() }
        runOnThreads(callers) { caller in
            for _ in 0..<rounds {
                ThreadPool.shared.parallelFor(tasks) { task in counts[caller * tasks + task] += 1 }
            }
        }
        XCTAssertTrue((0..<callers * tasks).allSatisfy { counts[$0] == rounds })
    }

    /// After lowering the count, the extra workers already started stay out of jobs.
    func testLoweredThreadCountLimitsTheThreadsAJobUses() {
        ThreadPool.shared.setThreadCount(4)
        _ = runCounts(64) // starts three workers
        ThreadPool.shared.setThreadCount(2)
        let threadIDs = UnsafeMutablePointer<pthread_t>.allocate(capacity: 256)
        defer { threadIDs.deallocate() }
        for _ in 0..<20 {
            ThreadPool.shared.parallelFor(256) { task in
                threadIDs[task] = pthread_self()
                usleep(50) // long enough that idle workers would get a share
            }
            let distinct = Set((0..<256).map { threadIDs[$0] })
            XCTAssertLessThanOrEqual(distinct.count, 2)
        }
    }

    func testThreadCountIsClamped() {
        ThreadPool.shared.setThreadCount(0)
        XCTAssertEqual(ThreadPool.shared.threadCount, 1)
        ThreadPool.shared.setThreadCount(-5)
        XCTAssertEqual(ThreadPool.shared.threadCount, 1)
        ThreadPool.shared.setThreadCount(100_000)
        XCTAssertEqual(ThreadPool.shared.threadCount, 256)
    }
}

/// Runs `body(i)` on `count` new pthreads and waits for all of them.
func runOnThreads(_ count: Int, _ body: @escaping (Int) -> Void) {
    final class Job {
        let body: (Int) -> Void, index: Int
        init(_ body: @escaping (Int) -> Void, _ index: Int) { self.body = body; self.index = index }
    }
    var threads: [pthread_t] = []
    for index in 0..<count {
        let context = Unmanaged.passRetained(Job(body, index)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                job.body(job.index)
                return nil
            }, context)
        XCTAssertEqual(status, 0)
        threads.append(thread)
    }
    for thread in threads { pthread_join(thread, nil) }
}
