/// Keras's Embedding → Conv1D at inference as one op over the token ids, from a table of
/// each token's filter taps (Kernels/TokenTableConvolution.swift explains the algebra).
/// The caller builds the table, P[v][k][o] = Σ_c E[v][c] · W[k][c][o], and keeps it while
/// the weights stay the same; this op only adds its rows. Not differentiable: it refuses to
/// run while a recording tape follows the table or the bias.

/// relu?(conv1d(embeddings[ids], W) + bias) from `table` = the (V, K, O) products of the
/// embeddings and the filters, stride `stride`, dilation `dilation` and `padLeft` /
/// `padRight` zeros at the ends of each row.
///
/// - Parameters:
///   - ids: (N, L), any integer dtype, every id in [0, V).
///   - table: (V, K, O), float32 or float64; bias nil or (O,) of its dtype.
/// - Returns: (N, OW, O), OW = (L + padLeft + padRight − dilation·(K − 1) − 1) / stride + 1.
/// - Throws: for wrong ranks, dtypes or shapes, strides or dilations below 1, negative pads,
///   rows shorter than the window (OW < 0), ids out of range, or a recording tape that
///   follows the table or the bias.
public func tokenTableConvolution(
    ids: Tensor, table: Tensor, bias: Tensor?, relu: Bool, stride: Int, dilation: Int, padLeft: Int,
    padRight: Int
) throws -> Tensor {
    let op = "token_table_conv1d"
    try requireFloat(table, op, "table")
    let received =
        "received ids \(describeShape(ids.shape)), table \(describeShape(table.shape))"
        + (bias.map { ", bias \(describeShape($0.shape))" } ?? "")
    if ids.dtype == .bool || ids.dtype.isFloatingPoint {
        throw SDLError.type(op, "ids must be integers; received dtype \(ids.dtype.name)")
    }
    if ids.rank != 2 || table.rank != 3 || table.shape[1] == 0 {
        throw SDLError.value(op, "ids must be (N, L) and table (V, K, O) with K ≥ 1; \(received)")
    }
    if let bias, bias.dtype != table.dtype || bias.shape != [table.shape[2]] {
        throw SDLError.value(op, "bias must be (O,) of the table's dtype \(table.dtype.name); \(received)")
    }
    if stride < 1 || dilation < 1 || padLeft < 0 || padRight < 0 {
        throw SDLError.value(
            op,
            "stride and dilation must be at least 1 and pads non-negative; received stride \(stride), dilation \(dilation), pads (\(padLeft), \(padRight))"
        )
    }
    let (rows, length) = (ids.shape[0], ids.shape[1])
    let (vocabulary, taps, channels) = (table.shape[0], table.shape[1], table.shape[2])
    let (padded, overflow) = length.addingReportingOverflow(padLeft)
    let (window, windowOverflow) = dilation.multipliedReportingOverflow(by: taps - 1)
    if overflow || windowOverflow || padded.addingReportingOverflow(padRight).overflow {
        throw SDLError.value(
            op,
            "the padded row or the window does not fit in 64 bits (pads (\(padLeft), \(padRight)), dilation \(dilation)); \(received)"
        )
    }
    let span = padded + padRight - window - 1
    if span < 0 {
        throw SDLError.value(
            op,
            "the rows (\(length) ids, padded by \(padLeft) and \(padRight)) are shorter than the window (\(taps) taps at dilation \(dilation)); \(received)"
        )
    }
    if isRecordingGradients && ([table] + (bias.map { [$0] } ?? [])).contains(where: isFollowedByRecordingTape) {
        throw SDLError.value(op, "has no gradient; run Embedding and Conv1D apart while a tape follows the weights")
    }
    let outputWidth = span / stride + 1
    let positions = try ids.converted(to: .int64).contiguous()
    let pointer = UnsafePointer(positions.pointer(as: Int64.self))
    for i in 0..<positions.count where pointer[i] < 0 || pointer[i] >= Int64(vocabulary) {
        throw SDLError.index(op, "id \(pointer[i]) is out of range [0, \(vocabulary)); \(received)")
    }
    let weights = try table.contiguous(), shift = try bias?.contiguous()
    let result = try Tensor.empty([rows, outputWidth, channels], dtype: table.dtype)
    if result.count == 0 { return result } // no outputs, or outputs of no channels: nothing to loop over
    try withExtendedLifetime(positions) {
        try table.dtype.dispatchFloat(
            TokenTablePass(
                ids: pointer, table: weights, bias: shift, result: result, rows: rows, length: length, relu: relu,
                stride: stride, dilation: dilation, padLeft: padLeft, outputWidth: outputWidth))
    }
    return result
}

private struct TokenTablePass: FloatVisitor {
    let ids: UnsafePointer<Int64>, table: Tensor, bias: Tensor?, result: Tensor
    let rows: Int, length: Int, relu: Bool, stride: Int, dilation: Int, padLeft: Int, outputWidth: Int

    func visit<T: FloatElement>(_: T.Type) {
        tokenTableConvolution(
            ids: ids, rows: rows, length: length, table: UnsafePointer(table.pointer(as: T.self)),
            taps: table.shape[1], channels: table.shape[2], bias: bias.map { UnsafePointer($0.pointer(as: T.self)) },
            relu: relu, stride: stride, dilation: dilation, padLeft: padLeft, outputWidth: outputWidth,
            into: result.pointer(as: T.self))
    }
}
