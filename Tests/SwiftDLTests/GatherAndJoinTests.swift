import XCTest

@testable import SwiftDL

/// take, concatenate and stack against index arithmetic written out in the test.
final class GatherAndJoinTests: XCTestCase {
    func testTakeAlongEveryAxisMatchesIndexing() throws {
        let shape = [3, 4, 5]
        let data = randomValues(60, Double.self, seed: 4)
        let indices: [Int64] = [2, 0, -1, 1, 2]
        for layout in Layout.allCases {
            let x = try makeTensor(data, shape, layout: layout)
            let index = try makeTensor(indices, [5], layout: layout == .contiguous ? .contiguous : .reversed)
            let logicalIndices = values(index, as: Int64.self)
            for axis in 0..<3 {
                let result = try take(x, indices: index, axis: axis)
                var outShape = shape
                outShape[axis] = 5
                XCTAssertEqual(result.shape, outShape)
                let expected = multiIndices(outShape).map { position -> Double in
                    var source = position
                    let i = Int(logicalIndices[position[axis]])
                    source[axis] = i < 0 ? i + shape[axis] : i
                    return data[flatPosition(source, shape)]
                }
                XCTAssertEqual(values(result, as: Double.self), expected, "\(layout) axis \(axis)")
            }
        }
    }

    func testTakeFromFlattenedWithAnIndexMatrix() throws {
        let x = try makeTensor((0..<12).map(Int32.init), [3, 4], layout: .transposed)
        let index = try makeTensor([0, 11, -12, 5] as [Int32], [2, 2])
        let result = try take(x, indices: index, axis: nil)
        XCTAssertEqual(result.shape, [2, 2])
        XCTAssertEqual(values(result, as: Int32.self), [0, 11, 0, 5])
        let empty = try take(x, indices: try makeTensor([Int64](), [0]), axis: 1)
        XCTAssertEqual(empty.shape, [3, 0])
    }

    /// Enough rows that the gather splits across the pool.
    func testLargeTakeIsIndependentOfThreadCount() throws {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        let rows = 4096, columns = 64
        let x = try makeTensor((0..<rows * columns).map(Float.init), [rows, columns])
        var random = TestRandom(5)
        let picks = (0..<rows).map { _ in Int64(random.int(0, rows - 1)) }
        let index = try makeTensor(picks, [rows])
        for threads in [1, 2, 3] {
            ThreadPool.shared.setThreadCount(threads)
            let result = values(try take(x, indices: index, axis: 0), as: Float.self)
            let expected = picks.flatMap { row in (0..<columns).map { Float(Int(row) * columns + $0) } }
            XCTAssertEqual(result, expected, "\(threads) threads")
        }
    }

    func testTakeRefusesBadIndices() throws {
        let x = try makeTensor([Float](repeating: 0, count: 6), [2, 3])
        assertThrows(.index, op: "take", try take(x, indices: try makeTensor([3] as [Int64], [1]), axis: 1))
        assertThrows(.index, op: "take", try take(x, indices: try makeTensor([-4] as [Int64], [1]), axis: 1))
        assertThrows(.index, op: "take", try take(x, indices: try makeTensor([6] as [Int64], [1]), axis: nil))
        assertThrows(.type, op: "take", try take(x, indices: try makeTensor([0.5] as [Float], [1]), axis: 0))
        assertThrows(.type, op: "take", try take(x, indices: try makeTensor([true], [1]), axis: 0))
        assertThrows(.value, op: "take", try take(x, indices: try makeTensor([0] as [Int64], [1]), axis: 2))
        // Taking from an empty axis can only fail.
        assertThrows(
            .index, op: "take",
            try take(try makeTensor([Float](), [0]), indices: try makeTensor([0] as [Int64], [1]), axis: 0))
    }

    func testConcatenateAlongEachAxisWithPromotion() throws {
        let first = randomValues(24, Int32.self, seed: 1), second = randomValues(12, Float.self, seed: 2)
        for layout in Layout.allCases {
            let a = try makeTensor(first, [2, 3, 4], layout: layout)
            for axis in 0..<3 {
                var shapeB = [2, 3, 4]
                shapeB[axis] = axis == 0 ? 1 : (axis == 1 ? 1 : 2)
                let countB = shapeB.reduce(1, *)
                let bData = Array((second + second)[0..<countB])
                let b = try makeTensor(bData, shapeB, layout: .reversed)
                let result = try concatenate([a, b, a], axis: axis - 3)
                XCTAssertEqual(result.dtype, .float64) // int32 with float32 -> float64
                var outShape = [2, 3, 4]
                outShape[axis] = 2 * [2, 3, 4][axis] + shapeB[axis]
                XCTAssertEqual(result.shape, outShape)
                let size = [2, 3, 4][axis]
                let expected = multiIndices(outShape).map { position -> Double in
                    var source = position
                    let i = position[axis]
                    if i < size { return Double(first[flatPosition(source, [2, 3, 4])]) }
                    if i < size + shapeB[axis] {
                        source[axis] = i - size
                        return Double(bData[flatPosition(source, shapeB)])
                    }
                    source[axis] = i - size - shapeB[axis]
                    return Double(first[flatPosition(source, [2, 3, 4])])
                }
                XCTAssertEqual(values(result, as: Double.self), expected, "\(layout) axis \(axis)")
            }
        }
    }

    func testStackInsertsTheNewAxisAnywhere() throws {
        let a = (0..<6).map(Float.init), b = (10..<16).map(Float.init)
        let x = try makeTensor(a, [2, 3], layout: .transposed), y = try makeTensor(b, [2, 3], layout: .gapped)
        for axis in -3...2 {
            let result = try stack([x, y], axis: axis)
            let position = axis < 0 ? axis + 3 : axis
            var shape = [2, 3]
            shape.insert(2, at: position)
            XCTAssertEqual(result.shape, shape)
            let expected = multiIndices(shape).map { index -> Float in
                var source = index
                let which = source.remove(at: position)
                return (which == 0 ? a : b)[flatPosition(source, [2, 3])]
            }
            XCTAssertEqual(values(result, as: Float.self), expected, "axis \(axis)")
        }
    }

    func testJoinErrors() throws {
        let a = try makeTensor([Float](repeating: 0, count: 6), [2, 3]),
            b = try makeTensor([Float](repeating: 0, count: 4), [2, 2])
        assertThrows(.value, op: "concatenate", try concatenate([], axis: 0))
        assertThrows(.value, op: "concatenate", try concatenate([a, b], axis: 0))
        assertThrows(
            .value, op: "concatenate",
            try concatenate([a, try makeTensor([Float](repeating: 0, count: 6), [6])], axis: 0))
        assertThrows(.value, op: "concatenate", try concatenate([a, a], axis: 2))
        assertThrows(.value, op: "concatenate", try concatenate([try makeTensor([Float(1)], [])], axis: 0))
        assertThrows(.value, op: "stack", try stack([a, b], axis: 0))
        assertThrows(.value, op: "stack", try stack([], axis: 0))
        assertThrows(.value, op: "stack", try stack([a, a], axis: 3))
        XCTAssertEqual(values(try concatenate([a, b], axis: 1), as: Float.self).count, 10)
    }
}
