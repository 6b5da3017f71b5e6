/// Elementwise ops that record their vector-Jacobian products while a tape records.
/// The forward is the plain op from Ops/; integer, bool and comparison results carry no
/// gradient and are never recorded.

/// `binary(op, a, b)`, recorded with its VJP when a tape follows a or b.
public func differentiableBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let out = try binary(op, a, b)
    guard isRecordingGradients, out.dtype.isFloatingPoint, let rule = binaryGradientRule(op, a, b, out) else {
        return out
    }
    // An operand no tape follows (a constant scale, the data) gets no gradient: attention's
    // scores / sqrt(d) would otherwise reduce a 5-million-element product to a scalar that is
    // thrown away.
    let needs = Needs(a: isFollowedByRecordingTape(a), b: isFollowedByRecordingTape(b))
    let fusion = constantScaleFusion(op, a, b, out: out, follows: (needs.a, needs.b))
    record(op.name, inputs: [a, b], outputs: [out], fusion: fusion) { gradients in
        guard let g = gradients[0] else { return [nil, nil] }
        let (ga, gb) = try rule(g, needs)
        return [
            try ga.map { try reduceBroadcast($0, to: a.shape) }, try gb.map { try reduceBroadcast($0, to: b.shape) },
        ]
    }
    return out
}

/// Which operands of a binary op want a gradient.
private struct Needs {
    let a: Bool, b: Bool
}

/// The VJP of each differentiable binary op: upstream gradient → (gradient of a, of b),
/// both in the broadcast shape (the caller reduces them), nil for an operand that `needs`
/// leaves out. nil: the op has no gradient.
private func binaryGradientRule(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) -> (
    (Tensor, Needs) throws -> (Tensor?, Tensor?)
)? {
    switch op {
    case .add:
        return { g, needs in (needs.a ? g : nil, needs.b ? g : nil) }
    case .subtract:
        return { g, needs in (needs.a ? g : nil, needs.b ? try unary(.negative, g) : nil) }
    case .multiply:
        return { g, needs in
            (needs.a ? try binary(.multiply, g, b) : nil, needs.b ? try binary(.multiply, g, a) : nil)
        }
    case .divide:
        // d(a/b)/da = 1/b;  d(a/b)/db = -a/b² = -out/b
        return { g, needs in
            let ga = try binary(.divide, g, b)
            return (needs.a ? ga : nil, needs.b ? try unary(.negative, binary(.multiply, ga, out)) : nil)
        }
    case .power:
        // d(a^b)/da = b·a^(b-1);  d(a^b)/db = a^b·log(a), taken as 0 where a <= 0 (TensorFlow's rule)
        return { g, needs in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if needs.a {
                let exponentMinusOne = try binary(.subtract, b, Tensor.scalar(1, dtype: b.dtype))
                ga = try binary(.multiply, g, binary(.multiply, b, binary(.power, a, exponentMinusOne)))
            }
            if needs.b {
                let zero = try Tensor.scalar(0, dtype: out.dtype)
                let positive = try binary(.greater, a, zero)
                let safeLog = try unary(.log, select(positive, a, Tensor.scalar(1, dtype: out.dtype)))
                gb = try binary(.multiply, g, binary(.multiply, out, select(positive, safeLog, zero)))
            }
            return (ga, gb)
        }
    case .remainder:
        // a mod b = a − floor(a/b)·b: d/da = 1, d/db = −floor(a/b) (TensorFlow's FloorMod rule;
        // floor is flat between its steps).
        return { g, needs in
            (needs.a ? g : nil, needs.b ? try binary(.multiply, unary(.negative, g), binary(.floorDivide, a, b)) : nil)
        }
    case .maximum, .minimum:
        // The gradient goes to the operand that was picked; ties go to a (TensorFlow's rule).
        return { g, needs in
            let picksA = try binary(op == .maximum ? .greaterEqual : .lessEqual, a, b)
            let zero = try Tensor.scalar(0, dtype: g.dtype)
            return (needs.a ? try select(picksA, g, zero) : nil, needs.b ? try select(picksA, zero, g) : nil)
        }
    default:
        return nil
    }
}

