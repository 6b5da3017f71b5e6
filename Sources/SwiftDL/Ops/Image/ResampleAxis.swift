/// One axis of a separable image resize: x's `axis` (size m) resampled to size n through an
/// (m, n) weight matrix, out[..., j, ...] = Σᵢ weights[i, j] · x[..., i, ...], the same
/// numbers as moving the axis last and multiplying by `weights`, without the moves and
/// reading only each column's non-zero band. Differentiable in x (the gradient is the same
/// op with the transposed weights); the weights are constants (interpolation kernels).
public func resampleAxis(_ x: Tensor, axis: Int, weights: Tensor) throws -> Tensor {
    let op = "resample_axis"
    try requireFloat(x, op, "x")
    let position = try normalizeAxis(axis, rank: x.rank, op: op)
    if weights.rank != 2 || weights.shape[0] != x.shape[position] {
        throw SDLError.value(
            op,
            "weights must have shape (\(x.shape[position]), output size) for axis \(axis) of x with shape \(describeShape(x.shape)); received shape \(describeShape(weights.shape))"
        )
    }
    let inSize = weights.shape[0], outSize = weights.shape[1]
    let input = try x.contiguous()
    let matrix = try weights.converted(to: x.dtype).contiguous()
    var shape = x.shape
    shape[position] = outSize
    let out = try Tensor.empty(shape, dtype: x.dtype)
    if out.count > 0 {
        let outer = try CheckedSize.product(of: x.shape[..<position], op: op, "the size before the axis")
        let inner = try CheckedSize.product(of: x.shape[(position + 1)...], op: op, "the size after the axis")
        try x.dtype.dispatchFloat(
            AxisResampler(
                input: input, output: out, matrix: matrix, outer: outer, inSize: inSize, outSize: outSize,
                inner: inner))
    }
    if isRecordingGradients {
        record(op, inputs: [x], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            return [try resampleAxis(g.converted(to: x.dtype), axis: position, weights: transposed(matrix))]
        }
    }
    return out
}

private func transposed(_ matrix: Tensor) throws -> Tensor {
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    return try matrix.view(
        shape: [columns, rows], strides: [matrix.strides[1], matrix.strides[0]], offset: matrix.offset
    )
    .contiguous()
}

private struct AxisResampler: FloatVisitor {
    let input: Tensor, output: Tensor, matrix: Tensor
    let outer: Int, inSize: Int, outSize: Int, inner: Int
    func visit<T: FloatElement>(_: T.Type) {
        let bands = ResamplingBands(
            weights: UnsafePointer(matrix.pointer(as: T.self)), inSize: inSize, outSize: outSize)
        SwiftDLKernels.resampleAxis(
            UnsafePointer(input.pointer(as: T.self)), output.pointer(as: T.self), outer: outer, inSize: inSize,
            outSize: outSize, inner: inner, bands: bands)
    }
}
