/// The elementwise unary ops. Raw values are the C ABI's `SDL_UNARY_*` codes.
public enum UnaryOp: Int32, CaseIterable, Sendable {
    case negative, absolute, sign, square
    case exp, log, sqrt, tanh, sin, cos, log1p, expm1, sigmoid, reciprocal
    case floor, ceil, rint
    case logicalNot, invert

    public var name: String {
        switch self {
        case .negative: return "negative"
        case .absolute: return "absolute"
        case .sign: return "sign"
        case .square: return "square"
        case .exp: return "exp"
        case .log: return "log"
        case .sqrt: return "sqrt"
        case .tanh: return "tanh"
        case .sin: return "sin"
        case .cos: return "cos"
        case .log1p: return "log1p"
        case .expm1: return "expm1"
        case .sigmoid: return "sigmoid"
        case .reciprocal: return "reciprocal"
        case .floor: return "floor"
        case .ceil: return "ceil"
        case .rint: return "rint"
        case .logicalNot: return "logical_not"
        case .invert: return "invert"
        }
    }

    /// Transcendental ops compute in floating point whatever the input dtype.
    var needsFloat: Bool {
        switch self {
        case .exp, .log, .sqrt, .tanh, .sin, .cos, .log1p, .expm1, .sigmoid: return true
        default: return false
        }
    }
}

/// Computes `op(x)` elementwise. Integer inputs to transcendental ops compute in float
/// (numpy's rule); writes into `out` when given (same shape).
@discardableResult
public func unary(_ op: UnaryOp, _ x: Tensor, out: Tensor? = nil) throws -> Tensor {
    let compute: DType
    switch op {
    case .logicalNot:
        compute = .bool
    case .invert:
        if x.dtype.isFloatingPoint {
            throw SDLError.type(op.name, "ufunc 'invert' not supported for the input types (\(x.dtype.name))")
        }
        compute = x.dtype
    case .negative where x.dtype == .bool:
        throw SDLError.type(
            op.name,
            "the numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead."
        )
    case .sign where x.dtype == .bool:
        throw SDLError.type(op.name, "ufunc 'sign' not supported for the input types (bool)")
    case .floor, .ceil:
        compute = x.dtype // numpy keeps integer and bool dtypes: they are already whole
    case .rint:
        // numpy's rint has float loops only: integers go to float64, uint8 and bool to float16
        // (float32 here, as for exp).
        compute = x.dtype.isFloatingPoint ? x.dtype : x.dtype.floatingCounterpart
    case .reciprocal, .square, .absolute, .negative:
        compute = x.dtype == .bool ? (op == .absolute || op == .square ? .bool : .int64) : x.dtype
    default:
        compute = op.needsFloat ? (x.dtype.isFloatingPoint ? x.dtype : x.dtype.floatingCounterpart) : x.dtype
    }
    if let out, out.shape != x.shape {
        throw SDLError.value(
            op.name, "output shape \(describeShape(out.shape)) does not match input shape \(describeShape(x.shape))")
    }
    let input = try x.converted(to: compute)
    let target: Tensor
    if let out, out.dtype == compute, !overlapsUnsafely(out, input) {
        target = out
    } else {
        target = try Tensor.empty(x.shape, dtype: compute)
    }
    let nest = LoopNest(shape: x.shape, strides: [input.strides, target.strides])

    switch compute {
    case .bool:
        let pi = UnsafePointer(input.pointer(as: Bool.self)), po = target.pointer(as: Bool.self)
        switch op {
        case .logicalNot, .invert: unaryKernel(LogicalNot.self, pi, po, nest: nest)
        default: copyKernel(from: pi, to: po, nest: nest) // abs, square, floor and ceil of a bool are itself
        }
    case .float32, .float64:
        try compute.dispatchFloat(FloatUnaryDispatch(op: op, input: input, out: target, nest: nest))
    default:
        try compute.dispatchInteger(IntegerUnaryDispatch(op: op, input: input, out: target, nest: nest))
    }
    if let out, target !== out {
        try out.assign(from: target)
        return out
    }
    return target
}

private struct FloatUnaryDispatch: FloatVisitor {
    let op: UnaryOp, input: Tensor, out: Tensor, nest: LoopNest
    func visit<T: FloatElement>(_: T.Type) throws {
        let x = UnsafePointer(input.pointer(as: T.self)), y = out.pointer(as: T.self)
        switch op {
        case .negative: unaryKernel(Negative<T>.self, x, y, nest: nest)
        case .absolute: unaryKernel(Absolute<T>.self, x, y, nest: nest)
        case .sign: unaryKernel(Sign<T>.self, x, y, nest: nest)
        case .square: unaryKernel(Square<T>.self, x, y, nest: nest)
        case .exp: unaryKernel(Exp<T>.self, x, y, nest: nest)
        case .log: unaryKernel(Log<T>.self, x, y, nest: nest)
        case .sqrt: unaryKernel(SquareRoot<T>.self, x, y, nest: nest)
        case .tanh: unaryKernel(Tanh<T>.self, x, y, nest: nest)
        case .sin: unaryKernel(Sine<T>.self, x, y, nest: nest)
        case .cos: unaryKernel(Cosine<T>.self, x, y, nest: nest)
        case .log1p: unaryKernel(Log1p<T>.self, x, y, nest: nest)
        case .expm1: unaryKernel(Expm1<T>.self, x, y, nest: nest)
        case .sigmoid: unaryKernel(Sigmoid<T>.self, x, y, nest: nest)
        case .reciprocal: unaryKernel(Reciprocal<T>.self, x, y, nest: nest)
        case .floor: unaryKernel(Floor<T>.self, x, y, nest: nest)
        case .ceil: unaryKernel(Ceil<T>.self, x, y, nest: nest)
        case .rint: unaryKernel(Rint<T>.self, x, y, nest: nest)
        case .logicalNot, .invert: throw SDLError(.internal, "[\(op.name)] reached the float dispatch")
        }
    }
}

private struct IntegerUnaryDispatch: IntegerVisitor {
    let op: UnaryOp, input: Tensor, out: Tensor, nest: LoopNest
    func visit<T: IntegerElement>(_: T.Type) throws {
        let x = UnsafePointer(input.pointer(as: T.self)), y = out.pointer(as: T.self)
        switch op {
        case .negative: unaryKernel(Negative<T>.self, x, y, nest: nest)
        case .absolute: unaryKernel(Absolute<T>.self, x, y, nest: nest)
        case .sign: unaryKernel(Sign<T>.self, x, y, nest: nest)
        case .square: unaryKernel(Square<T>.self, x, y, nest: nest)
        case .reciprocal: unaryKernel(IntegerReciprocal<T>.self, x, y, nest: nest)
        case .invert: unaryKernel(Invert<T>.self, x, y, nest: nest)
        case .floor, .ceil, .rint: copyKernel(from: x, to: y, nest: nest) // integers are already whole
        default: throw SDLError(.internal, "[\(op.name)] reached the integer dispatch")
        }
    }
}

// MARK: - The element functions
