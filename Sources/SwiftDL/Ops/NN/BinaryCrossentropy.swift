/// Keras's binary cross-entropy of probabilities (keras.losses.binary_crossentropy with
/// from_logits=False), averaged over the last axis, as one op with a one-pass VJP
/// (Kernels/BinaryCrossentropyKernels.swift). A sigmoid output with this loss is every
/// binary classifier's and the autoencoder's last step: as clip, two logs and the
/// arithmetic between them it took ten small ops forward and as many VJPs backward.
///
/// NOTE: Keras's TensorFlow backend computes this loss from the sigmoid's logits when the
/// probabilities carry them (`_keras_logits`); its reference formula, which this op and
/// Keras's own tests follow, clips the probabilities to [ε, 1 − ε] instead, so a saturated
/// sigmoid gives a finite loss of about −log ε and no gradient.

/// −(z·log q + (1 − z)·log(1 − q)) averaged over the last axis, q = min(max(p, low), high).
///
/// - Parameters:
///   - targets: z, the shape of `probabilities`, any numeric dtype (converted to theirs).
///   - probabilities: p, float32 or float64, rank at least 1.
///   - low, high: the clip's bounds (Keras: ε and 1 − ε).
/// - Returns: the shape of `probabilities` without its last axis, their dtype.
/// - Throws: for mismatched shapes, a rank-0 or non-float `probabilities`, bool targets or
///   non-finite bounds.
public func binaryCrossentropy(targets: Tensor, probabilities: Tensor, low: Double, high: Double) throws -> Tensor {
    let op = "binary_crossentropy"
    try requireFloat(probabilities, op, "output")
    let shapes = "target shape \(describeShape(targets.shape)), output shape \(describeShape(probabilities.shape))"
    if targets.dtype == .bool { throw SDLError.type(op, "target must be numeric; received dtype bool (\(shapes))") }
    if probabilities.rank == 0 || targets.shape != probabilities.shape {
        throw SDLError.value(op, "target and output must have the same shape, of rank at least 1; received \(shapes)")
    }
    if !low.isFinite || !high.isFinite {
        throw SDLError.value(op, "the clip bounds must be finite; received [\(low), \(high)]")
    }
    let dtype = probabilities.dtype
    let p = try probabilities.contiguous(), z = try targets.converted(to: dtype).contiguous()
    let columns = probabilities.shape[probabilities.rank - 1]
    let lossShape = Array(probabilities.shape.dropLast())
    let rows = try CheckedSize.product(of: lossShape, op: op, "the number of rows")
    let loss = try Tensor.empty(lossShape, dtype: dtype)
    if columns == 0 {
        // The mean of nothing, as numpy and the ops this replaces give it.
        try loss.assign(from: Tensor.scalar(.nan, dtype: dtype))
    } else {
        try dtype.dispatchFloat(
            BinaryCrossentropyPass(
                upstream: nil, p: p, z: z, out: loss, dp: nil, dz: nil, rows: rows, columns: columns, low: low,
                high: high))
    }
    guard isRecordingGradients else { return loss }
    let needs = [probabilities, targets].map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return loss }
    record(op, inputs: [probabilities, targets], outputs: [loss]) { gradients in
        guard let upstream = gradients[0], columns > 0 else { return [nil, nil] }
        let g = try upstream.converted(to: dtype).contiguous()
        let dp = needs[0] ? try Tensor.empty(p.shape, dtype: dtype) : nil
        let dz = needs[1] ? try Tensor.empty(p.shape, dtype: dtype) : nil
        try dtype.dispatchFloat(
            BinaryCrossentropyPass(
                upstream: g, p: p, z: z, out: nil, dp: dp, dz: dz, rows: rows, columns: columns, low: low,
                high: high))
        return [dp, try dz?.converted(to: targets.dtype)]
    }
    return loss
}

/// The forward pass (without `upstream`) or the backward pass (with it).
private struct BinaryCrossentropyPass: FloatVisitor {
    let upstream: Tensor?, p: Tensor, z: Tensor, out: Tensor?, dp: Tensor?, dz: Tensor?
    let rows: Int, columns: Int, low: Double, high: Double

    func visit<T: FloatElement>(_: T.Type) {
        let probabilities = UnsafePointer(p.pointer(as: T.self)), targets = UnsafePointer(z.pointer(as: T.self))
        let low = T(low), high = T(high)
        if let upstream {
            binaryCrossentropyBackward(
                upstream: UnsafePointer(upstream.pointer(as: T.self)), probabilities: probabilities, targets: targets,
                probabilityGradient: dp?.pointer(as: T.self), targetGradient: dz?.pointer(as: T.self), rows: rows,
                columns: columns, low: low, high: high)
        } else if let out {
            binaryCrossentropyForward(
                probabilities: probabilities, targets: targets, loss: out.pointer(as: T.self), rows: rows,
                columns: columns, low: low, high: high)
        }
    }
}
