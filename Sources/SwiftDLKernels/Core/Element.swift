/// A Swift type that can be a tensor element. Conversions follow numpy's C casts
/// (wrap-around for integers, INT_MIN for NaN or out-of-range floats) but never trap.
public protocol Element: Sendable {
    static var dtype: DType { get }
    static var zero: Self { get }
    static var one: Self { get }
    init(fromDouble value: Double)
    init(fromInt64 value: Int64)
    var doubleValue: Double { get }
    var int64Value: Int64 { get }
}

extension Element {
    /// Converts between element types the way numpy's `astype` does.
    @inline(__always)
    public func converted<D: Element>(to: D.Type) -> D {
        if Self.dtype.isFloatingPoint { return D(fromDouble: doubleValue) }
        return D(fromInt64: int64Value)
    }
}

/// Truncates toward zero like C; NaN and values outside Int64 give Int64.min, as x86 does.
@inline(__always)
package func truncatedInt64(_ value: Double) -> Int64 {
    if value.isNaN || value >= 9.223372036854775807e18 || value < -9.223372036854775808e18 { return Int64.min }
    return Int64(value)
}

extension Float: Element {
    public static var dtype: DType { .float32 }
    public static var one: Float { 1 }
    @inline(__always) public init(fromDouble value: Double) { self = Float(value) }
    @inline(__always) public init(fromInt64 value: Int64) { self = Float(value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { truncatedInt64(Double(self)) }
}

extension Double: Element {
    public static var dtype: DType { .float64 }
    public static var one: Double { 1 }
    @inline(__always) public init(fromDouble value: Double) { self = value }
    @inline(__always) public init(fromInt64 value: Int64) { self = Double(value) }
    @inline(__always) public var doubleValue: Double { self }
    @inline(__always) public var int64Value: Int64 { truncatedInt64(self) }
}

extension Int32: Element {
    public static var dtype: DType { .int32 }
    public static var one: Int32 { 1 }
    @inline(__always) public init(fromDouble value: Double) {
        // x86's cvttsd2si gives INT_MIN for anything outside int32; numpy inherits that.
        if value.isNaN || value >= 2147483648.0 || value <= -2147483649.0 {
            self = Int32.min
        } else {
            self = Int32(value)
        }
    }
    @inline(__always) public init(fromInt64 value: Int64) { self = Int32(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Int64: Element {
    public static var dtype: DType { .int64 }
    public static var one: Int64 { 1 }
    @inline(__always) public init(fromDouble value: Double) { self = truncatedInt64(value) }
    @inline(__always) public init(fromInt64 value: Int64) { self = value }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { self }
}

extension UInt8: Element {
    public static var dtype: DType { .uint8 }
    public static var one: UInt8 { 1 }
    @inline(__always) public init(fromDouble value: Double) {
        self = UInt8(truncatingIfNeeded: Int32(fromDouble: value))
    }
    @inline(__always) public init(fromInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
    @inline(__always) public var doubleValue: Double { Double(self) }
    @inline(__always) public var int64Value: Int64 { Int64(self) }
}

extension Bool: Element {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public static var one: Bool { true }
    @inline(__always) public init(fromDouble value: Double) { self = value != 0 }
    @inline(__always) public init(fromInt64 value: Int64) { self = value != 0 }
    @inline(__always) public var doubleValue: Double { self ? 1 : 0 }
    @inline(__always) public var int64Value: Int64 { self ? 1 : 0 }
}

/// Code that is generic over the element type, run for a dtype known only at run time.
public protocol ElementVisitor {
    associatedtype Result
    func visit<T: Element>(_ type: T.Type) throws -> Result
}

extension DType {
    /// Runs `visitor` with the Swift type of this dtype, so generic kernels get specialised.
    @inlinable
    public func dispatch<V: ElementVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .float32: return try visitor.visit(Float.self)
        case .float64: return try visitor.visit(Double.self)
        case .int32: return try visitor.visit(Int32.self)
        case .int64: return try visitor.visit(Int64.self)
        case .uint8: return try visitor.visit(UInt8.self)
        case .bool: return try visitor.visit(Bool.self)
        }
    }
}
