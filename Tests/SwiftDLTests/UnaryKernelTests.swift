import XCTest

@testable import SwiftDL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise unary ops against the C math library, element by element, on every layout.
final class UnaryKernelTests: XCTestCase {
    /// Ordinary values plus the ones where math functions go wrong.
    static let specials: [Double] = [
        0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3.75, -0.3, 20, -20, 88, -104, 100, 1e-40, -1e-40,
        .infinity, -.infinity, .nan, 1e30, -1e30,
    ]

    /// Distance in units in the last place between two floats of the same type (0 when
    /// both are NaN or equal, .max when only one is NaN or the signs of infinities differ).
    static func ulps<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Int {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : Int.max }
        if a == b { return 0 }
        if a.isInfinite || b.isInfinite { return Int.max }
        // Map to a monotonic integer line: ulp distance is then a difference.
        func ordinal(_ x: T) -> Int {
            let magnitude =
                Int(x.magnitude.exponentBitPattern) << T.significandBitCount
                | Int(x.magnitude.significandBitPattern)
            return x.sign == .minus ? -magnitude : magnitude
        }
        return abs(ordinal(a) - ordinal(b))
    }

    /// Checks op(x) for float type T over `specials` and random values laid out every way;
    /// `tolerance` is in ulps (0: exactly the reference).
    private func check<T: FloatElement>(
        _ op: UnaryOp, _: T.Type, tolerance: Int = 0,
        file: StaticString = #filePath, line: UInt = #line,
        _ reference: (T) -> T
    ) throws {
        var inputs = Self.specials.map { T($0) }
        var random = TestRandom(UInt64(op.rawValue) + 17)
        inputs += (0..<26).map { _ in T(random.double(-12, 12)) }
        for layout in Layout.allCases {
            let x = try makeTensor(inputs, [6, 8], layout: layout)
            let result = try unary(op, x)
            XCTAssertEqual(result.dtype, T.dtype, file: file, line: line)
            XCTAssertEqual(result.shape, [6, 8], file: file, line: line)
            for (input, actual) in zip(inputs, values(result, as: T.self)) {
                let expected = reference(input)
                let distance = Self.ulps(actual, expected)
                if distance > tolerance {
                    XCTFail(
                        "\(op.name)(\(input)) as \(T.dtype.name) \(layout): \(actual), expected \(expected) (\(distance) ulp)",
                        file: file, line: line)
                    return
                }
            }
        }
    }

    private func checkFloatFamily<T: FloatElement>(_: T.Type) throws {
        try check(.negative, T.self) { -$0 }
        try check(.absolute, T.self) { Swift.abs($0) }
        try check(.sign, T.self) { x in x.isNaN ? x : (x > 0 ? 1 : (x < 0 ? -1 : x)) }
        try check(.square, T.self) { $0 * $0 }
        try check(.sqrt, T.self) { $0.squareRoot() }
        try check(.reciprocal, T.self) { 1 / $0 }
        try check(.floor, T.self) { $0.rounded(.down) }
        try check(.ceil, T.self) { $0.rounded(.up) }
        try check(.rint, T.self) { $0.rounded(.toNearestOrEven) }
    }

    func testFloat32ExactOps() throws { try checkFloatFamily(Float.self) }
    func testFloat64ExactOps() throws { try checkFloatFamily(Double.self) }

    /// float32 transcendental functions may use vectorised approximations: within 2 ulp of libm.
    func testFloat32Transcendentals() throws {
        try check(.exp, Float.self, tolerance: 2) { expf($0) }
        try check(.log, Float.self, tolerance: 2) { logf($0) }
        try check(.tanh, Float.self, tolerance: 2) { tanhf($0) }
        try check(.sin, Float.self, tolerance: 2) { sinf($0) }
        try check(.cos, Float.self, tolerance: 2) { cosf($0) }
        try check(.log1p, Float.self, tolerance: 2) { log1pf($0) }
        try check(.expm1, Float.self, tolerance: 2) { expm1f($0) }
        // The reference computes in double so it is correctly rounded; the engine's form
        // (exp of -|x| on both sides) is within a few ulp and never overflows.
        try check(.sigmoid, Float.self, tolerance: 4) { x in Float(1 / (1 + Glibc.exp(-Double(x)))) }
    }

    func testFloat64Transcendentals() throws {
        try check(.exp, Double.self) { Glibc.exp($0) }
        try check(.log, Double.self) { Glibc.log($0) }
        try check(.tanh, Double.self) { Glibc.tanh($0) }
        try check(.sin, Double.self) { Glibc.sin($0) }
        try check(.cos, Double.self) { Glibc.cos($0) }
        try check(.log1p, Double.self) { Glibc.log1p($0) }
        try check(.expm1, Double.self) { Glibc.expm1($0) }
        try check(.sigmoid, Double.self, tolerance: 4) { 1 / (1 + Glibc.exp(-$0)) }
    }

    func testIntegerInputsToMathComputeInFloat() throws {
        // numpy: int32/int64 -> float64, uint8/bool -> float16 (float32 here).
        let i32 = try unary(.exp, try makeTensor([0, 1, -2] as [Int32], [3]))
        XCTAssertEqual(i32.dtype, .float64)
        XCTAssertEqual(values(i32, as: Double.self), [1, Glibc.exp(1), Glibc.exp(-2)])
        XCTAssertEqual(try unary(.sqrt, try makeTensor([4] as [Int64], [1])).dtype, .float64)
        let u8 = try unary(.log, try makeTensor([1, 0] as [UInt8], [2]))
        XCTAssertEqual(u8.dtype, .float32)
        XCTAssertEqual(values(u8, as: Float.self), [0, -.infinity])
        XCTAssertEqual(try unary(.tanh, try makeTensor([true], [1])).dtype, .float32)
    }

    func testIntegerOpsWrapAndNeverTrap() throws {
        let x = try makeTensor([Int32.min, -5, 0, 1, -1, 7, Int32.max], [7], layout: .reversed)
        XCTAssertEqual(values(try unary(.negative, x), as: Int32.self), [Int32.min, 5, 0, -1, 1, -7, -Int32.max])
        XCTAssertEqual(values(try unary(.absolute, x), as: Int32.self), [Int32.min, 5, 0, 1, 1, 7, Int32.max])
        XCTAssertEqual(values(try unary(.sign, x), as: Int32.self), [-1, -1, 0, 1, -1, 1, 1])
        XCTAssertEqual(values(try unary(.square, x), as: Int32.self), [0, 25, 0, 1, 1, 49, 1])
        XCTAssertEqual(values(try unary(.reciprocal, x), as: Int32.self), [0, 0, 0, 1, -1, 0, 0])
        XCTAssertEqual(values(try unary(.invert, x), as: Int32.self), [Int32.max, 4, -1, -2, 0, -8, Int32.min])
        XCTAssertEqual(values(try unary(.floor, x), as: Int32.self), values(x, as: Int32.self))
        let bytes = try makeTensor([0, 1, 255] as [UInt8], [3], layout: .gapped)
        XCTAssertEqual(values(try unary(.negative, bytes), as: UInt8.self), [0, 255, 1])
        XCTAssertEqual(values(try unary(.invert, bytes), as: UInt8.self), [255, 254, 0])
    }

    func testBoolOps() throws {
        let x = try makeTensor([true, false, true], [3], layout: .reversed)
        XCTAssertEqual(values(try unary(.logicalNot, x), as: Bool.self), [false, true, false])
        XCTAssertEqual(values(try unary(.invert, x), as: Bool.self), [false, true, false])
        XCTAssertEqual(values(try unary(.absolute, x), as: Bool.self), [true, false, true])
        let numbers = try unary(.logicalNot, try makeTensor([0, Float.nan, -0.0, 2], [4]))
        XCTAssertEqual(values(numbers, as: Bool.self), [true, false, true, false])
        assertThrows(.type, op: "negative", try unary(.negative, x))
        assertThrows(.type, op: "invert", try unary(.invert, try makeTensor([1.5] as [Float], [1])))
    }

    func testOutParameter() throws {
        let x = try makeTensor([1, 4, 9] as [Float], [3])
        let result = try unary(.sqrt, x, out: x)
        XCTAssertTrue(result === x)
        XCTAssertEqual(values(x, as: Float.self), [1, 2, 3])
        let wide = try makeTensor([0, 0, 0] as [Double], [3], layout: .reversed)
        _ = try unary(.square, x, out: wide)
        XCTAssertEqual(values(wide, as: Double.self), [1, 4, 9])
        assertThrows(.value, op: "exp", try unary(.exp, x, out: try makeTensor([0] as [Float], [1])))
    }

    /// Long inputs go through the thread pool and the vectorised paths; compare with libm.
    func testLongFloat32InputsMatchLibm() throws {
        let saved = ThreadPool.shared.threadCount
        defer { ThreadPool.shared.setThreadCount(saved) }
        var random = TestRandom(99)
        let count = 50_003
        let inputs = (0..<count).map { _ in Float(random.double(-90, 90)) }
        for threads in [1, 2] {
            ThreadPool.shared.setThreadCount(threads)
            for layout in [Layout.contiguous, .reversed] {
                let x = try makeTensor(inputs, [count], layout: layout)
                for (op, reference) in [(UnaryOp.exp, expf), (.tanh, tanhf), (.log, logf)]
                    as [(UnaryOp, (Float) -> Float)]
                {
                    let result = values(try unary(op, x), as: Float.self)
                    let worst = zip(inputs, result).map { Self.ulps($0.1, reference($0.0)) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 2, "\(op.name) \(layout) with \(threads) threads")
                }
            }
        }
    }
}
