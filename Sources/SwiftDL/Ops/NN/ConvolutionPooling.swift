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
public func conv2dPool(_ input: Tensor, _ filters: Tensor, bias: Tensor?, activation: ConvolutionActivation,
                       strides: (Int, Int), dilations: (Int, Int), padding: Padding,
                       pool kind: PoolingKind, poolWindow: (Int, Int), poolStrides: (Int, Int), poolPadding: Padding) throws -> Tensor {
    let operands = [input, filters] + (bias.map { [$0] } ?? [])
    let needs = isRecordingGradients ? operands.map(isFollowedByRecordingTape) : operands.map { _ in false }
    if needs.contains(true) && kind == .average {
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
    let argmax = needs.contains(true) ? try Tensor.empty(y.shape, dtype: .int32) : nil
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    if y.count > 0 && g.outputPixels > 0 {
        try convolveAndPool(x, w, b, relu: activation == .relu, into: y, argmax: argmax, kind: kind, convolution: g, pooling: p)
    }
    if let argmax {
        record(op, inputs: operands, outputs: [y]) { gradients in
            guard let upstream = gradients[0] else { return operands.map { _ in nil } }
            return try convolutionPoolBackward(x: x, w: w, hasBias: bias != nil, relu: activation == .relu, needs: needs,
                                               pooled: y, argmax: argmax, upstream: upstream, convolution: g, pooling: p)
        }
    }
    return y
}

/// Images per group: enough for the GEMMs inside to stay efficient, few enough that the
/// group's convolution output (~256 KB) stays in the core's cache until it is pooled.
private func imagesPerGroup(_ g: WindowGeometry, threads: Int) -> Int {
    let perImage = max(g.outputPixelsPerImage * g.outputChannels, 1)
    let perThread = (g.batch + threads - 1) / max(threads, 1)
    return max(1, min(perThread, 65_536 / perImage))
}

/// The geometry of `count` images of `g`.
private func batchOf(_ count: Int, _ g: WindowGeometry) -> WindowGeometry {
    var group = g
    group.batch = count
    return group
}

/// The forward pass: a slice of images per thread, a group of images at a time.
private func convolveAndPool(_ x: Tensor, _ w: Tensor, _ b: Tensor?, relu: Bool, into y: Tensor, argmax: Tensor?,
                             kind: PoolingKind, convolution g: WindowGeometry, pooling p: WindowGeometry) throws {
    let dtype = x.dtype
    let threads = max(1, min(ThreadPool.shared.partitionCount, g.batch))
    let group = imagesPerGroup(g, threads: threads)
    let largest = ConvolutionPlan(batchOf(group, g), backward: false, float32: dtype == .float32, threads: 1,
                                  winogradBatch: g.batch)
    // Per thread: the kernel's scratch and one group's convolution output. Winograd's
    // transformed filters are made once, after the threads' scratch, and shared.
    let kernelScratch = largest.scratchCount - largest.transformedFiltersCount
    let perThread = kernelScratch + group * g.outputPixelsPerImage * g.outputChannels
    let scratch = try Tensor.empty([threads * perThread + largest.transformedFiltersCount], dtype: dtype)
    try dtype.dispatchFloat(ConvolutionPoolForward(
        x: x, w: w, b: b, relu: relu, y: y, argmax: argmax, scratch: scratch, kind: kind, convolution: g, pooling: p,
        threads: threads, group: group, kernelScratch: kernelScratch, perThread: perThread, winograd: largest.algorithm == .winograd,
        exact: largest.exact))
}

/// The VJP of max pooling over relu?(conv2d + bias): image by image, dY (the convolution
/// output's gradient) is rebuilt in a per-thread buffer from the pooled gradient, routed
/// to each window's argmax and kept only where the relu was active, and the convolution's
/// backward kernels run on it; per-image filter and bias gradients are summed per thread,
/// then over the threads.
private func convolutionPoolBackward(x: Tensor, w: Tensor, hasBias: Bool, relu: Bool, needs: [Bool], pooled: Tensor,
                                     argmax: Tensor?, upstream: Tensor, convolution g: WindowGeometry,
                                     pooling p: WindowGeometry) throws -> [Tensor?] {
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
    let largest = ConvolutionPlan(batchOf(group, g), backward: true, float32: dtype == .float32, inputGradient: dx != nil,
                                  threads: 1, winogradBatch: g.batch)
    let layout = PoolBackwardScratch(plan: largest)
    // Winograd's transformed filters for the input gradient, made once and shared, after
    // the threads' scratch.
    let sharedFilters = dx != nil ? largest.transformedFiltersCount : 0
    let scratch = try Tensor.empty([threads * layout.perThread + sharedFilters], dtype: dtype)
    try dtype.dispatchFloat(ConvolutionPoolBackward(
        x: x, w: w, relu: relu, pooled: pooled, argmax: argmax, dPooled: dPooled, dx: dx, dw: dw, db: db, scratch: scratch,
        convolution: g, pooling: p, layout: layout, threads: threads, group: group,
        winogradPlan: sharedFilters > 0 ? largest : nil, exact: largest.exact))
    return [dx, dw] + (hasBias ? [db] : [])
}

/// One thread's scratch in the backward pass: the convolution kernels' own (less the
/// transformed filters, which the threads share), then one group's dY, its filter and bias
/// gradients, and the thread's running sums of those.
private struct PoolBackwardScratch {
    let kernels: Int, upstream: Int, imageFilter: Int, imageBias: Int, filterSum: Int, biasSum: Int, perThread: Int

    init(plan: ConvolutionPlan) {
        let g = plan.geometry, filterCount = g.patchSize * g.outputChannels
        kernels = 0
        upstream = plan.scratchCount - plan.transformedFiltersCount
        imageFilter = upstream + g.batch * g.outputPixelsPerImage * g.outputChannels
        imageBias = imageFilter + filterCount
        filterSum = imageBias + g.outputChannels
        biasSum = filterSum + filterCount
        perThread = biasSum + g.outputChannels
    }
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
        let g = convolution, batch = g.batch, o = g.outputChannels, filterCount = g.patchSize * o
        let input = UnsafePointer(x.pointer(as: T.self)), filters = UnsafePointer(w.pointer(as: T.self))
        let maxima = UnsafePointer(pooled.pointer(as: T.self)), positions = UnsafePointer(argmax.pointer(as: Int32.self))
        let gradient = UnsafePointer(dPooled.pointer(as: T.self)), buffers = scratch.pointer(as: T.self)
        let convolvedSize = g.outputPixelsPerImage * o, pooledSize = pooling.outputPixelsPerImage * o
        let dxBase = dx?.pointer(as: T.self), wantsFilter = dw != nil, wantsBias = db != nil
        let float32 = T.self == Float.self
        var transformedFilters: UnsafePointer<T>? = nil
        if let winogradPlan {
            let target = buffers + threads * layout.perThread
            prepareWinogradFilters(filters, plan: winogradPlan, into: target)
            transformedFilters = UnsafePointer(target)
        }
        ThreadPool.shared.parallelFor(threads) { thread in
            let base = buffers + thread * layout.perThread
            let upstream = base + layout.upstream
            let groupFilter = base + layout.imageFilter, groupBias = base + layout.imageBias
            let filterSum = base + layout.filterSum, biasSum = base + layout.biasSum
            filterSum.update(repeating: T.zero, count: filterCount)
            biasSum.update(repeating: T.zero, count: o)
            let images = (batch * thread / threads)..<(batch * (thread + 1) / threads)
            for first in stride(from: images.lowerBound, to: images.upperBound, by: group) {
                let count = min(group, images.upperBound - first)
                // dY of these images: each pooled gradient at its window's argmax (an offset
                // into its image), where the relu passed (the pooled value is the relu
                // output there).
                upstream.update(repeating: T.zero, count: count * convolvedSize)
                for image in 0..<count {
                    let start = (first + image) * pooledSize
                    scatterPooledGradient(gradient + start, maxima: maxima + start, positions: positions + start, count: pooledSize,
                                          relu: relu, into: upstream + image * convolvedSize)
                }
                let plan = ConvolutionPlan(batchOf(count, g), backward: true, float32: float32, inputGradient: dxBase != nil,
                                           threads: 1, winogradBatch: batch, exact: exact)
                convolutionBackward(x: input + first * g.inputImageSize, w: filters, dy: UnsafePointer(upstream), reluOutput: nil,
                                    dx: dxBase.map { $0 + first * g.inputImageSize }, dw: wantsFilter ? groupFilter : nil,
                                    db: wantsBias ? groupBias : nil, plan: plan, scratch: base + layout.kernels,
                                    transformedFilters: transformedFilters)
                if wantsFilter { addInPlace(filterSum, UnsafePointer(groupFilter), count: filterCount) }
                if wantsBias { addInPlace(biasSum, UnsafePointer(groupBias), count: o) }
            }
        }
        // The threads' sums, in thread order (the same result on every run).
        for thread in 0..<threads {
            let base = buffers + thread * layout.perThread
            if let dw { addInPlace(dw.pointer(as: T.self), UnsafePointer(base + layout.filterSum), count: filterCount) }
            if let db { addInPlace(db.pointer(as: T.self), UnsafePointer(base + layout.biasSum), count: o) }
        }
    }
}

