import XCTest

@testable import SwiftDL

/// LoopNest's dimension collapsing, and that its rows cover every element exactly once
/// however the work is split.
final class LoopNestTests: XCTestCase {
    func testContiguousOperandsCollapseToOneRow() {
        let nest = LoopNest(shape: [2, 3, 4], strides: [[12, 4, 1], [12, 4, 1]])
        XCTAssertEqual(nest.shape, [24])
        XCTAssertEqual(nest.strides, [[1], [1]])
        XCTAssertEqual(nest.count, 24)
        XCTAssertEqual(nest.rowCount, 1)
    }

    func testATransposedOperandStopsCollapsing() {
        let nest = LoopNest(shape: [2, 3, 4], strides: [[12, 4, 1], [1, 2, 6]])
        XCTAssertEqual(nest.shape, [2, 3, 4])
        XCTAssertEqual(nest.strides, [[12, 4, 1], [1, 2, 6]])
    }

    func testOnlyTheAxesEveryOperandStepsEvenlyThroughMerge() {
        // The second operand is every other row of a wider array: axes 0 and 1 still merge.
        let nest = LoopNest(shape: [2, 3, 4], strides: [[12, 4, 1], [24, 8, 1]])
        XCTAssertEqual(nest.shape, [6, 4])
        XCTAssertEqual(nest.strides, [[4, 1], [8, 1]])
        XCTAssertEqual(nest.innerStride(1), 1)
        XCTAssertEqual(nest.rowLength, 4)
        XCTAssertEqual(nest.rowCount, 6)
    }

    func testSizeOneAxesAreDroppedWhateverTheirStride() {
        let nest = LoopNest(shape: [1, 3, 1, 4], strides: [[99, 4, 7, 1], [0, 4, -5, 1]])
        XCTAssertEqual(nest.shape, [12])
        XCTAssertEqual(nest.strides, [[1], [1]])
    }

    func testBroadcastAndNegativeStridesMerge() {
        let broadcast = LoopNest(shape: [3, 4], strides: [[0, 0], [4, 1]])
        XCTAssertEqual(broadcast.shape, [12])
        XCTAssertEqual(broadcast.strides, [[0], [1]])
        let rowBroadcast = LoopNest(shape: [3, 4], strides: [[0, 1], [4, 1]])
        XCTAssertEqual(rowBroadcast.shape, [3, 4])
        let reversed = LoopNest(shape: [2, 3], strides: [[-3, -1], [3, 1]])
        XCTAssertEqual(reversed.shape, [6])
        XCTAssertEqual(reversed.strides, [[-1], [1]])
    }

    func testScalarAndEmptyShapes() {
        let scalar = LoopNest(shape: [], strides: [[], []])
        XCTAssertEqual(scalar.shape, [1])
        XCTAssertEqual(scalar.strides, [[1], [1]])
        XCTAssertEqual(scalar.count, 1)
        let empty = LoopNest(shape: [0, 3], strides: [[3, 1]])
        XCTAssertEqual(empty.count, 0)
        var calls = 0
        empty.forEachRow { _, _ in calls += 1 }
        XCTAssertEqual(calls, 0)
    }

    /// Marks every element each row visits, for several thread counts and grains, in
    /// layouts that keep 3 axes (many rows), 2 long rows (rows get split) and one row.
    func testRowsCoverEveryElementExactlyOnce() {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        let cases: [(shape: [Int], strides: [Int])] = [
            ([5, 7, 9], [1, 5, 35]), // transposed: rows of 9 with stride 35
            ([2, 5000], [5000, 1]), // collapses to one long row
            ([2, 5000], [1, 2]), // two long strided rows
            ([3, 1, 4000], [-4000, 0, -1]), // negative strides
        ]
        for (shape, strides) in cases {
            let count = shape.reduce(1, *)
            // Where operand 0's element lives in a buffer of `count` slots.
            let base = zip(shape, strides).reduce(0) { $0 + ($1.1 < 0 ? -($1.0 - 1) * $1.1 : 0) }
            for threads in [1, 2, 3] {
                ThreadPool.shared.setThreadCount(threads)
                for grain in [16, 1 << 15] {
                    let nest = LoopNest(shape: shape, strides: [strides, contiguousStrides(shape)])
                    let marks = UnsafeMutablePointer<Int>.allocate(capacity: count)
                    let order = UnsafeMutablePointer<Int>.allocate(capacity: count)
                    marks.initialize(repeating: 0, count: count)
                    order.initialize(repeating: -1, count: count)
                    let stride0 = nest.innerStride(0), stride1 = nest.innerStride(1)
                    nest.forEachRow(grain: grain) { offsets, length in
                        for i in 0..<length {
                            marks[base + offsets[0] + i * stride0] += 1
                            // Operand 1 is the contiguous output: it records which input it saw.
                            order[offsets[1] + i * stride1] = base + offsets[0] + i * stride0
                        }
                    }
                    let what = "\(shape) \(strides) threads \(threads) grain \(grain)"
                    XCTAssertTrue((0..<count).allSatisfy { marks[$0] == 1 }, what)
                    // Output position p must have seen the input element at p's multi-index.
                    let expected = multiIndices(shape).map { index in
                        base + zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 }
                    }
                    XCTAssertEqual(Array(UnsafeBufferPointer(start: order, count: count)), expected, what)
                    marks.deallocate()
                    order.deallocate()
                }
            }
        }
    }
}
