/// Copies `source` elements into `destination` (same loop shape, any strides), converting
/// the element type with numpy's casting rules. Used for astype, contiguous copies,
/// broadcasting assignment and numpy-buffer imports.
@inline(__always)
public func copyKernel<S: Element, D: Element>(
    from source: UnsafePointer<S>, to destination: UnsafeMutablePointer<D>, nest: LoopNest
) {
    let sourceStride = nest.innerStride(0), destinationStride = nest.innerStride(1)
    nest.forEachRow { offsets, length in
        let input = source + offsets[0], output = destination + offsets[1]
        if sourceStride == 1 && destinationStride == 1 {
            if S.self == D.self {
                output.update(from: UnsafePointer<D>(OpaquePointer(input)), count: length)
            } else {
                for i in 0..<length { output[i] = input[i].converted(to: D.self) }
            }
        } else {
            for i in 0..<length { output[i &* destinationStride] = input[i &* sourceStride].converted(to: D.self) }
        }
    }
}

/// Runs `copyKernel` for run-time dtypes.
public func copyElements(from source: Tensor, to destination: Tensor, sourceStrides: [Int]) {
    struct SourceVisitor: ElementVisitor {
        let source: Tensor, destination: Tensor, nest: LoopNest
        func visit<S: Element>(_: S.Type) throws {
            try destination.dtype.dispatch(
                DestinationVisitor<S>(
                    source: UnsafePointer(source.pointer(as: S.self)), destination: destination, nest: nest))
        }
    }
    struct DestinationVisitor<S: Element>: ElementVisitor {
        let source: UnsafePointer<S>, destination: Tensor, nest: LoopNest
        func visit<D: Element>(_: D.Type) throws {
            copyKernel(from: source, to: destination.pointer(as: D.self), nest: nest)
        }
    }
    let nest = LoopNest(shape: destination.shape, strides: [sourceStrides, destination.strides])
    // The visitors cannot throw; `try?` only satisfies the protocol's signature.
    try? source.dtype.dispatch(SourceVisitor(source: source, destination: destination, nest: nest))
}
