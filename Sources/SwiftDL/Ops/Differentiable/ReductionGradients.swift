/// Reductions that record their VJPs: the upstream gradient is broadcast back over the
/// reduced axes.

/// `reduce(op, x, axes, keepdims)`, recorded for sum, mean, prod, max and min.
public func differentiableReduce(_ op: ReduceOp, _ x: Tensor, axes: [Int]?, keepdims: Bool) throws -> Tensor {
    let out = try reduce(op, x, axes: axes, keepdims: keepdims)
    guard isRecordingGradients, x.dtype.isFloatingPoint, [.sum, .mean, .prod, .max, .min].contains(op) else { return out }
    let reduced = try normalizeAxes(axes, rank: x.rank, op: op.name)
    let keptShape = (0..<x.rank).map { reduced.contains($0) ? 1 : x.shape[$0] }
    record(op.name, inputs: [x], outputs: [out]) { gradients in
        guard let upstream = gradients[0] else { return [nil] }
        let g = try upstream.reshaped(keptShape)
        switch op {
        case .sum:
            return [try g.broadcasted(to: x.shape)]
        case .mean:
            let count = reduced.reduce(1) { $0 * x.shape[$1] }
            return [try binary(.divide, g.broadcasted(to: x.shape), Tensor.scalar(Double(max(count, 1)), dtype: g.dtype))]
        case .prod:
            // NOTE: out/x is undefined where x == 0; a product with zeros is rare in training.
            return [try binary(.multiply, g, binary(.divide, out.reshaped(keptShape), x))]
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
    let n = reduced.reduce(1) { $0 * x.shape[$1] }
    let mean = try differentiableReduce(.mean, x, axes: reduced, keepdims: true)
    let deviations = try differentiableUnary(.square, differentiableBinary(.subtract, x, mean))
    let total = try differentiableReduce(.sum, deviations, axes: reduced, keepdims: keepdims)
    return try differentiableBinary(.divide, total, Tensor.scalar(Double(n - ddof), dtype: total.dtype))
}
