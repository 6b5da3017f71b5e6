/// The elementwise binary ops. Raw values are the C ABI's `SDL_BINARY_*` codes.
public enum BinaryOp: Int32, CaseIterable, Sendable {
    case add, subtract, multiply, divide, floorDivide, remainder, power, maximum, minimum
    case equal, notEqual, less, lessEqual, greater, greaterEqual
    case logicalAnd, logicalOr, logicalXor, bitwiseAnd, bitwiseOr, bitwiseXor

    /// numpy's name for the op, used in error messages.
    public var name: String {
        switch self {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        case .floorDivide: return "floor_divide"
        case .remainder: return "remainder"
        case .power: return "power"
        case .maximum: return "maximum"
        case .minimum: return "minimum"
        case .equal: return "equal"
        case .notEqual: return "not_equal"
        case .less: return "less"
        case .lessEqual: return "less_equal"
        case .greater: return "greater"
        case .greaterEqual: return "greater_equal"
        case .logicalAnd: return "logical_and"
        case .logicalOr: return "logical_or"
        case .logicalXor: return "logical_xor"
        case .bitwiseAnd: return "bitwise_and"
        case .bitwiseOr: return "bitwise_or"
        case .bitwiseXor: return "bitwise_xor"
        }
    }

    var isComparison: Bool { (BinaryOp.equal.rawValue...BinaryOp.greaterEqual.rawValue).contains(rawValue) }
    var isLogical: Bool { self == .logicalAnd || self == .logicalOr || self == .logicalXor }
    var isBitwise: Bool { self == .bitwiseAnd || self == .bitwiseOr || self == .bitwiseXor }

    /// On bools numpy reads + as or, * as and, max as or, min as and.
    var boolEquivalent: BinaryOp? {
        switch self {
        case .add, .maximum, .bitwiseOr, .logicalOr: return .logicalOr
        case .multiply, .minimum, .bitwiseAnd, .logicalAnd: return .logicalAnd
        case .bitwiseXor, .logicalXor, .notEqual: return .logicalXor
        default: return nil
        }
    }

    /// The dtype the op computes in and the dtype it returns, for promoted operand dtype `common`.
    func dtypes(common: DType) throws -> (compute: DType, result: DType) {
        if isLogical { return (.bool, .bool) }
        if isComparison { return (common, .bool) }
        if isBitwise {
            if common.isFloatingPoint {
                throw SDLError.type(name, "ufunc '\(name)' not supported for the input types (\(common.name))")
            }
            return (common, common)
        }
        if self == .divide {
            let float = common.isFloatingPoint ? common : .float64
            return (float, float)
        }
        if common == .bool {
            if boolEquivalent != nil { return (.bool, .bool) }
            throw SDLError.type(name, "numpy boolean \(name) is not supported; cast the operands with astype first")
        }
        return (common, common)
    }
}

/// Computes `op(a, b)` elementwise with numpy broadcasting and dtype promotion.
/// When `out` is given the result is written there (numpy's `out=`, and in-place operators);
/// `out` must already have the broadcast shape.
@discardableResult
public func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, out: Tensor? = nil) throws -> Tensor {
    let shape = try broadcastShapes(a.shape, b.shape, op: op.name)
    let (compute, resultType) = try op.dtypes(common: DType.promote(a.dtype, b.dtype))
    if op == .power && compute.isInteger { try refuseNegativeExponents(b) }
    if let out, out.shape != shape {
        throw SDLError.value(
            op.name,
            "non-broadcastable output operand with shape \(describeShape(out.shape)) doesn't match the broadcast shape \(describeShape(shape))"
        )
    }
    let x = try a.converted(to: compute), y = try b.converted(to: compute)

    // Write straight into `out` when its dtype matches and it cannot overwrite inputs before
    // they are read (aliasing with the exact same layout is fine: each element reads then writes).
    let target: Tensor
    if let out, out.dtype == resultType, !overlapsUnsafely(out, x), !overlapsUnsafely(out, y) {
        target = out
    } else {
        target = try Tensor.empty(shape, dtype: resultType)
    }
    let nest = LoopNest(
        shape: shape, strides: [broadcastStrides(x, to: shape), broadcastStrides(y, to: shape), target.strides])
    if compute == .bool {
        try runBoolBinary(op.boolEquivalent ?? op, x, y, target, nest)
    } else {
        try compute.dispatchArithmetic(BinaryDispatch(op: op, a: x, b: y, out: target, nest: nest))
    }
    if let out, target !== out {
        try out.assign(from: target)
        return out
    }
    return target
}

/// True when writing `out` could clobber elements of `input` that are still to be read.
func overlapsUnsafely(_ out: Tensor, _ input: Tensor) -> Bool {
    guard out.storage === input.storage else { return false }
    return
        !(out.offset == input.offset && out.strides == input.strides && out.shape == input.shape
        && out.dtype == input.dtype)
}

