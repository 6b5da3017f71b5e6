/// Scaled dot-product attention as one op (keras.ops.dot_product_attention, the core of
/// Keras's MultiHeadAttention): softmax(scale · Q Kᵀ, masked) V over operands in Keras's
/// (batch, steps, heads, dim) layout, with one backward rule. Composed from matmuls, the
/// heads had to be transposed out and back (a copy of each operand and of the output, both
/// ways), and the scores scaled, masked and normalised in separate passes.

/// The result of `scaledDotProductAttention`.
public struct Attention {
    /// (batch, query steps, query heads, value dim).
    public var output: Tensor
    /// The softmax weights (batch, query heads, query steps, key steps): Keras's attention
    /// scores; not recorded on tapes. nil when not asked for (`keepWeights`) and no tape needs them.
    public var weights: Tensor?
}

/// softmax(scale · query · keyᵀ with masked scores hidden) · value, per (batch, head).
///
/// - Parameters:
///   - query: (B, Tq, Hq, D), float32 or float64.
///   - key: (B, Tk, Hk, D) and value (B, Tk, Hk, Dv), query's dtype, Hq a multiple of Hk
///     (query head h reads key head h / (Hq / Hk)).
///   - mask: nil, or a bool or uint8 tensor (Bm, Hm, Tq, Tk) with Bm ∈ {1, B} and
///     Hm ∈ {1, Hq}; zero hides a score.
///   - maskedValue: what a hidden score becomes (`replaceMasked`) or has added to it.
///   - scale: multiplies the scores before the mask; finite.
///   - keepWeights: whether the caller wants the weights; without a recording tape that
///     reads them, they are then never written out (see `AttentionWeights`).
/// - Returns: the output, recorded on tapes (gradients for query, key and value), and the
///   weights.
public func scaledDotProductAttention(
    query: Tensor, key: Tensor, value: Tensor, mask: Tensor?, scale: Double, maskedValue: Double,
    replaceMasked: Bool, keepWeights: Bool = true
) throws -> Attention {
    let op = "dot_product_attention"
    let g = try attentionGeometry(op, query: query, key: key, value: value)
    if !scale.isFinite { throw SDLError.value(op, "scale must be finite; received \(scale)") }
    if !maskedValue.isFinite { throw SDLError.value(op, "the masked value must be finite; received \(maskedValue)") }
    let keep = try mask.map { try maskOperand(op, $0, geometry: g) }
    let dtype = query.dtype
    let q = try query.contiguous(), k = try key.contiguous(), v = try value.contiguous()
    let inputs = [query, key, value]
    let needs = isRecordingGradients ? inputs.map(isFollowedByRecordingTape) : [false, false, false]
    let recording = needs.contains(true)
    let weightsShape = [g.batch, g.queryHeads, g.querySteps, g.keySteps]
    let weights = keepWeights || recording ? try Tensor.empty(weightsShape, dtype: dtype) : nil
    let output = try Tensor.empty(
        [g.batch, g.querySteps, g.queryHeads, g.valueDim], dtype: dtype, zeroed: g.keySteps == 0)
    if weightsShape.allSatisfy({ $0 > 0 }) {
        try dtype.dispatchFloat(
            AttentionForwardDispatch(
                q: q, k: k, v: v, keep: keep, scale: scale, maskedValue: maskedValue, replaceMasked: replaceMasked,
                weightsOrScratch: try weights ?? Tensor.empty([attentionForwardScratchCount(g)], dtype: dtype),
                keepsWeights: weights != nil, output: output, geometry: g))
    }
    let result = Attention(output: output, weights: weights)
    guard recording, let weights else { return result }
    record(op, inputs: inputs, outputs: [output]) { gradients in
        guard let upstream = gradients[0] else { return [nil, nil, nil] }
        let dO = try upstream.converted(to: dtype).contiguous()
        let empty = weights.count == 0
        let dq = needs[0] ? try Tensor.empty(query.shape, dtype: dtype, zeroed: empty) : nil
        let dk = needs[1] ? try Tensor.empty(key.shape, dtype: dtype, zeroed: empty) : nil
        let dv = needs[2] ? try Tensor.empty(value.shape, dtype: dtype, zeroed: empty) : nil
        if !empty {
            let scratch = try Tensor.empty([attentionScratchCount(g)], dtype: dtype)
            try dtype.dispatchFloat(
                AttentionBackwardDispatch(
                    q: q, k: k, v: v, weights: weights, upstream: dO, scale: scale, dq: dq, dk: dk, dv: dv,
                    scratch: scratch, geometry: g))
        }
        return [dq, dk, dv]
    }
    return result
}

