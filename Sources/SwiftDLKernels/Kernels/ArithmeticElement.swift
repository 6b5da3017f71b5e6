#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numeric element types (everything but bool), with numpy's arithmetic semantics:
/// integers wrap on overflow and give 0 on division by zero instead of trapping;
/// floor division and remainder round toward negative infinity, like Python.
public protocol ArithmeticElement: Element, Comparable {
    static func plus(_ a: Self, _ b: Self) -> Self
    static func minus(_ a: Self, _ b: Self) -> Self
    static func times(_ a: Self, _ b: Self) -> Self
    static func quotient(_ a: Self, _ b: Self) -> Self
    static func floorQuotient(_ a: Self, _ b: Self) -> Self
    static func modulo(_ a: Self, _ b: Self) -> Self
    static func power(_ a: Self, _ b: Self) -> Self
    static func larger(_ a: Self, _ b: Self) -> Self
    static func smaller(_ a: Self, _ b: Self) -> Self
    static func negated(_ a: Self) -> Self
    static func magnitude(_ a: Self) -> Self
    static func signum(_ a: Self) -> Self
    /// The identity of maximum and minimum: -inf and +inf for floats, the extremes for integers.
    static var lowest: Self { get }
    static var highest: Self { get }
}

/// Integer element types: the bitwise operators apply.
public protocol IntegerElement: ArithmeticElement, FixedWidthInteger {}

extension IntegerElement {
    @inline(__always) public static func plus(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) public static func minus(_ a: Self, _ b: Self) -> Self { a &- b }
    @inline(__always) public static func times(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) public static func quotient(_ a: Self, _ b: Self) -> Self { floorQuotient(a, b) }
    @inline(__always) public static func floorQuotient(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        let (q, overflow) = a.dividedReportingOverflow(by: b)
        if overflow { return a } // Int.min / -1 wraps to Int.min, as numpy does
        let r = a &- q &* b
        return (r != 0 && ((r < 0) != (b < 0))) ? q &- 1 : q
    }
    @inline(__always) public static func modulo(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        let (r, overflow) = a.remainderReportingOverflow(dividingBy: b)
        if overflow { return 0 }
        return (r != 0 && ((r < 0) != (b < 0))) ? r &+ b : r
    }
    /// Exponentiation by squaring with wrap-around; negative exponents are refused by the op.
    @inline(__always) public static func power(_ a: Self, _ b: Self) -> Self {
        var result: Self = 1, base = a, exponent = b
        while exponent > 0 {
            if exponent & 1 == 1 { result = result &* base }
            base = base &* base
            exponent >>= 1
        }
        return result
    }
    @inline(__always) public static func larger(_ a: Self, _ b: Self) -> Self { a > b ? a : b }
    @inline(__always) public static func smaller(_ a: Self, _ b: Self) -> Self { a < b ? a : b }
    @inline(__always) public static func negated(_ a: Self) -> Self { 0 &- a }
    @inline(__always) public static func magnitude(_ a: Self) -> Self { a < 0 ? 0 &- a : a }
    @inline(__always) public static func signum(_ a: Self) -> Self { a > 0 ? 1 : (a < 0 ? 0 &- 1 : 0) }
    public static var lowest: Self { Self.min }
    public static var highest: Self { Self.max }
}

extension Int32: IntegerElement {}
extension Int64: IntegerElement {}
extension UInt8: IntegerElement {}

/// Floating-point element types, with the C math library behind them.
public protocol FloatElement: ArithmeticElement, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension FloatElement {
    @inline(__always) public static func plus(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) public static func minus(_ a: Self, _ b: Self) -> Self { a - b }
    @inline(__always) public static func times(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) public static func quotient(_ a: Self, _ b: Self) -> Self { a / b }
    /// numpy's npy_divmod: the quotient is floored and nudged so that a == q*b + r exactly.
    @inline(__always) public static func floorQuotient(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return a / b }
        let mod = a.truncatingRemainder(dividingBy: b)
        var div = (a - mod) / b
        if mod != 0 && ((b < 0) != (mod < 0)) { div -= 1 }
        if div == 0 { return Self(signOf: a / b, magnitudeOf: 0) }
        var floored = div.rounded(.down)
        if div - floored > 0.5 { floored += 1 }
        return floored
    }
    @inline(__always) public static func modulo(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return a.truncatingRemainder(dividingBy: b) }
        var mod = a.truncatingRemainder(dividingBy: b)
        if mod != 0 {
            if (b < 0) != (mod < 0) { mod += b }
        } else {
            mod = Self(signOf: b, magnitudeOf: 0)
        }
        return mod
    }
    @inline(__always) public static func power(_ a: Self, _ b: Self) -> Self { pow(a, b) }
    /// NaN-propagating, like numpy.maximum.
    @inline(__always) public static func larger(_ a: Self, _ b: Self) -> Self { (a > b || a.isNaN) ? a : b }
    @inline(__always) public static func smaller(_ a: Self, _ b: Self) -> Self { (a < b || a.isNaN) ? a : b }
    @inline(__always) public static func negated(_ a: Self) -> Self { -a }
    @inline(__always) public static func magnitude(_ a: Self) -> Self { Swift.abs(a) }
    @inline(__always) public static func signum(_ a: Self) -> Self { a > 0 ? 1 : (a < 0 ? -1 : a) }
    public static var lowest: Self { -Self.infinity }
    public static var highest: Self { Self.infinity }
}

