/// Shape ops and indexing that record their VJPs. Views route the gradient back to the
/// positions they read; gathers scatter-add it, so repeated indices accumulate.

/// Records a shape op whose VJP is "reshape the gradient back to x's shape".
private func recordReshapeLike(_ name: String, _ x: Tensor, _ out: Tensor) -> Tensor {
    if isRecordingGradients && x.dtype.isFloatingPoint {
        record(name, inputs: [x], outputs: [out]) { gradients in [try gradients[0]?.reshaped(x.shape)] }
    }
    return out
}

public func differentiableReshape(_ x: Tensor, _ shape: [Int]) throws -> Tensor {
    recordReshapeLike("reshape", x, try x.reshaped(shape))
}

public func differentiableExpandDims(_ x: Tensor, _ axis: Int) throws -> Tensor {
    recordReshapeLike("expand_dims", x, try x.expandingDims(axis))
}

public func differentiableSqueeze(_ x: Tensor, _ axes: [Int]?) throws -> Tensor {
    recordReshapeLike("squeeze", x, try x.squeezed(axes))
}

public func differentiableTranspose(_ x: Tensor, _ order: [Int]) throws -> Tensor {
    let out = try x.permuted(order)
    if isRecordingGradients && x.dtype.isFloatingPoint {
        let axes = order.map { $0 < 0 ? $0 + x.rank : $0 }
        var inverse = [Int](repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        record("transpose", inputs: [x], outputs: [out]) { gradients in [try gradients[0]?.permuted(inverse)] }
    }
    return out
}

public func differentiableBroadcast(_ x: Tensor, to shape: [Int]) throws -> Tensor {
    let out = try x.broadcasted(to: shape)
    if isRecordingGradients && x.dtype.isFloatingPoint {
        record("broadcast_to", inputs: [x], outputs: [out]) { gradients in
            [try gradients[0].map { try reduceBroadcast($0, to: x.shape) }]
        }
    }
    return out
}

/// concatenate, recorded: each input gets its slice of the gradient.
public func differentiableConcatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    let out = try concatenate(tensors, axis: axis)
    guard isRecordingGradients, out.dtype.isFloatingPoint else { return out }
    let position = try normalizeAxis(axis, rank: out.rank, op: "concatenate")
    record("concatenate", inputs: tensors, outputs: [out]) { gradients in
        guard let g = gradients[0] else { return tensors.map { _ in nil } }
        var start = 0
        return tensors.map { tensor in
            let size = tensor.shape[position]
            defer { start += size }
            return g.view(shape: tensor.shape, strides: g.strides, offset: g.offset + start * g.strides[position])
        }
    }
    return out
}

/// stack, recorded as a concatenation of inputs with a new axis.
public func differentiableStack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else { return try stack(tensors, axis: axis) }
    let position = try normalizeAxis(axis, rank: first.rank + 1, op: "stack")
    for tensor in tensors where tensor.shape != first.shape {
        throw SDLError.value(
            "stack",
            "all input arrays must have the same shape; received \(describeShape(first.shape)) and \(describeShape(tensor.shape))"
        )
    }
    return try differentiableConcatenate(tensors.map { try differentiableExpandDims($0, position) }, axis: position)
}

/// take, recorded: the gradient is scatter-added back along the axis.
public func differentiableTake(_ x: Tensor, indices: Tensor, axis: Int?) throws -> Tensor {
    let out = try take(x, indices: indices, axis: axis)
    guard isRecordingGradients, x.dtype.isFloatingPoint else { return out }
    record("take", inputs: [x, indices], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil, nil] }
        let source = axis == nil ? try x.reshaped([x.count]) : x
        let position = try normalizeAxis(axis ?? 0, rank: source.rank, op: "take")
        let added = try takeBackward(g, indices: indices, axis: position, shape: source.shape)
        return [try added.reshaped(x.shape), nil]
    }
    return out
}

/// A strided view of `base` (basic indexing), recorded: the gradient lands on the
/// positions the view read and is zero elsewhere.
public func differentiableView(_ base: Tensor, offset: Int, shape: [Int], strides: [Int]) throws -> Tensor {
    let out = try base.checkedView(offset: offset, shape: shape, strides: strides)
    guard isRecordingGradients, base.dtype.isFloatingPoint else { return out }
    record("getitem", inputs: [base], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil] }
        // A zeroed copy of the whole storage, seen through both views' geometry. Positions
        // of the view that alias one element (stride 0, from broadcast_to) are summed first,
        // since writing them one by one would keep only the last.
        let canvas = try storageCanvas(base, dtype: g.dtype)
        let aliased = (0..<shape.count).filter { strides[$0] == 0 && shape[$0] > 1 }
        let summed = aliased.isEmpty ? g : try reduce(.sum, g, axes: aliased, keepdims: true)
        try canvas.view(shape: summed.shape, strides: strides, offset: offset).assign(from: summed)
        return [try baseGradient(from: canvas, base)]
    }
    return out
}

/// Gather by storage offsets (advanced indexing), recorded: the gradient is scatter-added.
public func differentiableGatherOffsets(_ base: Tensor, offsets: Tensor) throws -> Tensor {
    let out = try gatherOffsets(base, offsets: offsets)
    guard isRecordingGradients, base.dtype.isFloatingPoint else { return out }
    record("getitem", inputs: [base, offsets], outputs: [out]) { gradients in
        guard let g = gradients[0] else { return [nil, nil] }
        let canvas = try storageCanvas(base, dtype: g.dtype)
        try scatterAddOffsets(canvas, offsets: offsets, values: g)
        return [try baseGradient(from: canvas, base), nil]
    }
    return out
}

/// A zeroed buffer with one element per element of `base`'s storage, indexed like it.
private func storageCanvas(_ base: Tensor, dtype: DType) throws -> Tensor {
    try Tensor.empty([base.storage.byteCount / base.dtype.itemSize], dtype: dtype, zeroed: true)
}

/// The gradient of `base` from the gradient of each of its storage elements (`canvas`).
/// NOTE: where `base` reads one element at several indices (stride 0 along an axis longer
/// than 1, as broadcast_to makes), the element's gradient goes to the first of them (index 0
/// along that axis) and the others get zero. Giving it to every alias would count it once
/// per alias when broadcast_to's VJP sums them back; this way the sum is exact.
private func baseGradient(from canvas: Tensor, _ base: Tensor) throws -> Tensor {
    let aliased = (0..<base.rank).filter { base.strides[$0] == 0 && base.shape[$0] > 1 }
    if aliased.isEmpty {
        return try canvas.view(shape: base.shape, strides: base.strides, offset: base.offset).contiguous()
    }
    let firsts = base.shape.indices.map { aliased.contains($0) ? 1 : base.shape[$0] }
    let read = canvas.view(shape: firsts, strides: base.strides, offset: base.offset)
    let result = try Tensor.empty(base.shape, dtype: canvas.dtype, zeroed: true)
    try result.view(shape: firsts, strides: result.strides, offset: result.offset).assign(from: read)
    return result
}