/// `unary(op, x)`, recorded with its VJP when a tape follows x.
public func differentiableUnary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
    let out = try unary(op, x)
    guard isRecordingGradients, out.dtype.isFloatingPoint, x.dtype.isFloatingPoint else { return out }
    record(op.name, inputs: [x], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil] }
        return [try unaryGradient(op, g, x, out)]
    }
    return out
}

/// The VJP of each unary op, written with the forward's output where that is cheaper.
func unaryGradient(_ op: UnaryOp, _ g: Tensor, _ x: Tensor, _ out: Tensor) throws -> Tensor {
    let one = try Tensor.scalar(1, dtype: out.dtype)
    switch op {
    case .negative: return try unary(.negative, g)
    case .absolute: return try binary(.multiply, g, unary(.sign, x))
    case .square:
        // NOTE: below a mean or sum loss, g is one value broadcast over x (every stride 0):
        // x·(2g) is then one pass over x instead of two, and the same numbers (doubling is
        // exact, so g·(2x) = 2·(g·x) = x·(2g)).
        if g.rank > 0 && g.dtype == x.dtype && g.shape == x.shape && g.strides.allSatisfy({ $0 == 0 }) {
            let value = g.view(shape: [], strides: [], offset: g.offset)
            return try binary(.multiply, x, binary(.multiply, value, Tensor.scalar(2, dtype: x.dtype)))
        }
        return try binary(.multiply, g, binary(.multiply, x, Tensor.scalar(2, dtype: x.dtype)))
    case .exp: return try binary(.multiply, g, out)
    case .log: return try binary(.divide, g, x)
    case .sqrt: return try binary(.divide, g, binary(.multiply, out, Tensor.scalar(2, dtype: out.dtype)))
    case .tanh: return try binary(.multiply, g, binary(.subtract, one, unary(.square, out)))
    case .sin: return try binary(.multiply, g, unary(.cos, x))
    case .cos: return try unary(.negative, binary(.multiply, g, unary(.sin, x)))
    case .log1p: return try binary(.divide, g, binary(.add, x, one))
    case .expm1: return try binary(.multiply, g, binary(.add, out, one))
    case .sigmoid: return try binary(.multiply, g, binary(.multiply, out, binary(.subtract, one, out)))
    case .reciprocal: return try unary(.negative, binary(.multiply, g, unary(.square, out)))
    case .sign, .floor, .ceil, .rint, .logicalNot, .invert:
        // Piecewise constant: the gradient is zero almost everywhere.
        return try Tensor.empty(x.shape, dtype: out.dtype, zeroed: true)
    }
}

/// numpy.where, recorded: the gradient goes to x where the condition held, else to y.
public func differentiableSelect(_ condition: Tensor, _ x: Tensor, _ y: Tensor) throws -> Tensor {
    let out = try select(condition, x, y)
    guard isRecordingGradients, out.dtype.isFloatingPoint else { return out }
    record("where", inputs: [condition, x, y], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil, nil, nil] }
        let zero = try Tensor.scalar(0, dtype: g.dtype)
        return [
            nil, try reduceBroadcast(select(condition, g, zero), to: x.shape),
            try reduceBroadcast(select(condition, zero, g), to: y.shape),
        ]
    }
    return out
}

/// astype, recorded between float types (casts to integers end the gradient).
public func differentiableCast(_ x: Tensor, to dtype: DType) throws -> Tensor {
    let out = try x.cast(to: dtype)
    guard isRecordingGradients, dtype.isFloatingPoint, x.dtype.isFloatingPoint else { return out }
    record("cast", inputs: [x], outputs: [out]) { gradients in
        [try gradients[0].map { try $0.converted(to: x.dtype) }]
    }
    return out
}