private func refuseNegativeExponents(_ exponents: Tensor) throws {
    let values = try exponents.cast(to: .int64)
    let pointer = values.pointer(as: Int64.self)
    for i in 0..<values.count where pointer[i] < 0 {
        throw SDLError.value("power", "Integers to negative integer powers are not allowed.")
    }
}

private struct BinaryDispatch: ArithmeticVisitor {
    let op: BinaryOp, a: Tensor, b: Tensor, out: Tensor, nest: LoopNest

    func visit<T: ArithmeticElement>(_: T.Type) throws {
        let pa = UnsafePointer(a.pointer(as: T.self)), pb = UnsafePointer(b.pointer(as: T.self))
        if op.isComparison {
            let po = out.pointer(as: Bool.self)
            switch op {
            case .equal: binaryKernel(Equal<T>.self, pa, pb, po, nest: nest)
            case .notEqual: binaryKernel(NotEqual<T>.self, pa, pb, po, nest: nest)
            case .less: binaryKernel(Less<T>.self, pa, pb, po, nest: nest)
            case .lessEqual: binaryKernel(LessEqual<T>.self, pa, pb, po, nest: nest)
            case .greater: binaryKernel(Less<T>.self, pb, pa, po, nest: swapped)
            default: binaryKernel(LessEqual<T>.self, pb, pa, po, nest: swapped)
            }
            return
        }
        let po = out.pointer(as: T.self)
        switch op {
        case .add: binaryKernel(Add<T>.self, pa, pb, po, nest: nest)
        case .subtract: binaryKernel(Subtract<T>.self, pa, pb, po, nest: nest)
        case .multiply: binaryKernel(Multiply<T>.self, pa, pb, po, nest: nest)
        case .divide: binaryKernel(Divide<T>.self, pa, pb, po, nest: nest)
        case .floorDivide: binaryKernel(FloorDivide<T>.self, pa, pb, po, nest: nest)
        case .remainder: binaryKernel(Remainder<T>.self, pa, pb, po, nest: nest)
        case .power: binaryKernel(Power<T>.self, pa, pb, po, nest: nest)
        case .maximum: binaryKernel(Maximum<T>.self, pa, pb, po, nest: nest)
        case .minimum: binaryKernel(Minimum<T>.self, pa, pb, po, nest: nest)
        case .bitwiseAnd, .bitwiseOr, .bitwiseXor:
            try runBitwise(T.self, pa, pb, po)
        default:
            throw SDLError(.internal, "[\(op.name)] reached the arithmetic dispatch")
        }
    }

    /// The same loop nest with operands a and b exchanged, for `>` as a flipped `<`.
    var swapped: LoopNest {
        LoopNest(shape: nest.shape, strides: [nest.strides[1], nest.strides[0], nest.strides[2]])
    }

    private func runBitwise<T: ArithmeticElement>(
        _: T.Type, _ pa: UnsafePointer<T>, _ pb: UnsafePointer<T>,
        _ po: UnsafeMutablePointer<T>
    ) throws {
        try T.dtype.dispatchInteger(
            IntegerDispatch(
                op: op, a: UnsafeRawPointer(pa), b: UnsafeRawPointer(pb),
                out: UnsafeMutableRawPointer(po), nest: nest))
    }
}

private struct IntegerDispatch: IntegerVisitor {
    let op: BinaryOp, a: UnsafeRawPointer, b: UnsafeRawPointer, out: UnsafeMutableRawPointer, nest: LoopNest
    func visit<I: IntegerElement>(_: I.Type) {
        let pa = a.assumingMemoryBound(to: I.self), pb = b.assumingMemoryBound(to: I.self)
        let po = out.assumingMemoryBound(to: I.self)
        switch op {
        case .bitwiseAnd: binaryKernel(BitAnd<I>.self, pa, pb, po, nest: nest)
        case .bitwiseOr: binaryKernel(BitOr<I>.self, pa, pb, po, nest: nest)
        default: binaryKernel(BitXor<I>.self, pa, pb, po, nest: nest)
        }
    }
}

private func runBoolBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ out: Tensor, _ nest: LoopNest) throws {
    let pa = UnsafePointer(a.pointer(as: Bool.self)), pb = UnsafePointer(b.pointer(as: Bool.self))
    let po = out.pointer(as: Bool.self)
    switch op {
    case .logicalAnd: binaryKernel(LogicalAnd.self, pa, pb, po, nest: nest)
    case .logicalOr: binaryKernel(LogicalOr.self, pa, pb, po, nest: nest)
    case .logicalXor: binaryKernel(LogicalXor.self, pa, pb, po, nest: nest)
    case .equal: binaryKernel(BoolEqual.self, pa, pb, po, nest: nest)
    default:
        // Orderings on bools: compare them as 0/1 bytes.
        let x = try a.cast(to: .uint8), y = try b.cast(to: .uint8)
        let bytes = LoopNest(
            shape: out.shape,
            strides: [broadcastStrides(x, to: out.shape), broadcastStrides(y, to: out.shape), out.strides])
        try BinaryDispatch(op: op, a: x, b: y, out: out, nest: bytes).visit(UInt8.self)
    }
}
