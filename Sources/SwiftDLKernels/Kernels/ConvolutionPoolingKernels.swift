/// The threaded kernels of the fused convolution + pooling op (Ops/NN/ConvolutionPooling.swift):
/// how the batch is split into per-thread slices and groups of images, and the forward and
/// backward passes over them.

/// Images per group: enough for the GEMMs inside to stay efficient, few enough that the
/// group's convolution output (~256 KB) stays in the core's cache until it is pooled.
package func imagesPerGroup(_ g: WindowGeometry, threads: Int) -> Int {
    let perImage = max(g.outputPixelsPerImage * g.outputChannels, 1)
    let perThread = (g.batch + threads - 1) / max(threads, 1)
    return max(1, min(perThread, 65_536 / perImage))
}

/// The geometry of `count` images of `g`.
package func batchOf(_ count: Int, _ g: WindowGeometry) -> WindowGeometry {
    var group = g
    group.batch = count
    return group
}

/// pool(relu?(conv2d + bias)), each thread a slice of the images, a group of them at a
/// time, each group's convolution output pooled while it is in the thread's cache (see
/// `conv2dPool`). `buffers` holds `perThread` elements a thread, then Winograd's shared
/// transformed filters when `winograd`. `exact` is the first plan's, which every group's
/// plan takes too (the scratch was sized by it).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
package func convolutionPoolForwardKernel<T: FloatElement>(
    _ input: UnsafePointer<T>, filters: UnsafePointer<T>, bias: UnsafePointer<T>?, relu: Bool,
    output: UnsafeMutablePointer<T>,
    positions: UnsafeMutablePointer<Int32>?, scratch buffers: UnsafeMutablePointer<T>, kind: PoolingKind,
    convolution: WindowGeometry, pooling: WindowGeometry, threads: Int, group: Int, kernelScratch: Int, perThread: Int,
    winograd: Bool, exact: Bool
) {
    let g = convolution, batch = g.batch
    let pooledImageSize = pooling.outputPixelsPerImage * pooling.channels
    let float32 = T.self == Float.self
    var transformedFilters: UnsafePointer<T>? = nil
    if winograd {
        let target = buffers + threads * perThread
        prepareWinogradFilters(
            filters,
            plan: ConvolutionPlan(
                batchOf(group, g), backward: false, float32: float32, threads: 1,
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
            let plan = ConvolutionPlan(
                batchOf(count, g), backward: false, float32: float32, threads: 1, winogradBatch: batch,
                exact: exact)
            convolutionForward(
                input + first * g.inputImageSize, filters, bias: bias, relu: relu, convolved, plan: plan,
                scratch: work, transformedFilters: transformedFilters)
            let out = output + first * pooledImageSize, pooled = batchOf(count, pooling)
            switch kind {
            case .max:
                maxPoolForward(
                    UnsafePointer(convolved), out, argmax: positions.map { $0 + first * pooledImageSize }, pooled)
            case .average: avgPoolForward(UnsafePointer(convolved), out, pooled)
            }
        }
    }
}

/// One thread's scratch in the backward pass: the convolution kernels' own (less the
/// transformed filters, which the threads share), then one group's dY, its filter and bias
/// gradients, and the thread's running sums of those.
package struct PoolBackwardScratch {
    package let kernels: Int, upstream: Int, imageFilter: Int, imageBias: Int, filterSum: Int, biasSum: Int,
        perThread: Int

    package init(plan: ConvolutionPlan) {
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

/// The VJP of max pooling over relu?(conv2d + bias), each thread a slice of the images, a
/// group of them at a time (see `conv2dPool`): dY rebuilt per group from the pooled
/// gradient at each window's argmax, the convolution's backward kernels run on it, and
/// per-thread filter and bias gradient sums added into `dw` and `db` in thread order.
/// `exact` is the first plan's, which every group's plan takes too (the scratch was sized by it).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
package func convolutionPoolBackwardKernel<T: FloatElement>(
    input: UnsafePointer<T>, filters: UnsafePointer<T>, relu: Bool, maxima: UnsafePointer<T>,
    positions: UnsafePointer<Int32>,
    gradient: UnsafePointer<T>, dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?,
    db: UnsafeMutablePointer<T>?,
    scratch buffers: UnsafeMutablePointer<T>, convolution: WindowGeometry, pooling: WindowGeometry,
    layout: PoolBackwardScratch,
    threads: Int, group: Int, winogradPlan: ConvolutionPlan?, exact: Bool
) {
    let g = convolution, batch = g.batch, o = g.outputChannels, filterCount = g.patchSize * o
    let convolvedSize = g.outputPixelsPerImage * o, pooledSize = pooling.outputPixelsPerImage * o
    let dxBase = dx, wantsFilter = dw != nil, wantsBias = db != nil
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
                scatterPooledGradient(
                    gradient + start, maxima: maxima + start, positions: positions + start, count: pooledSize,
                    relu: relu, into: upstream + image * convolvedSize)
            }
            let plan = ConvolutionPlan(
                batchOf(count, g), backward: true, float32: float32, inputGradient: dxBase != nil,
                threads: 1, winogradBatch: batch, exact: exact)
            convolutionBackward(
                x: input + first * g.inputImageSize, w: filters, dy: UnsafePointer(upstream), reluOutput: nil,
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
        if let dw { addInPlace(dw, UnsafePointer(base + layout.filterSum), count: filterCount) }
        if let db { addInPlace(db, UnsafePointer(base + layout.biasSum), count: o) }
    }
}

/// target[positions[j]] += gradient[j], only where maxima[j] > 0 when `relu`. Its own
/// never-inlined function, with both loads unconditional: inlined into the visitor, the
/// filtered loop compiled to a branch per element.
@inline(never)
private func scatterPooledGradient<T: FloatElement>(
    _ gradient: UnsafePointer<T>, maxima: UnsafePointer<T>,
    positions: UnsafePointer<Int32>, count: Int, relu: Bool,
    into target: UnsafeMutablePointer<T>
) {
    if relu {
        for j in 0..<count {
            let value = gradient[j], maximum = maxima[j]
            target[Int(positions[j])] += maximum > T.zero ? value : T.zero
        }
    } else {
        for j in 0..<count { target[Int(positions[j])] += gradient[j] }
    }
}
