import XCTest

@testable import SwiftDL

/// Reductions over every kind of axis set, against a naive loop that visits each input
/// element once and adds it into its output slot.
final class ReductionTests: XCTestCase {
    static let shape = [3, 4, 5, 2]
    /// nil means every axis; [] means none. Inner, outer, adjacent and non-adjacent sets.
    static let axisSets: [[Int]?] = [
        nil, [], [0], [3], [-1], [1, 2], [0, 2], [0, 3], [1, 3], [0, 1, 3], [0, 1, 2, 3], [2],
    ]

    /// Groups the input's elements by output position: the naive reduction's skeleton.
    private func groups(shape: [Int], axes: [Int]?) -> (outShape: [Int], keptShape: [Int], members: [[Int]]) {
        let rank = shape.count
        let reduced = Set((axes ?? Array(0..<rank)).map { $0 < 0 ? $0 + rank : $0 })
        let keptShape = (0..<rank).filter { !reduced.contains($0) }.map { shape[$0] }
        var members = [[Int]](repeating: [], count: keptShape.reduce(1, *))
        for (position, index) in multiIndices(shape).enumerated() {
            let kept = (0..<rank).filter { !reduced.contains($0) }.map { index[$0] }
            members[flatPosition(kept, keptShape)].append(position)
        }
        let outShape = (0..<rank).map { reduced.contains($0) ? 1 : shape[$0] }
        return (outShape, keptShape, members)
    }

    /// Runs `op` for every axis set, keepdims and layout, comparing with `reference` applied
    /// to each output slot's input values.
    private func check<T: Element, R: Element>(
        _ op: ReduceOp, _: T.Type, _: R.Type, inputs: [T]? = nil, shape: [Int] = shape,
        axisSets: [[Int]?] = axisSets, tolerance: Double = 0,
        file: StaticString = #filePath, line: UInt = #line, _ reference: ([T]) -> R
    ) throws {
        let data = inputs ?? randomValues(shape.reduce(1, *), T.self, seed: UInt64(op.rawValue) + 5)
        for layout in [Layout.contiguous, .transposed, .reversed] {
            let x = try makeTensor(data, shape, layout: layout)
            for axes in axisSets {
                let (keepShape, keptShape, members) = groups(shape: shape, axes: axes)
                let expected = members.map { reference($0.map { data[$0] }) }
                for keepdims in [false, true] {
                    let what =
                        "\(op.name) \(T.dtype.name) \(layout) axes \(axes.map { "\($0)" } ?? "nil") keepdims \(keepdims)"
                    let result = try reduce(op, x, axes: axes, keepdims: keepdims)
                    XCTAssertEqual(result.dtype, R.dtype, what, file: file, line: line)
                    XCTAssertEqual(result.shape, keepdims ? keepShape : keptShape, what, file: file, line: line)
                    let actual = values(result, as: R.self)
                    if tolerance == 0 {
                        assertSameValues(actual, expected, what, file: file, line: line)
                    } else {
                        for (a, e) in zip(actual, expected)
                        where Swift.abs(a.doubleValue - e.doubleValue) > tolerance
                            * Swift.max(1, Swift.abs(e.doubleValue))
                        {
                            XCTFail("\(what): \(a), expected \(e)", file: file, line: line)
                            return
                        }
                    }
                }
            }
        }
    }

    func testFloatReductions() throws {
        // Quarter-valued inputs: every float sum is exact, so exact comparison is fair.
        try check(.sum, Float.self, Float.self) { Float($0.reduce(0.0) { $0 + Double($1) }) }
        try check(.sum, Double.self, Double.self) { $0.reduce(0, +) }
        try check(.mean, Float.self, Float.self) { Float($0.reduce(0.0) { $0 + Double($1) } / Double($0.count)) }
        try check(.mean, Double.self, Double.self) { $0.reduce(0, +) / Double($0.count) }
        try check(.prod, Double.self, Double.self, tolerance: 1e-12) { $0.reduce(1, *) }
        try check(.prod, Float.self, Float.self, tolerance: 1e-6) { Float($0.reduce(1.0) { $0 * Double($1) }) }
        try check(.max, Float.self, Float.self) { $0.max()! }
        try check(.min, Double.self, Double.self) { $0.min()! }
        try check(.any, Float.self, Bool.self) { $0.contains { $0 != 0 } }
        try check(.all, Double.self, Bool.self) { $0.allSatisfy { $0 != 0 } }
    }