/// target[positions[j]] += gradient[j], only where maxima[j] > 0 when `relu`. Its own
/// never-inlined function, with both loads unconditional: inlined into the visitor, the
/// filtered loop compiled to a branch per element.
@inline(never)
private func scatterPooledGradient<T: FloatElement>(_ gradient: UnsafePointer<T>, maxima: UnsafePointer<T>,
                                                    positions: UnsafePointer<Int32>, count: Int, relu: Bool,
                                                    into target: UnsafeMutablePointer<T>) {
    if relu {
        for j in 0..<count {
            let value = gradient[j], maximum = maxima[j]
            target[Int(positions[j])] += maximum > T.zero ? value : T.zero
        }
    } else {
        for j in 0..<count { target[Int(positions[j])] += gradient[j] }
    }
}

private struct ConvolutionPoolForward: FloatVisitor {
    let x: Tensor, w: Tensor, b: Tensor?, relu: Bool, y: Tensor, argmax: Tensor?, scratch: Tensor, kind: PoolingKind
    let convolution: WindowGeometry, pooling: WindowGeometry, threads: Int, group: Int, kernelScratch: Int, perThread: Int
    let winograd: Bool
    /// The first plan's `exact`, which every group's plan takes too (the scratch was sized by it).
    let exact: Bool

