/// pool(activation(conv2d(input, filters) + bias)) in one op: Keras's Conv2D followed by a
/// MaxPooling2D or AveragePooling2D, as a Sequential model runs them.
///
/// Run one after the other, the convolution writes its whole output to memory and the
/// pooling reads it back: for the document's first layer at batch 256 that is 22 MB each
/// way, and the pooling spent most of its time waiting for it. Here each thread convolves
/// a small group of images at a time (about 256 KB of output) into its own buffer and pools
/// it while it is still in cache; the kernels are the ones the two ops use, so the values
/// are the same.
///
/// Under a tape that follows an operand, max pooling records one node: the forward keeps
/// each window's argmax (and the pooled values, which say where the relu was active: a
/// window's max is its relu output at the argmax), and the backward scatters the pooled
/// gradient into one group's convolution gradient at a time, in cache, before running the
/// convolution's backward kernels on it. The gradients are those of the two ops (same
/// argmax rule, same mask), summed in a different order. Average pooling under a tape runs
/// `conv2d` then `pool2d`.
///
/// - Parameters: as `conv2d` (input (N, H, W, C), filters (KH, KW, C, O), bias nil or
///   (O,)), then the pooling's kind, window, strides and padding, as `pool2d`.
/// - Returns: (N, PH, PW, O).
public func conv2dPool(
    _ input: Tensor, _ filters: Tensor, bias: Tensor?, activation: ConvolutionActivation,
    strides: (Int, Int), dilations: (Int, Int), padding: Padding,
    pool kind: PoolingKind, poolWindow: (Int, Int), poolStrides: (Int, Int), poolPadding: Padding
) throws -> Tensor {
    let operands = [input, filters] + (bias.map { [$0] } ?? [])
    let needs = isRecordingGradients ? operands.map(isFollowedByRecordingTape) : operands.map { _ in false }
    if needs.contains(true) && kind == .average {
        let convolved = try conv2d(
            input, filters, bias: bias, activation: activation, strides: strides, dilations: dilations,
            padding: padding)
        return try pool2d(kind, convolved, windowSize: poolWindow, strides: poolStrides, padding: poolPadding)
    }
    let op = "conv2d_pool"
    let g = try conv2dGeometry(op, input, filters, strides: strides, dilations: dilations, padding: padding)
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    let convolvedShape = [g.batch, g.outputHeight, g.outputWidth, g.outputChannels]
    let p = try poolingGeometry(
        kind.name(rank: 4), kind, convolvedShape, windowSize: poolWindow, strides: poolStrides,
        padding: poolPadding)
    let dtype = input.dtype
    let y = try Tensor.empty([p.batch, p.outputHeight, p.outputWidth, p.channels], dtype: dtype)
    let argmax = needs.contains(true) ? try Tensor.empty(y.shape, dtype: .int32) : nil
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    if y.count > 0 && g.outputPixels > 0 {
        try convolveAndPool(
            x, w, b, relu: activation == .relu, into: y, argmax: argmax, kind: kind, convolution: g, pooling: p)
    }
    if let argmax {
        record(op, inputs: operands, outputs: [y]) { gradients in
            guard let upstream = gradients[0] else { return operands.map { _ in nil } }
            return try convolutionPoolBackward(
                x: x, w: w, hasBias: bias != nil, relu: activation == .relu, needs: needs,
                pooled: y, argmax: argmax, upstream: upstream, convolution: g, pooling: p)
        }
    }
    return y
}

/// The forward pass: a slice of images per thread, a group of images at a time.
private func convolveAndPool(
    _ x: Tensor, _ w: Tensor, _ b: Tensor?, relu: Bool, into y: Tensor, argmax: Tensor?,
    kind: PoolingKind, convolution g: WindowGeometry, pooling p: WindowGeometry
) throws {
    let dtype = x.dtype
    let threads = max(1, min(ThreadPool.shared.partitionCount, g.batch))
    let group = imagesPerGroup(g, threads: threads)
    let largest = ConvolutionPlan(
        batchOf(group, g), backward: false, float32: dtype == .float32, threads: 1,
        winogradBatch: g.batch)
    // Per thread: the kernel's scratch and one group's convolution output. Winograd's
    // transformed filters are made once, after the threads' scratch, and shared.
    let kernelScratch = largest.scratchCount - largest.transformedFiltersCount
    let op = "conv2d_pool", what = "the scratch buffer"
    let perThread = try CheckedSize.sum(
        kernelScratch,
        CheckedSize.product(
            of: [group, g.outputHeight, g.outputWidth, g.outputChannels],
            op: op, what), op: op, what)
    let scratch = try Tensor.empty(
        [
            CheckedSize.sum(
                CheckedSize.product(threads, perThread, op: op, what),
                largest.transformedFiltersCount, op: op, what)
        ], dtype: dtype)
    try dtype.dispatchFloat(
        ConvolutionPoolForward(
            x: x, w: w, b: b, relu: relu, y: y, argmax: argmax, scratch: scratch, kind: kind, convolution: g,
            pooling: p,
            threads: threads, group: group, kernelScratch: kernelScratch, perThread: perThread,
            winograd: largest.algorithm == .winograd,
            exact: largest.exact))
}

