/// One axis of a separable image resize: x's `axis` (size m) resampled to size n through an
/// (m, n) weight matrix, out[..., j, ...] = Σᵢ weights[i, j] · x[..., i, ...], the same
/// numbers as moving the axis last and multiplying by `weights`, without the moves and
/// reading only each column's non-zero band. Differentiable in x (the gradient is the same
/// op with the transposed weights); the weights are constants (interpolation kernels).
public func resampleAxis(_ x: Tensor, axis: Int, weights: Tensor) throws -> Tensor {
    try resampleAxes(x, axis: axis, weights: [weights], op: "resample_axis")
}

/// Two adjacent axes (`axis`, `axis` + 1: an image's height and width) resampled in one pass,
/// the height through `heightWeights` and then the width through `widthWeights`: the same
/// numbers as two `resampleAxis` calls, without the intermediate tensor.
public func resampleTwoAxes(_ x: Tensor, axis: Int, heightWeights: Tensor, widthWeights: Tensor) throws -> Tensor {
    try resampleAxes(x, axis: axis, weights: [heightWeights, widthWeights], op: "resample_2d")
}

/// Validates, runs the kernel for one or two axes, and records the VJP: the same op with
/// each weight matrix transposed (the second axis's transpose applies first in exact
/// arithmetic too, since the two act on different axes).
private func resampleAxes(_ x: Tensor, axis: Int, weights: [Tensor], op: String) throws -> Tensor {
    try requireFloat(x, op, "x")
    let position = try normalizeAxis(axis, rank: x.rank, op: op)
    if position + weights.count > x.rank {
        throw SDLError.value(
            op, "axes \(position) and \(position + 1) must exist in x of shape \(describeShape(x.shape))")
    }
    var shape = x.shape
    var matrices: [Tensor] = []
    for (index, matrix) in weights.enumerated() {
        let size = x.shape[position + index]
        if matrix.rank != 2 || matrix.shape[0] != size {
            throw SDLError.value(
                op,
                "weights must have shape (\(size), output size) for axis \(position + index) of x with shape \(describeShape(x.shape)); received shape \(describeShape(matrix.shape))"
            )
        }
        shape[position + index] = matrix.shape[1]
        matrices.append(try matrix.converted(to: x.dtype).contiguous())
    }
    let input = try x.contiguous()
    let out = try Tensor.empty(shape, dtype: x.dtype)
    if out.count > 0 {
        let outer = try CheckedSize.product(of: x.shape[..<position], op: op, "the size before the axes")
        let inner = try CheckedSize.product(
            of: x.shape[(position + weights.count)...], op: op, "the size after the axes")
        try x.dtype.dispatchFloat(
            AxisResampler(
                input: input, output: out, matrices: matrices, outer: outer,
                inSizes: (0..<weights.count).map { x.shape[position + $0] }, inner: inner))
    }
    if isRecordingGradients {
        record(op, inputs: [x], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil] }
            return [
                try resampleAxes(
                    g.converted(to: x.dtype), axis: position, weights: matrices.map(matrixTranspose), op: op)
            ]
        }
    }
    return out
}

private func matrixTranspose(_ matrix: Tensor) throws -> Tensor {
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    return try matrix.view(
        shape: [columns, rows], strides: [matrix.strides[1], matrix.strides[0]], offset: matrix.offset
    )
    .contiguous()
}

private struct AxisResampler: FloatVisitor {
    let input: Tensor, output: Tensor, matrices: [Tensor]
    let outer: Int, inSizes: [Int], inner: Int
    func visit<T: FloatElement>(_: T.Type) {
        let bands = zip(matrices, inSizes).map { matrix, size in
            ResamplingBands(weights: UnsafePointer(matrix.pointer(as: T.self)), inSize: size, outSize: matrix.shape[1])
        }
        let (source, target) = (UnsafePointer(input.pointer(as: T.self)), output.pointer(as: T.self))
        if bands.count == 1 {
            SwiftDLKernels.resampleAxis(source, target, outer: outer, inSize: inSizes[0], inner: inner, bands: bands[0])
        } else {
            SwiftDLKernels.resampleTwoAxes(
                source, target, outer: outer, inHeight: inSizes[0], inWidth: inSizes[1], inner: inner,
                heightBands: bands[0], widthBands: bands[1])
        }
    }
}
