import XCTest

@testable import SwiftDL

/// matmul against a triple loop: plain, batched with broadcast batch axes, transposed and
/// strided views (which go to BLAS without copies), integer and bool dtypes.
final class MatmulTests: XCTestCase {
    /// The reference: numpy.matmul's definition written as loops, in Double (or wrapping
    /// Int64 for integers, truncated to the result type by the caller).
    private func referenceMatmul(_ a: [Double], _ shapeA: [Int], _ b: [Double], _ shapeB: [Int]) -> (
        values: [Double], shape: [Int]
    ) {
        let vectorA = shapeA.count == 1, vectorB = shapeB.count == 1
        let sa = vectorA ? [1] + shapeA : shapeA, sb = vectorB ? shapeB + [1] : shapeB
        let m = sa[sa.count - 2], k = sa[sa.count - 1], n = sb[sb.count - 1]
        let batchA = Array(sa.dropLast(2)), batchB = Array(sb.dropLast(2))
        let rank = max(batchA.count, batchB.count)
        let batch: [Int] = (0..<rank).map { i in
            let x = i < rank - batchA.count ? 1 : batchA[i - (rank - batchA.count)]
            let y = i < rank - batchB.count ? 1 : batchB[i - (rank - batchB.count)]
            return max(x, y)
        }
        var out: [Double] = []
        for index in multiIndices(batch) {
            let ia = broadcastIndex(index, into: batchA), ib = broadcastIndex(index, into: batchB)
            let baseA = flatPosition(ia, batchA) * m * k, baseB = flatPosition(ib, batchB) * k * n
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for p in 0..<k { sum += a[baseA + i * k + p] * b[baseB + p * n + j] }
                    out.append(sum)
                }
            }
        }
        var shape = batch
        if !vectorA { shape.append(m) }
        if !vectorB { shape.append(n) }
        return (out, shape)
    }

    private func check<T: Element>(
        _: T.Type, _ shapeA: [Int], _ shapeB: [Int], layoutA: Layout = .contiguous,
        layoutB: Layout = .contiguous, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        // int64 data stays small enough that the Double reference is exact.
        func data(_ count: Int, seed: UInt64) -> [T] {
            if T.dtype == .int64 { return randomValues(count, Int32.self, seed: seed).map { T(fromInt64: Int64($0)) } }
            return randomValues(count, T.self, seed: seed)
        }
        let av = data(shapeA.reduce(1, *), seed: 21), bv = data(shapeB.reduce(1, *), seed: 22)
        let a = try makeTensor(av, shapeA, layout: layoutA), b = try makeTensor(bv, shapeB, layout: layoutB)
        let result = try matmul(a, b)
        let (expected, shape) = referenceMatmul(av.map { $0.doubleValue }, shapeA, bv.map { $0.doubleValue }, shapeB)
        let what = "\(T.dtype.name) \(shapeA) \(layoutA) @ \(shapeB) \(layoutB)"
        XCTAssertEqual(result.shape, shape, what, file: file, line: line)
        XCTAssertEqual(result.dtype, T.dtype, what, file: file, line: line)
        let actual = values(result, as: T.self)
        for (x, e) in zip(actual, expected) {
            let ok: Bool
            switch T.dtype {
            case .float32: ok = Swift.abs(x.doubleValue - e) <= 1e-4 * Swift.max(1, Swift.abs(e))
            case .float64: ok = Swift.abs(x.doubleValue - e) <= 1e-12 * Swift.max(1, Swift.abs(e))
            case .bool: ok = x.int64Value == (e != 0 ? 1 : 0)
            // Integer products wrap in T; the Double reference is exact for these sizes
            // only when nothing wraps, so compare modulo T's width.
            default: ok = T(fromInt64: Int64(e)).int64Value == x.int64Value
            }
            if !ok {
                XCTFail("\(what): \(x), expected \(e)", file: file, line: line)
                return
            }
        }
    }

    func testTwoDimensional() throws {
        for layoutA in Layout.allCases {
            for layoutB in Layout.allCases {
                try check(Float.self, [5, 7], [7, 3], layoutA: layoutA, layoutB: layoutB)
                try check(Double.self, [4, 6], [6, 9], layoutA: layoutA, layoutB: layoutB)
            }
        }
        try check(Float.self, [1, 1], [1, 1])
        try check(Float.self, [37, 64], [64, 41], layoutA: .transposed, layoutB: .transposed)
    }

    func testBatchedWithBroadcastBatchAxes() throws {
        try check(Float.self, [2, 1, 4, 3], [5, 3, 6])
        try check(Float.self, [3, 4, 5], [5, 2], layoutA: .transposed)
        try check(Double.self, [3, 4, 5], [3, 5, 2], layoutA: .reversed, layoutB: .gapped)
        try check(Float.self, [4, 5], [2, 3, 5, 6], layoutB: .transposed)
        try check(Double.self, [1, 2, 3], [4, 1, 3, 2], layoutA: .gapped, layoutB: .reversed)
    }

    func testVectorOperands() throws {
        try check(Float.self, [6], [6, 4])
        try check(Float.self, [3, 6], [6])
        try check(Double.self, [6], [6])
        try check(Double.self, [2, 3, 6], [6], layoutA: .transposed)
        try check(Float.self, [6], [2, 6, 3], layoutB: .reversed)
    }

    func testIntegerAndBoolDTypes() throws {
        for layout in [Layout.contiguous, .transposed, .reversed] {
            try check(Int32.self, [4, 5], [5, 3], layoutA: layout)
            try check(Int64.self, [2, 4, 5], [5, 3], layoutB: layout)
            try check(UInt8.self, [3, 7], [7, 2], layoutA: layout, layoutB: layout)
            try check(Bool.self, [3, 4], [4, 5], layoutA: layout)
        }
    }

    func testMixedDTypesPromote() throws {
        let a = try makeTensor([1, 2, 3, 4] as [Int32], [2, 2]),
            b = try makeTensor([0.5, 1, 1.5, 2] as [Float], [2, 2])
        let result = try matmul(a, b)
        XCTAssertEqual(result.dtype, .float64)
        XCTAssertEqual(values(result, as: Double.self), [3.5, 5, 7.5, 11])
    }

    func testEmptyAndZeroInnerDimension() throws {
        let a = try makeTensor([Float](), [3, 0]), b = try makeTensor([Float](), [0, 4])
        for _ in 0..<20 {
            // Leave garbage in freed heap blocks of the result's size, so a result that is
            // never written shows up as non-zero.
            _ = try makeTensor([Float](repeating: .nan, count: 12), [3, 4])
            let result = try matmul(a, b)
            XCTAssertEqual(result.shape, [3, 4])
            XCTAssertEqual(values(result, as: Float.self), [Float](repeating: 0, count: 12))
            let batched = try matmul(try makeTensor([Float](), [2, 3, 0]), try makeTensor([Float](), [0, 2]))
            XCTAssertEqual(values(batched, as: Float.self), [Float](repeating: 0, count: 12))
            // numpy gives an empty (3, 0) array strides (0, 4): contiguous by our test too.
            let zeroStrided = a.view(shape: [3, 0], strides: [0, 1], offset: 0)
            XCTAssertTrue(zeroStrided.isContiguous)
            XCTAssertEqual(values(try matmul(zeroStrided, b), as: Float.self), [Float](repeating: 0, count: 12))
        }
        XCTAssertEqual(
            try matmul(try makeTensor([Float](), [0, 5]), try makeTensor([Float](repeating: 1, count: 10), [5, 2]))
                .shape, [0, 2])
        XCTAssertEqual(
            values(try matmul(try makeTensor([Int32](), [2, 0]), try makeTensor([Int32](), [0, 2])), as: Int32.self),
            [0, 0, 0, 0])
    }

    func testShapeErrors() throws {
        let a = try makeTensor([Float](repeating: 1, count: 6), [2, 3])
        assertThrows(.value, op: "matmul", try matmul(a, a))
        assertThrows(.value, op: "matmul", try matmul(try makeTensor([Float(1)], []), a))
        assertThrows(
            .value, op: "matmul",
            try matmul(
                try makeTensor([Float](repeating: 1, count: 12), [2, 3, 2]),
                try makeTensor([Float](repeating: 1, count: 12), [3, 2, 2])))
    }
}
