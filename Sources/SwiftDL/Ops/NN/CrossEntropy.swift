/// The cross-entropies with logits, each one fused op. The forward keeps each row's
/// logsumexp (as a shift and a log-sum) and the VJP is softmax - onehot (softmax·Σlabels -
/// labels for dense labels), so the softmax is never materialised in the forward pass.

/// tf.nn.sparse_softmax_cross_entropy_with_logits: `labels` are integer class ids with the
/// shape of `logits` minus its last (class) axis; the result has the labels' shape.
public func sparseSoftmaxCrossEntropy(labels: Tensor, logits: Tensor) throws -> Tensor {
    let op = "sparse_softmax_cross_entropy_with_logits"
    try requireFloat(logits, op, "logits")
    let shapes = "labels shape \(describeShape(labels.shape)), logits shape \(describeShape(logits.shape))"
    if labels.dtype.isFloatingPoint || labels.dtype == .bool {
        throw SDLError.type(op, "labels must be integer class ids; received dtype \(labels.dtype.name) (\(shapes))")
    }
    if logits.rank == 0 || labels.shape != Array(logits.shape.dropLast()) {
        throw SDLError.value(op, "labels must have the shape of logits without its last axis; received \(shapes)")
    }
    let classes = logits.shape[logits.rank - 1]
    if classes == 0 { throw SDLError.value(op, "logits must have at least one class; received \(shapes)") }
    let ids = try labels.cast(to: .int64)
    let pointer = ids.pointer(as: Int64.self)
    for i in 0..<ids.count where pointer[i] < 0 || pointer[i] >= Int64(classes) {
        throw SDLError.value(
            op, "received a label value of \(pointer[i]) which is outside the valid range of [0, \(classes)); \(shapes)"
        )
    }
    let rows = ids.count
    let input = try logits.contiguous()
    let loss = try Tensor.empty(labels.shape, dtype: logits.dtype)
    // (shift, log Σ) per row
    let lse = try Tensor.empty([try CheckedSize.product(2, rows, op: op, "the number of rows")], dtype: logits.dtype)
    try logits.dtype.dispatchFloat(
        SparseCrossEntropyForward(logits: input, labels: ids, loss: loss, lse: lse, rows: rows, classes: classes))
    if isRecordingGradients {
        record(op, inputs: [logits, labels], outputs: [loss]) { gradients in
            guard let upstream = gradients[0] else { return [nil, nil] }
            let g = try upstream.converted(to: loss.dtype).contiguous()
            let dlogits = try Tensor.empty(logits.shape, dtype: logits.dtype)
            try logits.dtype.dispatchFloat(
                SparseCrossEntropyBackward(
                    g: g, logits: input, labels: ids, lse: lse, dlogits: dlogits,
                    rows: rows, classes: classes))
            return [dlogits, nil]
        }
    }
    return loss
}

private struct SparseCrossEntropyForward: FloatVisitor {
    let logits: Tensor, labels: Tensor, loss: Tensor, lse: Tensor, rows: Int, classes: Int
    func visit<T: FloatElement>(_: T.Type) {
        sparseCrossEntropyForwardKernel(
            UnsafePointer(logits.pointer(as: T.self)), UnsafePointer(labels.pointer(as: Int64.self)),
            loss.pointer(as: T.self), lse.pointer(as: T.self), rows: rows, classes: classes)
    }
}

private struct SparseCrossEntropyBackward: FloatVisitor {
    let g: Tensor, logits: Tensor, labels: Tensor, lse: Tensor, dlogits: Tensor, rows: Int, classes: Int
    func visit<T: FloatElement>(_: T.Type) {
        sparseCrossEntropyBackwardKernel(
            UnsafePointer(g.pointer(as: T.self)), UnsafePointer(logits.pointer(as: T.self)),
            UnsafePointer(labels.pointer(as: Int64.self)), UnsafePointer(lse.pointer(as: T.self)),
            dlogits.pointer(as: T.self), rows: rows, classes: classes)
    }
}