extension Float: FloatElement {
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { vectorizableLog(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { vectorizableTanh(x) }
    @inline(__always) public static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: FloatElement {
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}

/// Runs generic code over a numeric (non-bool) dtype.
public protocol ArithmeticVisitor {
    associatedtype Result
    func visit<T: ArithmeticElement>(_ type: T.Type) throws -> Result
}

/// Runs generic code over a float dtype.
public protocol FloatVisitor {
    associatedtype Result
    func visit<T: FloatElement>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Dispatches to the numeric Swift type; bool is the caller's job to have handled.
    @inlinable
    public func dispatchArithmetic<V: ArithmeticVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        case .int32: return try visitor.visit(Int32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint8: return try visitor.visit(UInt8.self)
        case .bool: throw SDLError(.internal, "[dispatch] bool reached an arithmetic kernel")
        }
    }

    /// Dispatches to the float Swift type; integer dtypes are the caller's job to have cast.
    @inlinable
    public func dispatchFloat<V: FloatVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        default: throw SDLError(.internal, "[dispatch] \(name) reached a float kernel")
        }
    }
}

/// Runs generic code over an integer dtype.
public protocol IntegerVisitor {
    associatedtype Result
    func visit<T: IntegerElement>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Dispatches to the integer Swift type; float and bool dtypes are the caller's job.
    @inlinable
    public func dispatchInteger<V: IntegerVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .int32: return try visitor.visit(Int32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint8: return try visitor.visit(UInt8.self)
        default: throw SDLError(.internal, "[dispatch] \(name) reached an integer kernel")
        }
    }
}

extension Float {
    /// tanh without a libm call, so loops over it vectorise (glibc's tanhf is ~15 ns a value,
    /// twenty times exp's cost). Cephes' tanhf, branch-free: below |x| = 0.625 an odd
    /// polynomial x + x³P(x²) keeps the relative error near 1 ulp for tiny x; above, 1 - 2 /
    /// (e^2|x| + 1) with the sign put back (saturating to ±1, exactly as e^2|x| overflows
    /// the clamp). Within 2 ulp of the correctly rounded value over the whole range.
    @inline(__always)
    package static func vectorizableTanh(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let z = x * x
        var p: Float = -5.70498872745e-3
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = p * z * x + x
        let large = 1 - 2 / (Float.boundedExp(2 * magnitude) + 1)
        let signed: Float = x < 0 ? -large : large
        let y: Float = magnitude < 0.625 ? small : signed
        return x != x || x == 0 ? x : y // NaN stays NaN; ±0 keeps its sign
    }
}

extension Float {
    /// The natural logarithm without a libm call, so loops over it vectorise (glibc's logf
    /// cost ~4.5 ns a value, seven times numpy's SIMD log). Cephes' logf, branch-free: x =
    /// m·2^e with m in [√½, √2) read from the bits (subnormals scaled by 2^23 first), then
    /// log(m) = f - f²/2 + f³P(f) with f = m - 1, plus e·ln 2 in two parts. Within 1 ulp
    /// over the normal and subnormal range; 0 → -inf, negatives → NaN, inf and NaN as given.
    @inline(__always)
    package static func vectorizableLog(_ x: Float) -> Float {
        let subnormal = x < Float.leastNormalMagnitude
        let scaled: Float = subnormal ? x * 8_388_608 : x // 2^23
        let bits = scaled.bitPattern
        var exponent = Float(Int32(bitPattern: (bits >> 23) & 0xff) - 126) - (subnormal ? 23 : 0)
        var m = Float(bitPattern: (bits & 0x007f_ffff) | 0x3f00_0000) // in [0.5, 1)
        let below = m < 0.707106781186547524
        exponent -= below ? 1 : 0
        m = below ? m + m - 1 : m - 1
        let z = m * m
        var p: Float = 7.0376836292e-2
        p = p * m - 1.1514610310e-1
        p = p * m + 1.1676998740e-1
        p = p * m - 1.2420140846e-1
        p = p * m + 1.4249322787e-1
        p = p * m - 1.6668057665e-1
        p = p * m + 2.0000714765e-1
        p = p * m - 2.4999993993e-1
        p = p * m + 3.3333331174e-1
        var y = p * m * z
        y += -2.12194440e-4 * exponent
        y += -0.5 * z
        let result = m + y + 0.693359375 * exponent
        // Special values: log(0) = -inf, log(negative) = NaN, log(inf) = inf, NaN stays NaN.
        let special: Float = x == 0 ? -Float.infinity : (x < 0 || x != x ? Float.nan : x)
        return x > 0 && x < Float.infinity ? result : special
    }
}