    func visit<T: FloatElement>(_: T.Type) {
        let g = convolution, batch = g.batch
        let input = UnsafePointer(x.pointer(as: T.self)), filters = UnsafePointer(w.pointer(as: T.self))
        let bias = b.map { UnsafePointer($0.pointer(as: T.self)) }
        let output = y.pointer(as: T.self), buffers = scratch.pointer(as: T.self)
        let positions = argmax?.pointer(as: Int32.self)
        let pooledImageSize = pooling.outputPixelsPerImage * pooling.channels
        let float32 = T.self == Float.self
        var transformedFilters: UnsafePointer<T>? = nil
        if winograd {
            let target = buffers + threads * perThread
            prepareWinogradFilters(filters, plan: ConvolutionPlan(batchOf(group, g), backward: false, float32: float32, threads: 1,
                                                                  winogradBatch: batch, exact: exact), into: target)
            transformedFilters = UnsafePointer(target)
        }
        // The kernels called inside run serially on this thread (the pool is busy with this
        // job), each group's convolution output staying in this thread's cache.
        ThreadPool.shared.parallelFor(threads) { thread in
            let work = buffers + thread * perThread, convolved = work + kernelScratch
            let images = (batch * thread / threads)..<(batch * (thread + 1) / threads)
            for first in stride(from: images.lowerBound, to: images.upperBound, by: group) {
                let count = min(group, images.upperBound - first)
                let plan = ConvolutionPlan(batchOf(count, g), backward: false, float32: float32, threads: 1, winogradBatch: batch,
                                           exact: exact)
                convolutionForward(input + first * g.inputImageSize, filters, bias: bias, relu: relu, convolved, plan: plan,
                                   scratch: work, transformedFilters: transformedFilters)
                let out = output + first * pooledImageSize, pooled = batchOf(count, pooling)
                switch kind {
                case .max: maxPoolForward(UnsafePointer(convolved), out, argmax: positions.map { $0 + first * pooledImageSize }, pooled)
                case .average: avgPoolForward(UnsafePointer(convolved), out, pooled)
                }
            }
        }
    }
}