/// The operands' shapes checked and their geometry worked out.
private func attentionGeometry(_ op: String, query: Tensor, key: Tensor, value: Tensor) throws -> AttentionGeometry {
    try requireFloat(query, op, "query")
    for (name, operand) in [("key", key), ("value", value)] where operand.dtype != query.dtype {
        throw SDLError.type(
            op, "\(name) must have the query's dtype \(query.dtype.name); received \(operand.dtype.name)")
    }
    let shapes =
        "received query \(describeShape(query.shape)), key \(describeShape(key.shape)), value \(describeShape(value.shape))"
    if query.rank != 4 || key.rank != 4 || value.rank != 4 {
        throw SDLError.value(op, "query, key and value must be rank 4 (batch, steps, heads, dim); \(shapes)")
    }
    let (b, tq, hq, d) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let (tk, hk) = (key.shape[1], key.shape[2])
    if key.shape[0] != b || value.shape[0] != b || value.shape[1] != tk || value.shape[2] != hk || key.shape[3] != d {
        throw SDLError.value(
            op, "key and value must share batch, steps and heads, and key the query's batch and dim; \(shapes)")
    }
    if hk == 0 ? hq != 0 : hq % hk != 0 {
        throw SDLError.value(op, "the query's heads must be a multiple of the key's; \(shapes)")
    }
    _ = try CheckedSize.product(of: [b, hq, tq, tk], op: op, "the attention weights")
    return AttentionGeometry(
        batch: b, queryHeads: hq, keyHeads: max(hk, 1), querySteps: tq, keySteps: tk, keyDim: d,
        valueDim: value.shape[3])
}

/// The mask as contiguous uint8 (Bm, Hm, Tq, Tk) with its batch and head strides (0 where
/// it broadcasts).
private func maskOperand(_ op: String, _ mask: Tensor, geometry g: AttentionGeometry) throws -> (
    Tensor, batchStride: Int, headStride: Int
) {
    if mask.dtype != .bool && mask.dtype != .uint8 {
        throw SDLError.type(op, "the mask must be bool or uint8; received \(mask.dtype.name)")
    }
    let plane = g.querySteps * g.keySteps
    guard mask.rank == 4, mask.shape[0] == 1 || mask.shape[0] == g.batch,
        mask.shape[1] == 1 || mask.shape[1] == g.queryHeads, mask.shape[2] == g.querySteps,
        mask.shape[3] == g.keySteps
    else {
        throw SDLError.value(
            op,
            "the mask must have shape (1 or \(g.batch), 1 or \(g.queryHeads), \(g.querySteps), \(g.keySteps)); received \(describeShape(mask.shape))"
        )
    }
    let bytes = mask.dtype == .uint8 ? try mask.contiguous() : try mask.converted(to: .uint8).contiguous()
    let headStride = mask.shape[1] == 1 ? 0 : plane
    return (bytes, mask.shape[0] == 1 ? 0 : mask.shape[1] * plane, headStride)
}

private struct AttentionForwardDispatch: FloatVisitor {
    let q: Tensor, k: Tensor, v: Tensor, keep: (Tensor, batchStride: Int, headStride: Int)?
    let scale: Double, maskedValue: Double, replaceMasked: Bool
    /// The weights' tensor when `keepsWeights`, else the scratch planes the heads share.
    let weightsOrScratch: Tensor, keepsWeights: Bool
    let output: Tensor, geometry: AttentionGeometry
    func visit<T: FloatElement>(_: T.Type) {
        let mask = keep.map {
            AttentionMask(
                keep: UnsafePointer($0.0.pointer(as: UInt8.self)), batchStride: $0.batchStride,
                headStride: $0.headStride, value: maskedValue, replaces: replaceMasked)
        }
        let pointer = weightsOrScratch.pointer(as: T.self)
        let target: AttentionWeights<T> = keepsWeights ? .kept(pointer) : .discarded(scratch: pointer)
        attentionForward(
            query: UnsafePointer(q.pointer(as: T.self)), key: UnsafePointer(k.pointer(as: T.self)),
            value: UnsafePointer(v.pointer(as: T.self)), mask: mask, scale: scale, weights: target,
            output: output.pointer(as: T.self), geometry: geometry)
    }
}

private struct AttentionBackwardDispatch: FloatVisitor {
    let q: Tensor, k: Tensor, v: Tensor, weights: Tensor, upstream: Tensor, scale: Double
    let dq: Tensor?, dk: Tensor?, dv: Tensor?, scratch: Tensor, geometry: AttentionGeometry
    func visit<T: FloatElement>(_: T.Type) {
        attentionBackward(
            query: UnsafePointer(q.pointer(as: T.self)), key: UnsafePointer(k.pointer(as: T.self)),
            value: UnsafePointer(v.pointer(as: T.self)), weights: UnsafePointer(weights.pointer(as: T.self)),
            upstream: UnsafePointer(upstream.pointer(as: T.self)), scale: scale,
            dQuery: dq?.pointer(as: T.self), dKey: dk?.pointer(as: T.self), dValue: dv?.pointer(as: T.self),
            scratch: scratch.pointer(as: T.self), geometry: geometry)
    }
}
