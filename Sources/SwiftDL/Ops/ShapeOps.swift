extension Tensor {
    /// numpy's reshape: a view when the data is contiguous, a copy otherwise. One size may be -1.
    public func reshaped(_ requested: [Int]) throws -> Tensor {
        let shape = try resolveReshape(requested, count: count, itemSize: dtype.itemSize)
        let source = try contiguous()
        return source.view(shape: shape, strides: contiguousStrides(shape), offset: source.offset)
    }

    /// Reorders axes without copying (numpy's transpose with `axes`).
    public func permuted(_ order: [Int]) throws -> Tensor {
        if order.count != rank {
            throw SDLError.value(
                "transpose", "axes don't match array; received \(order) for shape \(describeShape(shape))")
        }
        let axes = try order.map { try normalizeAxis($0, rank: rank, op: "transpose") }
        if Set(axes).count != rank {
            throw SDLError.value("transpose", "repeated axis in transpose; received \(order)")
        }
        return view(shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
    }

    /// Inserts a size-1 axis at `axis` (which may be -rank-1 ... rank).
    public func expandingDims(_ axis: Int) throws -> Tensor {
        let position = try normalizeAxis(axis, rank: rank + 1, op: "expand_dims")
        var newShape = shape, newStrides = strides
        newShape.insert(1, at: position)
        newStrides.insert(0, at: position)
        return view(shape: newShape, strides: newStrides, offset: offset)
    }

    /// Removes size-1 axes: the given ones (each must have size 1) or all of them.
    public func squeezed(_ axes: [Int]?) throws -> Tensor {
        let drop: Set<Int>
        if let axes {
            let normalized = try normalizeAxes(axes, rank: rank, op: "squeeze")
            for axis in normalized where shape[axis] != 1 {
                throw SDLError.value(
                    "squeeze",
                    "cannot select an axis to squeeze out which has size not equal to one; received axis \(axis) of shape \(describeShape(shape))"
                )
            }
            drop = Set(normalized)
        } else {
            drop = Set((0..<rank).filter { shape[$0] == 1 })
        }
        let keep = (0..<rank).filter { !drop.contains($0) }
        return view(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: offset)
    }

    /// A read view of this tensor with `shape` (numpy's broadcast_to); broadcast axes have stride 0.
    public func broadcasted(to target: [Int]) throws -> Tensor {
        let shape = try broadcastShapes(self.shape, target, op: "broadcast_to")
        if shape != target {
            throw SDLError.value(
                "broadcast_to", "cannot broadcast shape \(describeShape(self.shape)) to \(describeShape(target))")
        }
        _ = try CheckedSize.byteCount(target, itemSize: dtype.itemSize, op: "broadcast_to")
        return view(shape: target, strides: broadcastStrides(self, to: target), offset: offset)
    }

    /// A view of the same storage with caller-chosen geometry (the basis of slicing).
    /// Every reachable element must lie inside the storage, so a bad request cannot read
    /// or write memory it does not own.
    public func checkedView(offset: Int, shape: [Int], strides: [Int]) throws -> Tensor {
        if shape.count != strides.count {
            throw SDLError.value("view", "shape \(describeShape(shape)) and strides \(strides) differ in length")
        }
        let count = try checkedElementCount(shape, op: "view")
        // Byte strides (the buffer protocol's) must fit too, also along size-1 axes.
        for stride in strides where CheckedSize.product(stride, dtype.itemSize) == nil {
            throw SDLError.index("view", "strides \(strides) overflow for shape \(describeShape(shape))")
        }
        let capacity = storage.byteCount / dtype.itemSize
        if count > 0 {
            var low = offset, high = offset
            for (size, stride) in zip(shape, strides) {
                // NOTE: the sums must be checked too: a wrapped `high` would pass the bounds test.
                guard let span = CheckedSize.product(size - 1, stride),
                    let moved = CheckedSize.sum(span < 0 ? low : high, span)
                else {
                    throw SDLError.index("view", "strides \(strides) overflow for shape \(describeShape(shape))")
                }
                if span < 0 { low = moved } else { high = moved }
            }
            if low < 0 || high >= capacity {
                throw SDLError.index(
                    "view",
                    "view (offset \(offset), shape \(describeShape(shape)), strides \(strides)) reaches outside the \(capacity) elements of its storage"
                )
            }
        }
        // numpy's rule holds for views too, even where zero strides repeat one element
        // (found by Tests/fuzz/fuzz_c_api.py: numpy could not view (1, 2^62, 1) int64).
        _ = try CheckedSize.byteCount(shape, itemSize: dtype.itemSize, op: "view")
        // An empty view reads nothing, so its offset is never bounds-checked above; keep it
        // at 0, or a huge one overflows where a consumer turns it into a byte address (found
        // by Tests/fuzz/fuzz_c_api.py: __dlpack__ of a view at offset 2^61 trapped).
        return view(shape: shape, strides: strides, offset: count == 0 ? 0 : offset)
    }
}

/// Resolves a reshape request (at most one -1) against an element count.
func resolveReshape(_ requested: [Int], count: Int, itemSize: Int) throws -> [Int] {
    var shape = requested
    let unknown = requested.indices.filter { requested[$0] == -1 }
    if unknown.count > 1 {
        throw SDLError.value("reshape", "can only specify one unknown dimension; received \(describeShape(requested))")
    }
    if requested.contains(where: { $0 < -1 }) {
        throw SDLError.value("reshape", "negative dimensions not allowed; received \(describeShape(requested))")
    }
    let known = try CheckedSize.byteCount(requested.filter { $0 != -1 }, itemSize: itemSize, op: "reshape") / itemSize
    if let position = unknown.first {
        if known == 0 || count % known != 0 {
            throw SDLError.value(
                "reshape", "cannot reshape array of size \(count) into shape \(describeShape(requested))")
        }
        shape[position] = count / known
    } else if known != count {
        throw SDLError.value("reshape", "cannot reshape array of size \(count) into shape \(describeShape(requested))")
    }
    return shape
}

/// Joins tensors along an existing axis (numpy.concatenate), promoting dtypes.
public func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else {
        throw SDLError.value("concatenate", "need at least one array to concatenate")
    }
    if first.rank == 0 { throw SDLError.value("concatenate", "zero-dimensional arrays cannot be concatenated") }
    let position = try normalizeAxis(axis, rank: first.rank, op: "concatenate")
    var dtype = first.dtype
    var total = 0
    for (index, tensor) in tensors.enumerated() {
        if tensor.rank != first.rank {
            throw SDLError.value(
                "concatenate",
                "all the input arrays must have same number of dimensions, but the array at index 0 has \(first.rank) dimension(s) and the array at index \(index) has \(tensor.rank) dimension(s)"
            )
        }
        for d in 0..<first.rank where d != position && tensor.shape[d] != first.shape[d] {
            throw SDLError.value(
                "concatenate",
                "all the input array dimensions except for the concatenation axis must match exactly, but along dimension \(d), the array at index 0 has size \(first.shape[d]) and the array at index \(index) has size \(tensor.shape[d])"
            )
        }
        dtype = DType.promote(dtype, tensor.dtype)
        total = try CheckedSize.sum(
            total, tensor.shape[position], op: "concatenate", "the joined axis (\(position))", kind: .memory)
    }
    var shape = first.shape
    shape[position] = total
    let result = try Tensor.empty(shape, dtype: dtype)
    var start = 0
    for tensor in tensors {
        let size = tensor.shape[position]
        let slot = result.view(shape: tensor.shape, strides: result.strides, offset: start * result.strides[position])
        if size > 0 { copyElements(from: tensor, to: slot, sourceStrides: tensor.strides) }
        start += size
    }
    return result
}

/// Joins same-shaped tensors along a new axis (numpy.stack).
public func stack(_ tensors: [Tensor], axis: Int) throws -> Tensor {
    guard let first = tensors.first else { throw SDLError.value("stack", "need at least one array to stack") }
    for tensor in tensors where tensor.shape != first.shape {
        throw SDLError.value(
            "stack",
            "all input arrays must have the same shape; received \(describeShape(first.shape)) and \(describeShape(tensor.shape))"
        )
    }
    let position = try normalizeAxis(axis, rank: first.rank + 1, op: "stack")
    return try concatenate(tensors.map { try $0.expandingDims(position) }, axis: position)
}
