/// Elementwise activation functions and their derivatives over contiguous buffers.
/// Each function is a type so the kernels specialise on it; `alpha` is the one parameter
/// some of them take (leaky_relu's slope, silu's beta).
public protocol ActivationFunction {
    static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T
    /// dy/dx at x, given the forward output y (whichever is cheaper to use).
    static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T
}

/// Splits `count` elements into pieces for the thread pool (one piece for small work).
@inline(__always)
package func forEachChunk(_ count: Int, grain: Int = 1 << 14, _ body: (Range<Int>) -> Void) {
    let threads = ThreadPool.shared.partitionCount
    let pieces = threads > 1 && count >= 2 * grain ? min(threads * 4, count / grain) : 1
    if pieces <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    ThreadPool.shared.parallelFor(pieces) { piece in
        body(count * piece / pieces..<count * (piece + 1) / pieces)
    }
}

/// y[i] = A(x[i]).
@_specialize(exported:true,where A == ReLU, T == Float)
@_specialize(exported:true,where A == ReLU, T == Double)
@_specialize(exported:true,where A == ReLU6, T == Float)
@_specialize(exported:true,where A == ReLU6, T == Double)
@_specialize(exported:true,where A == LeakyReLU, T == Float)
@_specialize(exported:true,where A == LeakyReLU, T == Double)
@_specialize(exported:true,where A == ELU, T == Float)
@_specialize(exported:true,where A == ELU, T == Double)
@_specialize(exported:true,where A == SELU, T == Float)
@_specialize(exported:true,where A == SELU, T == Double)
@_specialize(exported:true,where A == Softplus, T == Float)
@_specialize(exported:true,where A == Softplus, T == Double)
@_specialize(exported:true,where A == Softsign, T == Float)
@_specialize(exported:true,where A == Softsign, T == Double)
@_specialize(exported:true,where A == SiLU, T == Float)
@_specialize(exported:true,where A == SiLU, T == Double)
@_specialize(exported:true,where A == GELU, T == Float)
@_specialize(exported:true,where A == GELU, T == Double)
@_specialize(exported:true,where A == GELUTanh, T == Float)
@_specialize(exported:true,where A == GELUTanh, T == Double)
public func activationForwardKernel<A: ActivationFunction, T: FloatElement>(
    _: A.Type, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, count: Int, alpha: T
) {
    forEachChunk(count) { range in
        for i in range { y[i] = A.value(x[i], alpha) }
    }
}

/// dx[i] = g[i] · A'(x[i]).
@_specialize(exported:true,where A == ReLU, T == Float)
@_specialize(exported:true,where A == ReLU, T == Double)
@_specialize(exported:true,where A == ReLU6, T == Float)
@_specialize(exported:true,where A == ReLU6, T == Double)
@_specialize(exported:true,where A == LeakyReLU, T == Float)
@_specialize(exported:true,where A == LeakyReLU, T == Double)
@_specialize(exported:true,where A == ELU, T == Float)
@_specialize(exported:true,where A == ELU, T == Double)
@_specialize(exported:true,where A == SELU, T == Float)
@_specialize(exported:true,where A == SELU, T == Double)
@_specialize(exported:true,where A == Softplus, T == Float)
@_specialize(exported:true,where A == Softplus, T == Double)
@_specialize(exported:true,where A == Softsign, T == Float)
@_specialize(exported:true,where A == Softsign, T == Double)
@_specialize(exported:true,where A == SiLU, T == Float)
@_specialize(exported:true,where A == SiLU, T == Double)
@_specialize(exported:true,where A == GELU, T == Float)
@_specialize(exported:true,where A == GELU, T == Double)
@_specialize(exported:true,where A == GELUTanh, T == Float)
@_specialize(exported:true,where A == GELUTanh, T == Double)
public func activationBackwardKernel<A: ActivationFunction, T: FloatElement>(
    _: A.Type, _ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>,
    _ dx: UnsafeMutablePointer<T>, count: Int, alpha: T
) {
    forEachChunk(count) { range in
        for i in range { dx[i] = g[i] * A.derivative(x[i], y[i], alpha) }
    }
}

// MARK: - The functions

/// max(x, 0); the derivative at 0 is 0, as TensorFlow's.
public enum ReLU: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        x > 0 ? x : (x.isNaN ? x : 0)
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T { x > 0 ? 1 : 0 }
}

public enum ReLU6: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        x.isNaN ? x : Swift.min(Swift.max(x, 0), 6)
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        x > 0 && x < 6 ? 1 : 0
    }
}

/// x for x > 0, alpha·x otherwise.
public enum LeakyReLU: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T { x > 0 ? x : alpha * x }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        x > 0 ? 1 : alpha
    }
}

/// x for x > 0, alpha·(eˣ - 1) otherwise (tf.nn.elu has alpha = 1).
public enum ELU: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        x > 0 ? x : alpha * T.expm1(x)
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        x > 0 ? 1 : y + alpha
    }
}

/// scale·elu(x, alpha) with the self-normalising constants of Klambauer et al.
public enum SELU: ActivationFunction {
    package static let alpha = 1.6732632423543772848170429916717
    package static let scale = 1.0507009873554804934193349852946
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ unused: T) -> T {
        x > 0 ? T(scale) * x : T(scale * alpha) * T.expm1(x)
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ unused: T) -> T {
        x > 0 ? T(scale) : y + T(scale * alpha)
    }
}

/// log(1 + eˣ), written as max(x, 0) + log1p(e^-|x|) so it never overflows.
public enum Softplus: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        Swift.max(x, 0) + T.log1p(vectorExp(-Swift.abs(x)))
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        vectorSigmoid(x)
    }
}

/// x / (1 + |x|).
public enum Softsign: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T { x / (1 + Swift.abs(x)) }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        let d = 1 + Swift.abs(x)
        return 1 / (d * d)
    }
}

/// x · sigmoid(alpha·x) (silu / swish; alpha is tf.nn.silu's beta).
public enum SiLU: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        x * vectorSigmoid(alpha * x)
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        let s = vectorSigmoid(alpha * x)
        return s + alpha * x * s * (1 - s)
    }
}

/// Exact GELU: x·Φ(x) = ½x(1 + erf(x/√2)).
public enum GELU: ActivationFunction {
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        let v = Double(x)
        return T(0.5 * v * (1 + errorFunction(v * 0.70710678118654752)))
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        let v = Double(x)
        let cdf = 0.5 * (1 + errorFunction(v * 0.70710678118654752))
        let pdf = 0.3989422804014327 * Double.exp(-0.5 * v * v) // 1/√(2π)
        return T(cdf + v * pdf)
    }
}

/// GELU's tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
public enum GELUTanh: ActivationFunction {
    package static let c = 0.7978845608028654 // √(2/π)
    @inline(__always) public static func value<T: FloatElement>(_ x: T, _ alpha: T) -> T {
        let inner = T(c) * (x + T(0.044715) * x * x * x)
        return T(0.5) * x * (1 + T.tanh(inner))
    }
    @inline(__always) public static func derivative<T: FloatElement>(_ x: T, _ y: T, _ alpha: T) -> T {
        let inner = T(c) * (x + T(0.044715) * x * x * x)
        let t = T.tanh(inner)
        return T(0.5) * (1 + t) + T(0.5) * x * (1 - t * t) * T(c) * (1 + T(3 * 0.044715) * x * x)
    }
}
