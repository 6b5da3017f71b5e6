/// The element types a tensor can hold. Raw values are the C ABI's `SDL_*` dtype codes.
public enum DType: Int32, CaseIterable, Sendable {
    case float32 = 0
    case float64 = 1
    case int32 = 2
    case int64 = 3
    case uint8 = 4
    case bool = 5

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .uint8, .bool: return 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
    public var isInteger: Bool { self == .int32 || self == .int64 || self == .uint8 }

    /// numpy's name for the dtype, used in error messages.
    public var name: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .bool: return "bool"
        }
    }

    /// The float type that math functions (exp, log, mean, ...) compute in for this dtype.
    /// numpy gives float16 for bool and uint8; we have no float16, so those widen to float32.
    public var floatingCounterpart: DType {
        switch self {
        case .float32, .uint8, .bool: return .float32
        case .float64, .int32, .int64: return .float64
        }
    }

    /// numpy 2's promotion of two array dtypes (NEP 50), restricted to the dtypes we hold.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isFloatingPoint || b.isFloatingPoint {
            if a == .float64 || b == .float64 { return .float64 }
            // float32 with an integer: uint8 fits in float32, wider integers need float64.
            let other = a == .float32 ? b : a
            return other == .uint8 ? .float32 : .float64
        }
        // Both integers: the wider one wins (uint8 < int32 < int64, all fit signed).
        return a.itemSize >= b.itemSize ? a : b
    }
}
