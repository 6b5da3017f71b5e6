/// pool(activation(conv2d(input, filters) + bias)) in one op, for inference: Keras's
/// Conv2D followed by a MaxPooling2D or AveragePooling2D, as `predict` runs them.
///
/// Run one after the other, the convolution writes its whole output to memory and the
/// pooling reads it back: for the document's first layer at batch 256 that is 22 MB each
/// way, and the pooling spent most of its time waiting for it. Here each thread convolves
/// one image at a time into its own buffer and pools it while it is still in cache; the
/// kernels are the ones the two ops use, so the values are the same.
///
/// Under a tape that follows any operand this simply runs `conv2d` then `pool2d`, so the
/// gradients are exactly those of the two ops.
///
/// - Parameters: as `conv2d` (input (N, H, W, C), filters (KH, KW, C, O), bias nil or
///   (O,)), then the pooling's kind, window, strides and padding, as `pool2d`.
/// - Returns: (N, PH, PW, O).
public func conv2dPool(_ input: Tensor, _ filters: Tensor, bias: Tensor?, activation: ConvolutionActivation,
                       strides: (Int, Int), dilations: (Int, Int), padding: Padding,
                       pool kind: PoolingKind, poolWindow: (Int, Int), poolStrides: (Int, Int), poolPadding: Padding) throws -> Tensor {
    let operands = [input, filters] + (bias.map { [$0] } ?? [])
    if isRecordingGradients && operands.contains(where: isFollowedByRecordingTape) {
        let convolved = try conv2d(input, filters, bias: bias, activation: activation, strides: strides, dilations: dilations,
                                   padding: padding)
        return try pool2d(kind, convolved, windowSize: poolWindow, strides: poolStrides, padding: poolPadding)
    }
    let op = "conv2d_pool"
    let g = try conv2dGeometry(op, input, filters, strides: strides, dilations: dilations, padding: padding)
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    let convolvedShape = [g.batch, g.outputHeight, g.outputWidth, g.outputChannels]
    let p = try poolingGeometry(kind.name(rank: 4), kind, convolvedShape, windowSize: poolWindow, strides: poolStrides,
                                padding: poolPadding)
    let dtype = input.dtype
    let y = try Tensor.empty([p.batch, p.outputHeight, p.outputWidth, p.channels], dtype: dtype)
    if y.count == 0 || g.outputPixels == 0 { return y }
    // One image at a time: the geometries of a batch of one, a slice of images per thread.
    var image = g, pooledImage = p
    image.batch = 1
    pooledImage.batch = 1
    let plan = ConvolutionPlan(image, backward: false, float32: dtype == .float32, threads: 1)
    let threads = max(1, min(ThreadPool.shared.threadCount, g.batch))
    let perThread = plan.scratchCount + g.outputPixelsPerImage * g.outputChannels
    let scratch = try Tensor.empty([threads * perThread], dtype: dtype)
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    try dtype.dispatchFloat(ConvolutionPoolForward(
        x: x, w: w, b: b, relu: activation == .relu, y: y, scratch: scratch, kind: kind, plan: plan, pooled: pooledImage,
        threads: threads, perThread: perThread))
    return y
}

private struct ConvolutionPoolForward: FloatVisitor {
    let x: Tensor, w: Tensor, b: Tensor?, relu: Bool, y: Tensor, scratch: Tensor, kind: PoolingKind
    let plan: ConvolutionPlan, pooled: WindowGeometry, threads: Int, perThread: Int

    func visit<T: FloatElement>(_: T.Type) {
        let g = plan.geometry, batch = x.shape[0]
        let input = UnsafePointer(x.pointer(as: T.self)), filters = UnsafePointer(w.pointer(as: T.self))
        let bias = b.map { UnsafePointer($0.pointer(as: T.self)) }
        let output = y.pointer(as: T.self), buffers = scratch.pointer(as: T.self)
        let pooledImageSize = pooled.outputPixelsPerImage * pooled.channels
        // The kernels called inside run serially on this thread (the pool is busy with this
        // job), each image's convolution output staying in this thread's cache.
        ThreadPool.shared.parallelFor(threads) { thread in
            let work = buffers + thread * perThread, convolved = work + plan.scratchCount
            for n in (batch * thread / threads)..<(batch * (thread + 1) / threads) {
                convolutionForward(input + n * g.inputImageSize, filters, bias: bias, relu: relu, convolved, plan: plan, scratch: work)
                let out = output + n * pooledImageSize
                switch kind {
                case .max: maxPoolForward(UnsafePointer(convolved), out, argmax: nil, pooled)
                case .average: avgPoolForward(UnsafePointer(convolved), out, pooled)
                }
            }
        }
    }
}
