import XCTest

@testable import SwiftDL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise binary ops against naive loops: every dtype family, broadcasting shapes, and
/// operands stored contiguous, transposed, reversed (negative strides) and with gaps.
final class BinaryKernelTests: XCTestCase {
    /// (a's shape, b's shape, the broadcast shape), written out by hand.
    static let shapeCases: [([Int], [Int], [Int])] = [
        ([3, 4], [3, 4], [3, 4]),
        ([2, 3, 4], [4], [2, 3, 4]),
        ([2, 1, 4], [3, 1], [2, 3, 4]),
        ([5, 1], [1, 6], [5, 6]),
        ([], [3, 2], [3, 2]),
        ([3, 1, 5], [2, 1, 4, 1], [2, 3, 4, 5]),
        ([0, 3], [3], [0, 3]),
    ]
    static let layoutPairs: [(Layout, Layout)] = [
        (.contiguous, .contiguous), (.transposed, .reversed), (.reversed, .gapped), (.gapped, .transposed),
    ]

    /// Runs `op` on every shape case and layout pair and compares with `reference` per element.
    private func check<T: Element, R: Element>(
        _ op: BinaryOp, _: T.Type, _: R.Type, shapes: [([Int], [Int], [Int])] = shapeCases,
        makeValues: (Int, UInt64) -> [T] = { randomValues($0, T.self, seed: $1) },
        file: StaticString = #filePath, line: UInt = #line, _ reference: (T, T) -> R
    ) throws {
        var seed: UInt64 = 1
        for (shapeA, shapeB, shapeOut) in shapes {
            for (layoutA, layoutB) in Self.layoutPairs {
                seed += 2
                let av = makeValues(shapeA.reduce(1, *), seed), bv = makeValues(shapeB.reduce(1, *), seed + 1)
                let a = try makeTensor(av, shapeA, layout: layoutA), b = try makeTensor(bv, shapeB, layout: layoutB)
                let result = try binary(op, a, b)
                let what = "\(op.name) \(T.dtype.name) \(shapeA) \(layoutA) with \(shapeB) \(layoutB)"
                XCTAssertEqual(result.dtype, R.dtype, what, file: file, line: line)
                XCTAssertEqual(result.shape, shapeOut, what, file: file, line: line)
                let expected = multiIndices(shapeOut).map { index in
                    reference(
                        av[flatPosition(broadcastIndex(index, into: shapeA), shapeA)],
                        bv[flatPosition(broadcastIndex(index, into: shapeB), shapeB)])
                }
                assertSameValues(values(result, as: R.self), expected, what, file: file, line: line)
            }
        }
    }

    /// Python's floored remainder for floats, written from its definition.
    private func pythonRemainder(_ a: Double, _ b: Double) -> Double {
        if b == 0 { return .nan }
        var r = fmod(a, b)
        if r != 0 && ((r < 0) != (b < 0)) { r += b }
        if r == 0 { r = b < 0 ? -0.0 : 0.0 }
        return r
    }

    private func checkFloatFamily<T: FloatElement>(_: T.Type) throws {
        try check(.add, T.self, T.self) { $0 + $1 }
        try check(.subtract, T.self, T.self) { $0 - $1 }
        try check(.multiply, T.self, T.self) { $0 * $1 }
        try check(.divide, T.self, T.self) { $0 / $1 }
        try check(.maximum, T.self, T.self) { Swift.max($0, $1) }
        try check(.minimum, T.self, T.self) { Swift.min($0, $1) }
        // Quarter-valued operands: the rounded quotient floors exactly.
        try check(.floorDivide, T.self, T.self) { a, b in b == 0 ? a / b : (a / b).rounded(.down) }
        try check(.remainder, T.self, T.self) { a, b in T(pythonRemainder(Double(a), Double(b))) }
        try check(.equal, T.self, Bool.self) { $0 == $1 }
        try check(.notEqual, T.self, Bool.self) { $0 != $1 }
        try check(.less, T.self, Bool.self) { $0 < $1 }
        try check(.lessEqual, T.self, Bool.self) { $0 <= $1 }
        try check(.greater, T.self, Bool.self) { $0 > $1 }
        try check(.greaterEqual, T.self, Bool.self) { $0 >= $1 }
    }

    func testFloat32() throws { try checkFloatFamily(Float.self) }
    func testFloat64() throws { try checkFloatFamily(Double.self) }

