/// The reductions. Raw values are the C ABI's `SDL_REDUCE_*` codes.
public enum ReduceOp: Int32, CaseIterable, Sendable {
    case sum, prod, max, min, mean, argmax, argmin, any, all

    public var name: String {
        switch self {
        case .sum: return "sum"
        case .prod: return "prod"
        case .max: return "max"
        case .min: return "min"
        case .mean: return "mean"
        case .argmax: return "argmax"
        case .argmin: return "argmin"
        case .any: return "any"
        case .all: return "all"
        }
    }
}

/// Reduces `x` over `axes` (nil: all of them), with numpy's result dtypes:
/// sums and products of integers and bools are int64, means of integers are float64,
/// arg-reductions are int64 and take one axis (or none, meaning the flattened array).
public func reduce(_ op: ReduceOp, _ x: Tensor, axes requested: [Int]?, keepdims: Bool = false) throws -> Tensor {
    var input = x
    var axes: [Int]
    if op == .argmax || op == .argmin {
        guard let requested else {
            // numpy flattens first; keepdims then gives all-ones dims.
            let flat = try x.contiguous().reshaped([x.count])
            let result = try reduce(op, flat, axes: [0])
            return keepdims
                ? result.view(
                    shape: [Int](repeating: 1, count: x.rank), strides: [Int](repeating: 0, count: x.rank),
                    offset: result.offset) : result
        }
        if requested.count != 1 {
            throw SDLError.type(op.name, "axis must be a single integer for \(op.name); received \(requested)")
        }
        axes = try normalizeAxes(requested, rank: x.rank, op: op.name)
    } else {
        axes = try normalizeAxes(requested, rank: x.rank, op: op.name)
    }
    let k = try CheckedSize.product(
        of: axes.map { x.shape[$0] }, op: op.name, "the reduced size of shape \(describeShape(x.shape))")
    if k == 0 && [.max, .min, .argmax, .argmin].contains(op) {
        let what =
            op == .argmax || op == .argmin
            ? "attempt to get \(op.name) of an empty sequence"
            : "zero-size array to reduction operation \(op == .max ? "maximum" : "minimum") which has no identity"
        throw SDLError.value(op.name, what)
    }

    // Bring the data to a contiguous (outer, k, inner) block.
    let kept = (0..<x.rank).filter { !axes.contains($0) }
    let adjacent = zip(axes, axes.dropFirst()).allSatisfy { $0 + 1 == $1 }
    if !adjacent {
        let order = kept + axes
        input = try x.permuted(order).contiguous()
    } else {
        input = try x.contiguous()
    }
    let outer: Int, inner: Int
    if adjacent, let first = axes.first {
        outer = try CheckedSize.product(
            of: x.shape[..<first], op: op.name, "the kept size of shape \(describeShape(x.shape))")
        inner = try CheckedSize.product(
            of: x.shape[((axes.last ?? first) + 1)...], op: op.name, "the kept size of shape \(describeShape(x.shape))")
    } else if adjacent {
        outer = x.count; inner = 1 // no axes: nothing to reduce
    } else {
        outer = try CheckedSize.product(
            of: kept.map { x.shape[$0] }, op: op.name, "the kept size of shape \(describeShape(x.shape))");
        inner = 1
    }

    let outShape = keepdims ? (0..<x.rank).map { axes.contains($0) ? 1 : x.shape[$0] } : kept.map { x.shape[$0] }
    let result = try runReduction(op, input, outer: outer, k: k, inner: inner)
    return result.view(shape: outShape, strides: contiguousStrides(outShape), offset: 0)
}

/// Variance over `axes` with `ddof` delta degrees of freedom: mean((x - mean(x))²)·n/(n - ddof).
public func variance(_ x: Tensor, axes: [Int]?, ddof: Int = 0, keepdims: Bool = false) throws -> Tensor {
    let float = try x.converted(to: x.dtype.isFloatingPoint ? x.dtype : .float64)
    let normalized = try normalizeAxes(axes, rank: x.rank, op: "var")
    let n = try CheckedSize.product(
        of: normalized.map { x.shape[$0] }, op: "var", "the reduced size of shape \(describeShape(x.shape))")
    let mean = try reduce(.mean, float, axes: normalized, keepdims: true)
    let deviations = try unary(.square, binary(.subtract, float, mean))
    let total = try reduce(.sum, deviations, axes: normalized, keepdims: keepdims)
    let divisor = try Tensor.scalar(varianceDivisor(n, ddof: ddof), dtype: total.dtype)
    return try binary(.divide, total, divisor)
}

