/// Reductions that record their VJPs: the upstream gradient is broadcast back over the
/// reduced axes.

/// `reduce(op, x, axes, keepdims)`, recorded for sum, mean, prod, max and min.
public func differentiableReduce(_ op: ReduceOp, _ x: Tensor, axes: [Int]?, keepdims: Bool) throws -> Tensor {
    let out = try reduce(op, x, axes: axes, keepdims: keepdims)
    guard isRecordingGradients, x.dtype.isFloatingPoint, [.sum, .mean, .prod, .max, .min].contains(op) else {
        return out
    }
    let reduced = try normalizeAxes(axes, rank: x.rank, op: op.name)
    let keptShape = (0..<x.rank).map { reduced.contains($0) ? 1 : x.shape[$0] }
    record(op.name, inputs: [x], outputs: [out]) { gradients in
        guard let upstream = gradients[0] else { return [nil] }
        let g = try upstream.reshaped(keptShape)
        switch op {
        case .sum:
            return [try g.broadcasted(to: x.shape)]
        case .mean:
            let count = try CheckedSize.product(of: reduced.map { x.shape[$0] }, op: op.name, "the reduced size")
            // Divided before it is broadcast: the same values, one division per reduced
            // slice instead of one per element of x (a full pass for a scalar loss).
            return [
                try binary(.divide, g, Tensor.scalar(Double(max(count, 1)), dtype: g.dtype)).broadcasted(to: x.shape)
            ]
        case .prod:
            return [try binary(.multiply, g, productOfOthers(x, axes: reduced))]
        default:
            // Ties share the gradient equally, as TensorFlow's reduce_max gradient does.
            let hits = try binary(.equal, x, out.reshaped(keptShape)).cast(to: g.dtype)
            let ties = try reduce(.sum, hits, axes: reduced, keepdims: true)
            return [try binary(.multiply, hits, binary(.divide, g, ties))]
        }
    }
    return out
}

/// Variance as a composite of recorded ops, so its gradient comes for free.
public func differentiableVariance(_ x: Tensor, axes: [Int]?, ddof: Int, keepdims: Bool) throws -> Tensor {
    guard isRecordingGradients, x.dtype.isFloatingPoint else {
        return try variance(x, axes: axes, ddof: ddof, keepdims: keepdims)
    }
    let reduced = try normalizeAxes(axes, rank: x.rank, op: "var")
    let n = try CheckedSize.product(of: reduced.map { x.shape[$0] }, op: "var", "the reduced size")
    let mean = try differentiableReduce(.mean, x, axes: reduced, keepdims: true)
    let deviations = try differentiableUnary(.square, differentiableBinary(.subtract, x, mean))
    let total = try differentiableReduce(.sum, deviations, axes: reduced, keepdims: keepdims)
    return try differentiableBinary(.divide, total, Tensor.scalar(varianceDivisor(n, ddof: ddof), dtype: total.dtype))
}

/// d prod(x) / dx_i: the product of the other elements of x_i's reduced slice.
/// NOTE: out/x would be 0/0 at a zero. Instead: with no zero in the slice it is
/// prod/x_i; with exactly one zero, the zero's gradient is the product of the others and the
/// rest are 0; with two zeros or more every gradient is 0 (what TensorFlow computes too).
private func productOfOthers(_ x: Tensor, axes: [Int]) throws -> Tensor {
    let zero = try Tensor.scalar(0, dtype: x.dtype), one = try Tensor.scalar(1, dtype: x.dtype)
    let isZero = try binary(.equal, x, zero)
    let safe = try select(isZero, one, x)
    let nonzeroProduct = try reduce(.prod, safe, axes: axes, keepdims: true)
    let zeroFlags = try isZero.cast(to: x.dtype)
    let zeroCount = try reduce(.sum, zeroFlags, axes: axes, keepdims: true)
    // The slice's zeros other than x_i itself: none means the quotient is the answer.
    let onlyZeroIsSelf = try binary(.equal, zeroCount, zeroFlags)
    return try select(onlyZeroIsSelf, binary(.divide, nonzeroProduct, safe), zero)
}
