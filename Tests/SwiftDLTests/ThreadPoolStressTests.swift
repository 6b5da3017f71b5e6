import XCTest

@testable import SwiftDL

/// The pool hands every job's closure back before parallelFor returns (debug builds check
/// withoutActuallyEscaping), over many small jobs in a row.
final class ThreadPoolStressTests: XCTestCase {
    func testManySmallJobsInARow() {
        var total = 0
        let lock = LockedCounter()
        for _ in 0..<20_000 {
            ThreadPool.shared.parallelFor(4) { _ in lock.add(1) }
        }
        total = lock.value
        XCTAssertEqual(total, 80_000)
    }
}

/// A counter guarded by a pthread mutex (the tests avoid Foundation like the engine).
final class LockedCounter: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private(set) var value = 0
    init() { pthread_mutex_init(&mutex, nil) }
    func add(_ n: Int) {
        pthread_mutex_lock(&mutex)
        value += n
        pthread_mutex_unlock(&mutex)
    }
}
