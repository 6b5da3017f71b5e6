import XCTest

@testable import SwiftDL

/// Philox: the published known-answer vector, and the same numbers for the same seed
/// whatever the thread count.
final class RandomTests: XCTestCase {
    /// Random123's kat_vectors: philox4x32 10, counter 0 and key 0.
    func testPhiloxKnownAnswer() {
        let (a, b, c, d) = Philox4x32(seed: 0).block(0)
        XCTAssertEqual([a, b, c, d], [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
        // Distinct counters and keys give distinct blocks.
        XCTAssertNotEqual(Philox4x32(seed: 0).block(1).0, a)
        XCTAssertNotEqual(Philox4x32(seed: 1).block(0).0, a)
        XCTAssertNotEqual(Philox4x32(seed: 1 << 32).block(0).0, a)
    }

    /// Draws every kind of random tensor from a fresh state seeded with `seed`.
    private func draws(seed: UInt64) throws -> [[Double]] {
        let state = RandomState(seed: seed)
        let count = 100_003 // above the parallel threshold, and not a multiple of 4
        let uniform = try randomUniform(shape: [count], low: -2, high: 3, dtype: .float32, state: state)
        let normal = try randomNormal(shape: [101, 990], mean: 1, std: 2, dtype: .float64, state: state)
        let integers = try randomInteger(shape: [count], low: -5, high: 17, dtype: .int32, state: state)
        let permutation = try randomPermutation(70_000, state: state)
        return [
            values(uniform, as: Float.self).map { Double($0) }, values(normal, as: Double.self),
            values(integers, as: Int32.self).map { Double($0) }, values(permutation, as: Int64.self).map { Double($0) },
        ]
    }

    func testSameSeedGivesTheSameValuesWhateverTheThreadCount() throws {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        ThreadPool.shared.setThreadCount(1)
        let serial = try draws(seed: 1234)
        for threads in [2, 3, 8] {
            ThreadPool.shared.setThreadCount(threads)
            let parallel = try draws(seed: 1234)
            for (kind, (a, b)) in zip(serial, parallel).enumerated() {
                XCTAssertTrue(a == b, "draw \(kind) differs with \(threads) threads")
            }
        }
        let other = try draws(seed: 1235)
        XCTAssertNotEqual(serial[0], other[0])
    }

    func testReseedingRestartsTheStreamAndDrawsAdvanceIt() throws {
        let state = RandomState(seed: 7)
        let first = values(
            try randomUniform(shape: [10], low: 0, high: 1, dtype: .float64, state: state), as: Double.self)
        let second = values(
            try randomUniform(shape: [10], low: 0, high: 1, dtype: .float64, state: state), as: Double.self)
        XCTAssertNotEqual(first, second)
        state.seed(7)
        XCTAssertEqual(
            values(try randomUniform(shape: [10], low: 0, high: 1, dtype: .float64, state: state), as: Double.self),
            first)
    }

    func testDistributionsLookRight() throws {
        let state = RandomState(seed: 99)
        let uniform = values(
            try randomUniform(shape: [200, 100], low: 0, high: 1, dtype: .float32, state: state), as: Float.self)
        XCTAssertTrue(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(Double(uniform.reduce(0, +)) / Double(uniform.count), 0.5, accuracy: 0.01)
        let normal = values(
            try randomNormal(shape: [20_001], mean: 3, std: 2, dtype: .float64, state: state), as: Double.self)
        let mean = normal.reduce(0, +) / Double(normal.count)
        let std = (normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normal.count)).squareRoot()
        XCTAssertEqual(mean, 3, accuracy: 0.05)
        XCTAssertEqual(std, 2, accuracy: 0.05)
        XCTAssertTrue(normal.allSatisfy { $0.isFinite })
        let integers = values(
            try randomInteger(shape: [10_000], low: -3, high: 4, dtype: .int64, state: state), as: Int64.self)
        XCTAssertEqual(Set(integers), Set(-3...3))
        let bytes = values(
            try randomInteger(shape: [1000], low: 0, high: 256, dtype: .uint8, state: state), as: UInt8.self)
        XCTAssertGreaterThan(Set(bytes).count, 200)
        let full = values(
            try randomInteger(shape: [100], low: .min, high: .max, dtype: .int64, state: state), as: Int64.self)
        XCTAssertGreaterThan(Set(full).count, 95)
        let permutation = values(try randomPermutation(1000, state: state), as: Int64.self)
        XCTAssertEqual(permutation.sorted(), Array(0..<1000))
        XCTAssertNotEqual(permutation, Array(0..<1000))
        XCTAssertEqual(try randomPermutation(0, state: state).shape, [0])
    }

    func testBadArgumentsAreErrors() throws {
        assertThrows(.value, op: "randint", try randomInteger(shape: [2], low: 5, high: 5, dtype: .int32))
        assertThrows(.type, op: "randint", try randomInteger(shape: [2], low: 0, high: 5, dtype: .float32))
        assertThrows(.type, op: "uniform", try randomUniform(shape: [2], low: 0, high: 1, dtype: .int32))
        assertThrows(.value, op: "normal", try randomNormal(shape: [2], mean: 0, std: -1, dtype: .float32))
        assertThrows(.value, op: "uniform", try randomUniform(shape: [-1], low: 0, high: 1, dtype: .float32))
        assertThrows(.value, op: "permutation", try randomPermutation(-1))
    }
}