/// tf.nn.softmax_cross_entropy_with_logits: `labels` (a distribution over classes) has the
/// shape of `logits`; classes lie along `axis`, which the result drops. Both inputs get a
/// gradient, as in TensorFlow.
public func softmaxCrossEntropy(labels: Tensor, logits: Tensor, axis: Int = -1) throws -> Tensor {
    let op = "softmax_cross_entropy_with_logits"
    try requireFloat(logits, op, "logits")
    let shapes = "labels shape \(describeShape(labels.shape)), logits shape \(describeShape(logits.shape))"
    if labels.dtype == .bool { throw SDLError.type(op, "labels must be numeric; received dtype bool (\(shapes))") }
    if logits.rank == 0 || labels.shape != logits.shape {
        throw SDLError.value(op, "labels and logits must have the same shape, of rank at least 1; received \(shapes)")
    }
    let position = try normalizeAxis(axis, rank: logits.rank, op: op)
    let classes = logits.shape[position]
    if classes == 0 { throw SDLError.value(op, "logits must have at least one class; received \(shapes)") }
    // Bring the class axis last, where the kernels want it.
    var order = Array(0..<logits.rank)
    order.remove(at: position)
    order.append(position)
    var inverse = [Int](repeating: 0, count: order.count)
    for (index, axis) in order.enumerated() { inverse[axis] = index }
    let x = try logits.permuted(order).contiguous()
    let z = try labels.converted(to: logits.dtype).permuted(order).contiguous()
    let outShape = Array(x.shape.dropLast())
    let rows = try CheckedSize.product(of: outShape, op: op, "the number of rows")
    let loss = try Tensor.empty(outShape, dtype: logits.dtype)
    // (shift, log Σ) per row
    let lse = try Tensor.empty([try CheckedSize.product(2, rows, op: op, "the number of rows")], dtype: logits.dtype)
    try logits.dtype.dispatchFloat(
        DenseCrossEntropy(
            g: nil, logits: x, labels: z, lse: lse, loss: loss,
            dlogits: nil, dlabels: nil, rows: rows, classes: classes))
    if isRecordingGradients {
        record(op, inputs: [logits, labels], outputs: [loss]) { gradients in
            guard let upstream = gradients[0] else { return [nil, nil] }
            let g = try upstream.converted(to: loss.dtype).contiguous()
            let dlogits = try Tensor.empty(x.shape, dtype: x.dtype)
            let dlabels = labels.dtype.isFloatingPoint ? try Tensor.empty(x.shape, dtype: x.dtype) : nil
            try x.dtype.dispatchFloat(
                DenseCrossEntropy(
                    g: g, logits: x, labels: z, lse: lse, loss: loss,
                    dlogits: dlogits, dlabels: dlabels, rows: rows, classes: classes))
            return [try dlogits.permuted(inverse), try dlabels?.permuted(inverse)]
        }
    }
    return loss
}

private struct DenseCrossEntropy: FloatVisitor {
    let g: Tensor?, logits: Tensor, labels: Tensor, lse: Tensor, loss: Tensor
    let dlogits: Tensor?, dlabels: Tensor?, rows: Int, classes: Int

    func visit<T: FloatElement>(_: T.Type) {
        let px = UnsafePointer(logits.pointer(as: T.self)), pz = UnsafePointer(labels.pointer(as: T.self))
        if let g {
            denseCrossEntropyBackwardKernel(
                UnsafePointer(g.pointer(as: T.self)), px, pz, UnsafePointer(lse.pointer(as: T.self)),
                dlogits?.pointer(as: T.self), dlabels?.pointer(as: T.self), rows: rows, classes: classes)
        } else {
            denseCrossEntropyForwardKernel(
                px, pz, loss.pointer(as: T.self), lse.pointer(as: T.self), rows: rows, classes: classes)
        }
    }
}

/// tf.nn.sigmoid_cross_entropy_with_logits, elementwise over same-shaped labels and logits,
/// in the stable form max(x, 0) - x·z + log(1 + e^-|x|).
public func sigmoidCrossEntropy(labels: Tensor, logits: Tensor) throws -> Tensor {
    let op = "sigmoid_cross_entropy_with_logits"
    try requireFloat(logits, op, "logits")
    if labels.dtype == .bool { throw SDLError.type(op, "labels must be numeric; received dtype bool") }
    if labels.shape != logits.shape {
        throw SDLError.value(
            op,
            "logits and labels must have the same shape; received logits shape \(describeShape(logits.shape)) and labels shape \(describeShape(labels.shape))"
        )
    }
    let x = try logits.contiguous()
    let z = try labels.converted(to: logits.dtype).contiguous()
    let loss = try Tensor.empty(logits.shape, dtype: logits.dtype)
    try logits.dtype.dispatchFloat(SigmoidCrossEntropy(g: nil, logits: x, labels: z, out: loss, dlabels: nil))
    if isRecordingGradients {
        record(op, inputs: [logits, labels], outputs: [loss]) { gradients in
            guard let upstream = gradients[0] else { return [nil, nil] }
            let g = try upstream.converted(to: loss.dtype).contiguous()
            let dlogits = try Tensor.empty(x.shape, dtype: x.dtype), dlabels = try Tensor.empty(x.shape, dtype: x.dtype)
            try x.dtype.dispatchFloat(SigmoidCrossEntropy(g: g, logits: x, labels: z, out: dlogits, dlabels: dlabels))
            return [dlogits, labels.dtype.isFloatingPoint ? dlabels : nil]
        }
    }
    return loss
}

private struct SigmoidCrossEntropy: FloatVisitor {
    let g: Tensor?, logits: Tensor, labels: Tensor, out: Tensor, dlabels: Tensor?
    func visit<T: FloatElement>(_: T.Type) {
        let px = UnsafePointer(logits.pointer(as: T.self)), pz = UnsafePointer(labels.pointer(as: T.self))
        if let g, let dlabels {
            sigmoidCrossEntropyBackwardKernel(
                UnsafePointer(g.pointer(as: T.self)), px, pz, out.pointer(as: T.self),
                dlabels.pointer(as: T.self), count: out.count)
        } else {
            sigmoidCrossEntropyForwardKernel(px, pz, out.pointer(as: T.self), count: out.count)
        }
    }
}
