#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float types the recurrent kernels run in, with the gate activations they need.
///
/// Float uses branch-free polynomial approximations that LLVM vectorises inside the fused
/// gate loops (a libm call per element would cost more than the per-step GEMM). Double keeps
/// libm: float64 is the precision path (gradient checks), not the speed path.
public protocol RecurrentElement: FloatElement {
    /// 1 / (1 + e^-x), Keras's default `recurrent_activation`.
    static func gateSigmoid(_ x: Self) -> Self
    /// tanh(x), Keras's default `activation`.
    static func gateTanh(_ x: Self) -> Self
}

extension Float: RecurrentElement {
    /// e^x for x clamped to [-87.3, 88.3] (Cephes' expf: range reduction by ln 2 in two
    /// parts, a degree-5 polynomial, then 2^n through the exponent bits); about 1 ulp.
    /// NOTE: the clamp is written as selects so NaN maps to a bound instead of reaching the
    /// Int32 conversion (which would trap); callers restore NaN themselves.
    @inline(__always)
    package static func boundedExp(_ x: Float) -> Float {
        let low: Float = x > -87.3 ? x : -87.3
        let clamped: Float = low < 88.3 ? low : 88.3
        let scaled = clamped * 1.44269504088896341
        // Adding and subtracting 1.5 * 2^23 rounds to the nearest integer without a libm call.
        let n = (scaled + 12582912.0) - 12582912.0
        let r = clamped - n * 0.693359375 + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let mantissa = p * r * r + r + 1
        let exponent = UInt32(truncatingIfNeeded: Int32(n) &+ 127) << 23
        return mantissa * Float(bitPattern: exponent)
    }

    @inline(__always)
    public static func gateSigmoid(_ x: Float) -> Float {
        let y = 1 / (1 + boundedExp(-x))
        return x != x ? x : y
    }

    /// tanh(x) = 1 - 2 / (e^2x + 1): saturates cleanly at ±1; absolute error ~1e-7.
    @inline(__always)
    public static func gateTanh(_ x: Float) -> Float {
        let y = 1 - 2 / (boundedExp(2 * x) + 1)
        return x != x ? x : y
    }
}

extension Double: RecurrentElement {
    @inline(__always)
    public static func gateSigmoid(_ x: Double) -> Double { 1 / (1 + Glibc.exp(-x)) }

    @inline(__always)
    public static func gateTanh(_ x: Double) -> Double { Glibc.tanh(x) }
}

extension RecurrentElement {
    /// values[0..<count] = σ(values[...]). One pointer read and written at the same index,
    /// so the loop vectorises (a loop mixing many pointers may not: aliasing checks).
    @inline(__always)
    package static func applySigmoid(_ values: UnsafeMutablePointer<Self>, count: Int) {
        for j in 0..<count { values[j] = gateSigmoid(values[j]) }
    }

    /// values[0..<count] = tanh(values[...]), vectorisable like `applySigmoid`.
    @inline(__always)
    package static func applyTanh(_ values: UnsafeMutablePointer<Self>, count: Int) {
        for j in 0..<count { values[j] = gateTanh(values[j]) }
    }
}

/// Runs generic code over the recurrent kernels' float types.
public protocol RecurrentVisitor {
    associatedtype Result
    func visit<T: RecurrentElement>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Dispatches float32 / float64 to the recurrent kernels; ops have refused other dtypes.
    /// The kernels run with subnormals flushed (see `withSubnormalsFlushed`).
    @inlinable
    public func dispatchRecurrent<V: RecurrentVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try withSubnormalsFlushed { try visitor.visit(Float.self) }
        case .float64: return try withSubnormalsFlushed { try visitor.visit(Double.self) }
        default: throw SDLError(.internal, "[dispatch] \(name) reached a recurrent kernel")
        }
    }
}
