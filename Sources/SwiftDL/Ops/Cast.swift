extension Tensor {
    /// A new contiguous tensor holding this one's values converted to `dtype` (numpy's astype).
    public func cast(to dtype: DType) throws -> Tensor {
        let result = try Tensor.empty(shape, dtype: dtype)
        copyElements(from: self, to: result, sourceStrides: strides)
        return result
    }

    /// This tensor if it is already row-major contiguous, otherwise a contiguous copy.
    public func contiguous() throws -> Tensor {
        isContiguous ? self : try cast(to: dtype)
    }

    /// This tensor if it already has `dtype`, otherwise a converted copy.
    public func converted(to dtype: DType) throws -> Tensor {
        self.dtype == dtype ? self : try cast(to: dtype)
    }

    /// Writes `source` into this tensor (a view, possibly strided), broadcasting it to this
    /// shape and converting its dtype: numpy's `view[...] = source`.
    public func assign(from source: Tensor) throws {
        let shape = try broadcastShapes(self.shape, source.shape, op: "assign")
        if shape != self.shape {
            throw SDLError.value(
                "assign",
                "could not broadcast input array from shape \(describeShape(source.shape)) into shape \(describeShape(self.shape))"
            )
        }
        // Reading and writing overlapping memory in one pass could read already-written values.
        let input = source.storage === storage ? try source.cast(to: source.dtype) : source
        copyElements(from: input, to: self, sourceStrides: broadcastStrides(input, to: shape))
    }
}