/// The VJP of max pooling over relu?(conv2d + bias): image by image, dY (the convolution
/// output's gradient) is rebuilt in a per-thread buffer from the pooled gradient, routed
/// to each window's argmax and kept only where the relu was active, and the convolution's
/// backward kernels run on it; per-image filter and bias gradients are summed per thread,
/// then over the threads.
private func convolutionPoolBackward(
    x: Tensor, w: Tensor, hasBias: Bool, relu: Bool, needs: [Bool], pooled: Tensor,
    argmax: Tensor?, upstream: Tensor, convolution g: WindowGeometry,
    pooling p: WindowGeometry
) throws -> [Tensor?] {
    let dtype = x.dtype
    let dPooled = try upstream.converted(to: dtype).contiguous()
    let empty = argmax == nil || pooled.count == 0 || g.outputPixels == 0
    // dx is written whole by the kernels (unless there is nothing to compute); dw and db
    // receive the threads' sums, so they start at zero.
    let dx = needs[0] ? try Tensor.empty(x.shape, dtype: dtype, zeroed: empty) : nil
    let dw = needs[1] ? try Tensor.empty(w.shape, dtype: dtype, zeroed: true) : nil
    let db = hasBias && needs[2] ? try Tensor.empty([g.outputChannels], dtype: dtype, zeroed: true) : nil
    guard let argmax, !empty else { return [dx, dw] + (hasBias ? [db] : []) }
    let threads = max(1, min(ThreadPool.shared.partitionCount, g.batch))
    let group = imagesPerGroup(g, threads: threads)
    let largest = ConvolutionPlan(
        batchOf(group, g), backward: true, float32: dtype == .float32, inputGradient: dx != nil,
        threads: 1, winogradBatch: g.batch)
    let layout = PoolBackwardScratch(plan: largest)
    // Winograd's transformed filters for the input gradient, made once and shared, after
    // the threads' scratch.
    let sharedFilters = dx != nil ? largest.transformedFiltersCount : 0
    let scratch = try Tensor.empty(
        [
            CheckedSize.sum(
                CheckedSize.product(threads, layout.perThread, op: "conv2d_pool", "the scratch buffer"),
                sharedFilters, op: "conv2d_pool", "the scratch buffer")
        ], dtype: dtype)
    try dtype.dispatchFloat(
        ConvolutionPoolBackward(
            x: x, w: w, relu: relu, pooled: pooled, argmax: argmax, dPooled: dPooled, dx: dx, dw: dw, db: db,
            scratch: scratch,
            convolution: g, pooling: p, layout: layout, threads: threads, group: group,
            winogradPlan: sharedFilters > 0 ? largest : nil, exact: largest.exact))
    return [dx, dw] + (hasBias ? [db] : [])
}

private struct ConvolutionPoolBackward: FloatVisitor {
    let x: Tensor, w: Tensor, relu: Bool, pooled: Tensor, argmax: Tensor, dPooled: Tensor
    let dx: Tensor?, dw: Tensor?, db: Tensor?, scratch: Tensor
    let convolution: WindowGeometry, pooling: WindowGeometry, layout: PoolBackwardScratch, threads: Int, group: Int
    /// A plan whose input gradient goes by Winograd, when that is the case.
    let winogradPlan: ConvolutionPlan?
    /// The first plan's `exact`, which every group's plan takes too (the scratch was sized by it).
    let exact: Bool

    func visit<T: FloatElement>(_: T.Type) {
        convolutionPoolBackwardKernel(
            input: UnsafePointer(x.pointer(as: T.self)), filters: UnsafePointer(w.pointer(as: T.self)), relu: relu,
            maxima: UnsafePointer(pooled.pointer(as: T.self)), positions: UnsafePointer(argmax.pointer(as: Int32.self)),
            gradient: UnsafePointer(dPooled.pointer(as: T.self)), dx: dx?.pointer(as: T.self),
            dw: dw?.pointer(as: T.self),
            db: db?.pointer(as: T.self), scratch: scratch.pointer(as: T.self), convolution: convolution,
            pooling: pooling,
            layout: layout, threads: threads, group: group, winogradPlan: winogradPlan, exact: exact)
    }
}

private struct ConvolutionPoolForward: FloatVisitor {
    let x: Tensor, w: Tensor, b: Tensor?, relu: Bool, y: Tensor, argmax: Tensor?, scratch: Tensor, kind: PoolingKind
    let convolution: WindowGeometry, pooling: WindowGeometry, threads: Int, group: Int, kernelScratch: Int,
        perThread: Int
    let winograd: Bool
    /// The first plan's `exact`, which every group's plan takes too (the scratch was sized by it).
    let exact: Bool

    func visit<T: FloatElement>(_: T.Type) {
        convolutionPoolForwardKernel(
            UnsafePointer(x.pointer(as: T.self)), filters: UnsafePointer(w.pointer(as: T.self)),
            bias: b.map { UnsafePointer($0.pointer(as: T.self)) }, relu: relu, output: y.pointer(as: T.self),
            positions: argmax?.pointer(as: Int32.self), scratch: scratch.pointer(as: T.self), kind: kind,
            convolution: convolution,
            pooling: pooling, threads: threads, group: group, kernelScratch: kernelScratch, perThread: perThread,
            winograd: winograd,
            exact: exact)
    }
}