    func testIntegerReductionsWidenAndWrapLikeNumpy() throws {
        try check(.sum, Int32.self, Int64.self) { $0.reduce(Int64(0)) { $0 &+ Int64($1) } }
        try check(.sum, Int64.self, Int64.self) { $0.reduce(Int64(0)) { $0 &+ $1 } }
        try check(.sum, UInt8.self, Int64.self) { $0.reduce(Int64(0)) { $0 + Int64($1) } }
        try check(.sum, Bool.self, Int64.self) { Int64($0.filter { $0 }.count) }
        try check(.prod, Int32.self, Int64.self) { $0.reduce(Int64(1)) { $0 &* Int64($1) } }
        try check(.mean, Int32.self, Double.self, tolerance: 1e-12) {
            Double($0.reduce(Int64(0)) { $0 + Int64($1) }) / Double($0.count)
        }
        try check(.max, Int64.self, Int64.self, axisSets: [[1, 3], [0]]) { $0.max()! }
        try check(.min, UInt8.self, UInt8.self, axisSets: [[0, 2], nil]) { $0.min()! }
        try check(.max, Bool.self, Bool.self, axisSets: [[1], nil]) { $0.contains(true) }
        try check(.any, Int32.self, Bool.self, axisSets: [[2], nil]) { $0.contains { $0 != 0 } }
        try check(.all, Bool.self, Bool.self, axisSets: [[0, 3], [1]]) { $0.allSatisfy { $0 } }
    }

    func testMaxAndMinPropagateNaN() throws {
        let x = try makeTensor([1, .nan, 3, 4, 5, 6, -.infinity, .infinity] as [Float], [2, 4], layout: .transposed)
        XCTAssertEqual(values(try reduce(.max, x, axes: [1]), as: Float.self).map { $0.isNaN }, [true, false])
        XCTAssertEqual(values(try reduce(.min, x, axes: [1]), as: Float.self)[1], -.infinity)
        XCTAssertTrue(values(try reduce(.min, x, axes: nil), as: Float.self)[0].isNaN)
        XCTAssertTrue(values(try reduce(.sum, x, axes: [0]), as: Float.self)[1].isNaN)
    }

    func testEmptyReductions() throws {
        let empty = try makeTensor([Float](), [0, 3])
        XCTAssertEqual(values(try reduce(.sum, empty, axes: [0]), as: Float.self), [0, 0, 0])
        XCTAssertEqual(values(try reduce(.prod, empty, axes: nil), as: Float.self), [1])
        XCTAssertEqual(try reduce(.sum, empty, axes: [1]).shape, [0])
        XCTAssertTrue(values(try reduce(.mean, empty, axes: [0]), as: Float.self).allSatisfy { $0.isNaN })
        assertThrows(.value, op: "max", try reduce(.max, empty, axes: [0]))
        assertThrows(.value, op: "argmin", try reduce(.argmin, empty, axes: nil))
        // Reducing over a non-empty axis of an empty array is fine.
        XCTAssertEqual(try reduce(.max, empty, axes: [1]).shape, [0])
    }

    func testBadAxesAreErrors() throws {
        let x = try makeTensor([Float](repeating: 1, count: 6), [2, 3])
        assertThrows(.value, op: "sum", try reduce(.sum, x, axes: [2]))
        assertThrows(.value, op: "sum", try reduce(.sum, x, axes: [-3]))
        assertThrows(.value, op: "mean", try reduce(.mean, x, axes: [0, -2]))
        assertThrows(.type, op: "argmax", try reduce(.argmax, x, axes: [0, 1]))
        assertThrows(.value, op: "var", try variance(x, axes: [5]))
    }

    /// Shapes large enough for the parallel paths of the kernel (inner == 1, and a split
    /// of the inner columns when there are fewer outer blocks than threads).
    func testLargeReductionsAreIndependentOfThreadCount() throws {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        let shape = [64, 2048]
        let data = randomValues(shape.reduce(1, *), Float.self, seed: 3)
        for threads in [1, 2, 4] {
            ThreadPool.shared.setThreadCount(threads)
            try check(.sum, Float.self, Float.self, inputs: data, shape: shape, axisSets: [[0], [1], nil]) {
                Float($0.reduce(0.0) { $0 + Double($1) })
            }
        }
    }

