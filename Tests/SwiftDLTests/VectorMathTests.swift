import XCTest

@testable import SwiftDL
@testable import SwiftDLAVX2

#if arch(x86_64) && !SWIFTDL_NO_AVX2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vectorised float32 exp against libm's expf over the whole float range: a sweep of
/// bit patterns through every binade, dense sweeps where results turn subnormal and where
/// they overflow, and the special values. The kernels are compiled for AVX2 and FMA, so
/// the tests are skipped on CPUs without them (where the engine does not use them either).
final class VectorMathTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.current.hasAVX2, "the vector kernels need AVX2 and FMA")
    }

    /// Worst ulp distance of the exp row kernel from expf over `inputs` (and the input
    /// that hit it).
    private func worstExpError(_ inputs: [Float]) -> (ulps: Int, at: Float) {
        var output = [Float](repeating: 0, count: inputs.count)
        expRowAVX2(inputs, &output, count: inputs.count)
        var worst = (ulps: 0, at: Float(0))
        for (x, y) in zip(inputs, output) {
            let distance = UnaryKernelTests.ulps(y, expf(x))
            if distance > worst.ulps { worst = (distance, x) }
        }
        return worst
    }

    /// Floats with bit patterns from `low` through `high`, every `step`-th one.
    private func patterns(_ low: UInt32, _ high: UInt32, step: UInt32) -> [Float] {
        stride(from: low, through: high, by: Int(step)).map { Float(bitPattern: $0) }
    }

    func testExpAcrossTheWholeRange() {
        // |x| from 2^-40 to past the overflow and underflow thresholds, both signs.
        let positive = patterns(0x2B80_0000, 0x42D2_0000, step: 611)
        let worstPositive = worstExpError(positive)
        XCTAssertLessThanOrEqual(worstPositive.ulps, 2, "exp(\(worstPositive.at))")
        let worstNegative = worstExpError(positive.map { -$0 })
        XCTAssertLessThanOrEqual(worstNegative.ulps, 2, "exp(\(worstNegative.at))")
    }

    func testExpWhereResultsAreSubnormal() {
        // x in [-104, -87.3]: results from the smallest normal down to 0.
        let worst = worstExpError(patterns(0xC2AE_0000, 0xC2D0_0000, step: 13))
        XCTAssertLessThanOrEqual(worst.ulps, 2, "exp(\(worst.at))")
    }

    func testExpAroundTheOverflowThreshold() {
        let last = Float(bitPattern: 0x42B1_7217) // the largest x with a finite expf
        XCTAssertTrue(expf(last).isFinite)
        let inputs = patterns(0x42B1_7217 - 4000, 0x42B1_7217 + 4000, step: 1)
        let worst = worstExpError(inputs)
        XCTAssertLessThanOrEqual(worst.ulps, 2, "exp(\(worst.at))")
        var v = SIMD8<Float>(repeating: last.nextUp)
        XCTAssertEqual(vectorExp(v)[0], .infinity)
        v = SIMD8<Float>(repeating: last)
        XCTAssertTrue(vectorExp(v)[0].isFinite)
    }

    func testExpSpecialValues() {
        let specials: [Float] = [
            0, -0.0, .infinity, -.infinity, .nan, -.nan, 1, -1, .leastNonzeroMagnitude,
            -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-30, -1e-30,
            88.72, 89, 1000, -1000, -103.9, -104, -150, .leastNormalMagnitude,
        ]
        for x in specials {
            let actual = vectorExp(SIMD8<Float>(repeating: x))[3]
            let expected = expf(x)
            XCTAssertLessThanOrEqual(
                UnaryKernelTests.ulps(actual, expected), 2, "exp(\(x)) = \(actual), expf gives \(expected)")
        }
        XCTAssertEqual(vectorExp(SIMD8<Float>(repeating: 0))[0], 1)
        // A NaN lane does not disturb its neighbours.
        var mixed = SIMD8<Float>(repeating: 1)
        mixed[2] = .nan
        let result = vectorExp(mixed)
        XCTAssertTrue(result[2].isNaN)
        XCTAssertEqual(result[1], expf(1), accuracy: expf(1).ulp * 2)
    }

    func testSigmoidMatchesItsDefinition() {
        var random = TestRandom(4)
        let inputs =
            (0..<4000).map { _ in Float(random.double(-120, 120)) } + [
                0, -0.0, .infinity, -.infinity, .nan, 1e-20, -1e-20, 17, -17,
            ]
        var output = [Float](repeating: 0, count: inputs.count)
        sigmoidRowAVX2(inputs, &output, count: inputs.count)
        for (x, y) in zip(inputs, output) {
            let expected = Float(1 / (1 + Glibc.exp(-Double(x))))
            XCTAssertLessThanOrEqual(UnaryKernelTests.ulps(y, expected), 4, "sigmoid(\(x)) = \(y)")
        }
    }

    /// Rows of every length (all tails) through the op give the same as the vector function.
    func testUnaryKernelUsesTheVectorPathOnEveryRowLength() throws {
        for length in 0...19 {
            let inputs = (0..<length).map { Float($0) * 0.37 - 3 }
            let result = values(try unary(.exp, try makeTensor(inputs, [length])), as: Float.self)
            for (x, y) in zip(inputs, result) {
                XCTAssertLessThanOrEqual(UnaryKernelTests.ulps(y, expf(x)), 2, "length \(length)")
            }
        }
    }
}
#endif

#if !(arch(x86_64) && !SWIFTDL_NO_AVX2)
/// Built without the AVX2 kernels (another architecture, or -DSWIFTDL_NO_AVX2): the engine
/// must never take their paths, whatever the CPU.
final class AVX2CompiledOutTests: XCTestCase {
    func testTheEngineKeepsToItsPortablePaths() {
        XCTAssertFalse(avx2KernelsCompiled)
        XCTAssertFalse(avx2KernelsEnabled())
        XCTAssertFalse(CPUFeatures.current.hasAVX2)
    }
}
#endif
