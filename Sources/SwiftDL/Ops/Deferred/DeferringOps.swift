/// The C ABI's matmul, scale and softmax: each hands out a deferred value (DeferredValue.swift)
/// where attention's chain allows and no tape records, and otherwise resolves its operands and
/// runs the differentiable op as before. Only the C ABI calls these: a Swift caller of
/// `matmul` always gets computed values.

/// A product at least this large (elements) is worth deferring...
private let smallestDeferredProduct = 1 << 18
/// ...when its operands together are at most this fraction of it (their private copies cost
/// that much memory traffic; attention's heads of 200 steps × 32 dimensions are 32%).
private let largestOperandShare = 2

/// matmul(a, b): attention's weights times values computed plane by plane when `a` is a
/// deferred softmax of a product; a large product of small operands deferred; else computed.
public func matmulDeferringLargeProducts(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    if !isRecordingGradients, let weights = a.deferred, weights.softmaxed {
        let values = try b.resolved()
        if let attended = try attendDeferredWeights(weights, values) { return attended }
    }
    let left = try a.resolved(), right = try b.resolved()
    if !isRecordingGradients, let shape = deferrableProductShape(left, right) {
        let value = DeferredValue(
            left: try blasReady(privateCopy(left)), right: try blasReady(privateCopy(right)), scale: nil,
            softmaxed: false, shape: shape, dtype: left.dtype)
        return try value.tensor()
    }
    return try differentiableMatmul(left, right)
}

/// The shape of a product worth deferring, or nil: float operands of one dtype, both at least
/// matrices, a valid product (an invalid one is computed, to raise matmul's own error), large
/// and much larger than its operands.
private func deferrableProductShape(_ a: Tensor, _ b: Tensor) -> [Int]? {
    guard a.dtype == b.dtype, a.dtype.isFloatingPoint, a.rank >= 2, b.rank >= 2,
        a.shape[a.rank - 1] == b.shape[b.rank - 2],
        let batch = try? broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
    else { return nil }
    let shape = batch + [a.shape[a.rank - 2], b.shape[b.rank - 1]]
    guard let count = try? CheckedSize.product(of: shape, op: "matmul", "the product's size"),
        count >= smallestDeferredProduct, (a.count + b.count) * largestOperandShare <= count
    else { return nil }
    return shape
}

/// op(a, b): a deferred product divided or multiplied by one element stays deferred; else
/// the operands are resolved and the op computed.
public func binaryDeferringScales(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    if !isRecordingGradients && (op == .divide || op == .multiply) {
        if let product = a.deferred, let factor = try scaleFactor(b, for: product) {
            let scale = DeferredValue.Scale(op: op, factor: factor, factorFirst: false)
            return try product.adding(scale: scale).tensor()
        }
        if op == .multiply, let product = b.deferred, let factor = try scaleFactor(a, for: product) {
            let scale = DeferredValue.Scale(op: op, factor: factor, factorFirst: true)
            return try product.adding(scale: scale).tensor()
        }
    }
    return try differentiableBinary(op, a.resolved(), b.resolved())
}

/// A private copy of `factor` when it can scale `product` in place of the eager op: one
/// element of the product's dtype and no higher rank (the result keeps the product's shape
/// and dtype), and the product not yet scaled or softmaxed.
private func scaleFactor(_ factor: Tensor, for product: DeferredValue) throws -> Tensor? {
    guard product.scale == nil, !product.softmaxed, factor.deferred == nil, factor.count == 1,
        factor.dtype == product.dtype, factor.rank <= product.shape.count
    else { return nil }
    return try factor.cast(to: factor.dtype)
}

/// softmax(logits, axis): a deferred (scaled) product's softmax over its last axis stays
/// deferred; else the logits are resolved and the op computed.
public func softmaxDeferringScores(_ logits: Tensor, axis: Int, log: Bool) throws -> Tensor {
    if !log, !isRecordingGradients, let scores = logits.deferred, !scores.softmaxed,
        (try? normalizeAxis(axis, rank: logits.rank, op: "softmax")) == logits.rank - 1
    {
        return try scores.adding(softmax: true).tensor()
    }
    return try softmax(logits.resolved(), axis: axis, log: log)
}