    func testArgExtremesPickTheFirstTieAndTheFirstNaN() throws {
        let ties = try makeTensor([1, 3, 3, 2, 7, 7, 0, 0, 5] as [Float], [3, 3])
        XCTAssertEqual(values(try reduce(.argmax, ties, axes: [1]), as: Int64.self), [1, 1, 2])
        XCTAssertEqual(values(try reduce(.argmin, ties, axes: [1]), as: Int64.self), [0, 0, 0])
        XCTAssertEqual(values(try reduce(.argmax, ties, axes: [0]), as: Int64.self), [1, 1, 1])
        XCTAssertEqual(values(try reduce(.argmin, ties, axes: [0]), as: Int64.self), [2, 2, 0])
        XCTAssertEqual(values(try reduce(.argmax, ties, axes: nil), as: Int64.self), [4])
        let nan = try makeTensor([1, .nan, 5, .nan, -1, 9] as [Double], [6], layout: .gapped)
        XCTAssertEqual(values(try reduce(.argmax, nan, axes: nil), as: Int64.self), [1])
        XCTAssertEqual(values(try reduce(.argmin, nan, axes: [0]), as: Int64.self), [1])
        let leadingNaN = try makeTensor([.nan, 1, 2] as [Float], [3], layout: .reversed) // logical [nan, 1, 2]
        XCTAssertEqual(values(try reduce(.argmin, leadingNaN, axes: nil), as: Int64.self), [0])
        let flags = try makeTensor([false, true, true, false], [2, 2])
        XCTAssertEqual(values(try reduce(.argmax, flags, axes: [1]), as: Int64.self), [1, 0])
        let keep = try reduce(.argmax, ties, axes: nil, keepdims: true)
        XCTAssertEqual(keep.shape, [1, 1])
        XCTAssertEqual(values(keep, as: Int64.self), [4])
        XCTAssertEqual(try reduce(.argmax, ties, axes: [-1], keepdims: true).shape, [3, 1])
    }

    /// argmax/argmin on every axis of random 3-d integer data (many ties) and every layout.
    func testArgExtremesAgainstNaiveScan() throws {
        let shape = [3, 4, 5]
        var random = TestRandom(11)
        let data = (0..<60).map { _ in Int32(random.int(0, 3)) }
        for layout in Layout.allCases {
            let x = try makeTensor(data, shape, layout: layout)
            for axis in 0..<3 {
                for largest in [true, false] {
                    let result = try reduce(largest ? .argmax : .argmin, x, axes: [axis])
                    var outShape = shape
                    outShape.remove(at: axis)
                    XCTAssertEqual(result.shape, outShape)
                    let expected: [Int64] = multiIndices(outShape).map { kept in
                        var best = 0
                        for j in 0..<shape[axis] {
                            var index = kept, bestIndex = kept
                            index.insert(j, at: axis)
                            bestIndex.insert(best, at: axis)
                            let value = data[flatPosition(index, shape)], current = data[flatPosition(bestIndex, shape)]
                            if largest ? value > current : value < current { best = j }
                        }
                        return Int64(best)
                    }
                    XCTAssertEqual(
                        values(result, as: Int64.self), expected, "\(layout) axis \(axis) largest \(largest)")
                }
            }
        }
    }

    func testVarianceMatchesTwoPassFormula() throws {
        let data = randomValues(60, Double.self, seed: 8)
        let x = try makeTensor(data, [3, 4, 5], layout: .transposed)
        let result = try variance(x, axes: [0, 2], ddof: 1)
        XCTAssertEqual(result.shape, [4])
        let actual = values(result, as: Double.self)
        for j in 0..<4 {
            let group = multiIndices([3, 4, 5]).filter { $0[1] == j }.map { data[flatPosition($0, [3, 4, 5])] }
            let mean = group.reduce(0, +) / Double(group.count)
            let expected = group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(group.count - 1)
            XCTAssertEqual(actual[j], expected, accuracy: 1e-12)
        }
    }
}