/// n − ddof as numpy divides by it: clamped at 0, so ddof >= n gives inf (or nan), never a
/// negative variance. In Double: an Int n − ddof traps on overflow for a huge |ddof|.
func varianceDivisor(_ n: Int, ddof: Int) -> Double {
    Swift.max(Double(n) - Double(ddof), 0)
}

private func runReduction(_ op: ReduceOp, _ x: Tensor, outer: Int, k: Int, inner: Int) throws -> Tensor {
    switch op {
    case .any, .all:
        let input = try x.converted(to: .bool)
        let out = try Tensor.empty([try CheckedSize.product(outer, inner, op: op.name, "the result")], dtype: .bool)
        let pi = UnsafePointer(input.pointer(as: Bool.self)), po = out.pointer(as: Bool.self)
        if op == .any {
            reduceKernel(AnyTrue.self, pi, po, outer: outer, k: k, inner: inner)
        } else {
            reduceKernel(AllTrue.self, pi, po, outer: outer, k: k, inner: inner)
        }
        return out
    case .sum, .prod:
        if x.dtype.isFloatingPoint {
            let out = try Tensor.empty(
                [try CheckedSize.product(outer, inner, op: op.name, "the result")], dtype: x.dtype)
            try x.dtype.dispatchFloat(FloatReduction(op: op, input: x, out: out, outer: outer, k: k, inner: inner))
            return out
        }
        let out = try Tensor.empty([try CheckedSize.product(outer, inner, op: op.name, "the result")], dtype: .int64)
        try x.dtype.dispatch(IntegerReduction(op: op, input: x, out: out, outer: outer, k: k, inner: inner))
        return out
    case .mean:
        let input = try x.converted(to: x.dtype.isFloatingPoint ? x.dtype : .float64)
        let out = try Tensor.empty(
            [try CheckedSize.product(outer, inner, op: op.name, "the result")], dtype: input.dtype)
        try input.dtype.dispatchFloat(FloatReduction(op: op, input: input, out: out, outer: outer, k: k, inner: inner))
        return out
    case .max, .min, .argmax, .argmin:
        // numpy orders bools as 0 < 1; compute on bytes and give max/min back as bool.
        let input = x.dtype == .bool ? try x.cast(to: .uint8) : x
        let isArg = op == .argmax || op == .argmin
        let out = try Tensor.empty(
            [try CheckedSize.product(outer, inner, op: op.name, "the result")], dtype: isArg ? .int64 : input.dtype)
        try input.dtype.dispatchArithmetic(
            ExtremeReduction(op: op, input: input, out: out, outer: outer, k: k, inner: inner))
        return x.dtype == .bool && !isArg ? try out.cast(to: .bool) : out
    }
}

private struct FloatReduction: FloatVisitor {
    let op: ReduceOp, input: Tensor, out: Tensor, outer: Int, k: Int, inner: Int
    func visit<T: FloatElement>(_: T.Type) {
        let pi = UnsafePointer(input.pointer(as: T.self)), po = out.pointer(as: T.self)
        switch op {
        case .prod: reduceKernel(FloatProduct<T>.self, pi, po, outer: outer, k: k, inner: inner)
        case .mean: reduceKernel(FloatMean<T>.self, pi, po, outer: outer, k: k, inner: inner)
        default: reduceKernel(FloatSum<T>.self, pi, po, outer: outer, k: k, inner: inner)
        }
    }
}

private struct IntegerReduction: ElementVisitor {
    let op: ReduceOp, input: Tensor, out: Tensor, outer: Int, k: Int, inner: Int
    func visit<T: Element>(_: T.Type) {
        let pi = UnsafePointer(input.pointer(as: T.self)), po = out.pointer(as: Int64.self)
        if op == .prod {
            reduceKernel(IntegerProduct<T>.self, pi, po, outer: outer, k: k, inner: inner)
        } else {
            reduceKernel(IntegerSum<T>.self, pi, po, outer: outer, k: k, inner: inner)
        }
    }
}

private struct ExtremeReduction: ArithmeticVisitor {
    let op: ReduceOp, input: Tensor, out: Tensor, outer: Int, k: Int, inner: Int
    func visit<T: ArithmeticElement>(_: T.Type) {
        let pi = UnsafePointer(input.pointer(as: T.self))
        switch op {
        case .max: reduceKernel(Largest<T>.self, pi, out.pointer(as: T.self), outer: outer, k: k, inner: inner)
        case .min: reduceKernel(Smallest<T>.self, pi, out.pointer(as: T.self), outer: outer, k: k, inner: inner)
        default:
            argExtremeKernel(pi, out.pointer(as: Int64.self), outer: outer, k: k, inner: inner, largest: op == .argmax)
        }
    }
}
