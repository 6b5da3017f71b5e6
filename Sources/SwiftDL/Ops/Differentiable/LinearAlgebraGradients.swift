/// matmul, recorded: dA = G·Bᵀ and dB = Aᵀ·G over the last two axes, with broadcast batch
/// axes summed away and the vector cases (1-D operands) handled as 1-row/1-column matrices.
public func differentiableMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let out = try matmul(a, b)
    guard isRecordingGradients, out.dtype.isFloatingPoint else { return out }
    record("matmul", inputs: [a, b], outputs: [out]) { gradients in
        guard let upstream = gradients[0] else { return [nil, nil] }
        let left = a.rank == 1 ? try a.expandingDims(0) : a
        let right = b.rank == 1 ? try b.expandingDims(1) : b
        var g = upstream
        if a.rank == 1 { g = try g.expandingDims(b.rank == 1 ? g.rank : g.rank - 1) }
        if b.rank == 1 { g = try g.expandingDims(g.rank) }
        let ga = try matmul(g, swapLastAxes(right))
        let gb = try sharedRightGradient(left: left, right: right, upstream: g) ?? matmul(swapLastAxes(left), g)
        return [
            try reduceBroadcast(ga, to: left.shape).reshaped(a.shape),
            try reduceBroadcast(gb, to: right.shape).reshaped(b.shape),
        ]
    }
    return out
}

/// The gradient of one matrix shared by a batch of left matrices (a Dense kernel applied to
/// sequences): the batch's rows stacked, so Aᵀ·G is a single GEMM with a long inner axis
/// instead of one small GEMM per batch item followed by a sum over the batch. nil when the
/// right operand is itself batched.
private func sharedRightGradient(left: Tensor, right: Tensor, upstream: Tensor) throws -> Tensor? {
    guard right.rank == 2, left.rank > 2 else { return nil }
    let k = left.shape[left.rank - 1], n = upstream.shape[upstream.rank - 1]
    let rows = try left.reshaped([-1, k])
    // reshaped copies a broadcast or strided operand; the upstream gradient has the full shape.
    return try matmul(swapLastAxes(rows), upstream.reshaped([rows.shape[0], n]))
}

/// A view with the last two axes exchanged (a transpose of each matrix in a batch).
func swapLastAxes(_ t: Tensor) throws -> Tensor {
    var order = Array(0..<t.rank)
    order.swapAt(t.rank - 1, t.rank - 2)
    return try t.permuted(order)
}