    /// Floored integer division and remainder, from Python's definitions; 0 for a zero divisor.
    private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 0 { return 0 }
        var q = a / b
        if a % b != 0 && ((a < 0) != (b < 0)) { q -= 1 }
        return q
    }
    private func floorRemainder(_ a: Int64, _ b: Int64) -> Int64 { b == 0 ? 0 : a - floorDivide(a, b) * b }

    private func checkIntegerFamily<T: IntegerElement>(_: T.Type) throws {
        // Wrap-around is checked against 64-bit arithmetic truncated to T's width.
        func wrap(_ value: Int64) -> T { T(truncatingIfNeeded: value) }
        try check(.add, T.self, T.self) { wrap(Int64($0) &+ Int64($1)) }
        try check(.subtract, T.self, T.self) { wrap(Int64($0) &- Int64($1)) }
        try check(.multiply, T.self, T.self) { wrap(Int64($0) &* Int64($1)) }
        try check(.floorDivide, T.self, T.self) { wrap(self.floorDivide(Int64($0), Int64($1))) }
        try check(.remainder, T.self, T.self) { wrap(self.floorRemainder(Int64($0), Int64($1))) }
        try check(.maximum, T.self, T.self) { Swift.max($0, $1) }
        try check(.minimum, T.self, T.self) { Swift.min($0, $1) }
        try check(.bitwiseAnd, T.self, T.self) { $0 & $1 }
        try check(.bitwiseOr, T.self, T.self) { $0 | $1 }
        try check(.bitwiseXor, T.self, T.self) { $0 ^ $1 }
        try check(.equal, T.self, Bool.self) { $0 == $1 }
        try check(.less, T.self, Bool.self) { $0 < $1 }
        try check(.greaterEqual, T.self, Bool.self) { $0 >= $1 }
        // Integer true division gives float64, like numpy.
        try check(.divide, T.self, Double.self) { Double($0) / Double($1) }
    }

    func testInt32() throws { try checkIntegerFamily(Int32.self) }
    func testInt64() throws { try checkIntegerFamily(Int64.self) }
    func testUInt8() throws { try checkIntegerFamily(UInt8.self) }

    func testBool() throws {
        // numpy reads + and max as or, * and min as and, on bools.
        try check(.add, Bool.self, Bool.self) { $0 || $1 }
        try check(.maximum, Bool.self, Bool.self) { $0 || $1 }
        try check(.multiply, Bool.self, Bool.self) { $0 && $1 }
        try check(.minimum, Bool.self, Bool.self) { $0 && $1 }
        try check(.logicalXor, Bool.self, Bool.self) { $0 != $1 }
        try check(.bitwiseAnd, Bool.self, Bool.self) { $0 && $1 }
        try check(.equal, Bool.self, Bool.self) { $0 == $1 }
        try check(.notEqual, Bool.self, Bool.self) { $0 != $1 }
        try check(.less, Bool.self, Bool.self) { !$0 && $1 }
        try check(.greaterEqual, Bool.self, Bool.self) { $0 || !$1 }
        // Logical ops on numbers look at truthiness.
        try check(.logicalAnd, Int32.self, Bool.self) { $0 != 0 && $1 != 0 }
        try check(.logicalOr, Float.self, Bool.self) { $0 != 0 || $1 != 0 }
        assertThrows(.type, op: "subtract", try binary(.subtract, makeTensor([true], [1]), makeTensor([false], [1])))
    }

    func testIntegerDivisionByZeroGivesZeroInsteadOfTrapping() throws {
        let a = try makeTensor([Int32.min, 7, -7, 0, Int32.min], [5])
        let b = try makeTensor([-1, 0, 0, 0, 1] as [Int32], [5])
        assertSameValues(
            values(try binary(.floorDivide, a, b), as: Int32.self), [Int32.min, 0, 0, 0, Int32.min], "floor_divide")
        assertSameValues(values(try binary(.remainder, a, b), as: Int32.self), [0, 0, 0, 0, 0], "remainder")
        let c = try makeTensor([Int64.min, 5], [2]), d = try makeTensor([-1, 0] as [Int64], [2])
        assertSameValues(values(try binary(.floorDivide, c, d), as: Int64.self), [Int64.min, 0], "floor_divide int64")
    }

    func testFloatNaNAndSignedZero() throws {
        let nan = Float.nan
        let a = try makeTensor([nan, 1, nan, -0.0, 5, -5], [6]),
            b = try makeTensor([1, nan, nan, 0.0, 0, 0] as [Float], [6])
        assertSameValues(
            values(try binary(.maximum, a, b), as: Float.self), [nan, nan, nan, 0, 5, 0], "maximum propagates NaN")
        assertSameValues(
            values(try binary(.minimum, a, b), as: Float.self), [nan, nan, nan, 0, 0, -5], "minimum propagates NaN")
        assertSameValues(
            values(try binary(.equal, a, b), as: Bool.self), [false, false, false, true, false, false], "NaN != NaN")
        assertSameValues(
            values(try binary(.divide, a, b), as: Float.self), [nan, nan, nan, nan, .infinity, -.infinity], "divide")
        assertSameValues(
            values(try binary(.floorDivide, a, b), as: Float.self), [nan, nan, nan, nan, .infinity, -.infinity],
            "floor_divide by 0")
        let remainder = values(
            try binary(.remainder, try makeTensor([-1, 1] as [Float], [2]), try makeTensor([3, -3] as [Float], [2])),
            as: Float.self)
        XCTAssertEqual(remainder, [2, -2])
    }

    func testIntegerPowerAndNegativeExponents() throws {
        let base = try makeTensor([2, -3, 7, 0] as [Int64], [4]),
            exponent = try makeTensor([10, 3, 0, 0] as [Int64], [4])
        assertSameValues(values(try binary(.power, base, exponent), as: Int64.self), [1024, -27, 1, 1], "power")
        let wraps = try binary(.power, try makeTensor([3] as [UInt8], [1]), try makeTensor([5] as [UInt8], [1]))
        XCTAssertEqual(values(wraps, as: UInt8.self), [UInt8(243)])
        assertThrows(.value, op: "power", try binary(.power, base, try makeTensor([-1] as [Int64], [1])))
    }

    func testDTypePromotionFollowsNumpy2() throws {
        func resultType(_ a: Tensor, _ b: Tensor, _ op: BinaryOp = .add) throws -> DType { try binary(op, a, b).dtype }
        let f32 = try makeTensor([1.5] as [Float], [1]), f64 = try makeTensor([1.5] as [Double], [1])
        let i32 = try makeTensor([3] as [Int32], [1]), i64 = try makeTensor([3] as [Int64], [1])
        let u8 = try makeTensor([200] as [UInt8], [1]), b = try makeTensor([true], [1])
        XCTAssertEqual(try resultType(f32, i32), .float64)
        XCTAssertEqual(try resultType(f32, u8), .float32)
        XCTAssertEqual(try resultType(f32, f64), .float64)
        XCTAssertEqual(try resultType(i32, u8), .int32)
        XCTAssertEqual(try resultType(i32, i64), .int64)
        XCTAssertEqual(try resultType(b, u8), .uint8)
        XCTAssertEqual(try resultType(b, f32), .float32)
        XCTAssertEqual(try resultType(i32, i32, .divide), .float64)
        XCTAssertEqual(try resultType(u8, u8, .less), .bool)
        // The promoted values are computed in the wider type: 200 + 3 does not wrap in int32.
        XCTAssertEqual(values(try binary(.add, u8, i32), as: Int32.self), [203])
        XCTAssertEqual(values(try binary(.add, f32, i32), as: Double.self), [4.5])
        assertThrows(.type, op: "bitwise_and", try binary(.bitwiseAnd, f32, f32))
    }

    /// Large enough to split across the pool, by rows and (for two long rows) within rows.
    func testLargeOperandsSplitAcrossThreadsGiveTheSameResult() throws {
        let cases: [([Int], [Int], [Int])] = [([300, 257], [257], [300, 257]), ([2, 40_000], [2, 1], [2, 40_000])]
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        for threads in [1, 2, 3] {
            ThreadPool.shared.setThreadCount(threads)
            try check(.add, Float.self, Float.self, shapes: cases) { $0 + $1 }
        }
    }

    func testOutParameterWritesInPlaceEvenWhenAliased() throws {
        let av: [Float] = (0..<12).map(Float.init), bv: [Float] = [10, 20, 30, 40]
        let a = try makeTensor(av, [3, 4]), b = try makeTensor(bv, [4])
        let result = try binary(.add, a, b, out: a)
        XCTAssertTrue(result === a)
        XCTAssertEqual(values(a, as: Float.self), (0..<12).map { av[$0] + bv[$0 % 4] })
        // An output that overlaps its input differently (a transposed view of it) is computed
        // into a temporary first, so no input is overwritten before it is read.
        let square = try makeTensor((0..<9).map(Float.init), [3, 3])
        let transposed = try square.permuted([1, 0])
        _ = try binary(.add, square, transposed, out: square)
        XCTAssertEqual(values(square, as: Float.self), [0, 4, 8, 4, 8, 12, 8, 12, 16])
        // A non-contiguous out of another dtype gets the converted result.
        let target = try makeTensor([Int32](repeating: 0, count: 12), [3, 4], layout: .reversed)
        _ = try binary(.add, a, b, out: target)
        let sums = values(a, as: Float.self).enumerated().map { Int32($0.element + bv[$0.offset % 4]) }
        XCTAssertEqual(values(target, as: Int32.self), sums)
        assertThrows(
            .value, op: "add", try binary(.add, a, b, out: try makeTensor([Float](repeating: 0, count: 4), [4])))
    }
}
