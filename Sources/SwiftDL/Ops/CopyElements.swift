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
