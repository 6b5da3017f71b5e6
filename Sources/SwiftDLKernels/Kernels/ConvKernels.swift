import SwiftDLAVX2

/// 2-D convolution kernels over NHWC input and HWIO filters, forward and backward, each
/// run as one slice per thread (see `ConvolutionPlan`).
///
/// Forward, per chunk of output pixels: im2col (skipped for pointwise convolutions, whose
/// input is the column matrix), one GEMM columns · filters, then bias and relu in one pass.
/// Backward, per chunk: the relu mask applied to the upstream gradient, its column sums
/// (the bias gradient), Columnsᵀ · dY (the filter gradient, accumulated per slice and
/// summed after), and dY · Wᵀ followed by col2im (the input gradient).
///
/// Float32 3×3 stride-1 convolutions with channels in multiples of 8 go by Winograd's
/// F(4×4, 3×3) on AVX2 CPUs: the forward pass, the filter gradient, and the input gradient
/// where its tiles pay (Kernels/WinogradConvolution.swift).
///
/// One-channel float32 input on AVX2 CPUs takes direct kernels instead
/// (SwiftDLAVX2/SingleChannelConvolution.swift): with one channel im2col copies runs of 3
/// floats and the K = 9 GEMM runs at a third of OpenBLAS's speed. (A direct kernel compiled
/// for baseline x86 had measured 4x slower than im2col + GEMM; with AVX2 FMAs and the
/// windows gathered once per chunk it halved the first layer's forward time.)

// MARK: - Forward

/// y = activation(conv(x, w) + bias): x (N, H, W, C), w (KH, KW, C, O), y (N, OH, OW, O).
/// `scratch` holds `plan.scratchCount` elements; `plan` must be a forward plan. A Winograd
/// plan transforms the filters into its scratch first, unless the caller passes them
/// already transformed (`prepareWinogradFilters`), as one made for many calls can.
/// With `relu`, a finite `reluMax` caps the output too (ReLU6), NaN kept. A `residual` (y's
/// shape) is added last, after the activation: in registers where the small AVX-512 product
/// runs, else while the chunk is in cache, else (Winograd and the direct kernels) in a pass
/// of its own.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func convolutionForward<T: FloatElement>(
    _ x: UnsafePointer<T>, _ w: UnsafePointer<T>, bias: UnsafePointer<T>?, relu: Bool,
    _ y: UnsafeMutablePointer<T>, plan: ConvolutionPlan, scratch: UnsafeMutablePointer<T>,
    transformedFilters: UnsafePointer<T>? = nil, reluMax: Double = .infinity, residual: UnsafePointer<T>? = nil
) {
    let g = plan.geometry
    let k = g.patchSize, o = g.outputChannels
    if g.outputPixels == 0 || o == 0 { return }
    let filters = MatrixOperand(pointer: w, transposed: false, leadingDimension: o)
    var winogradFilters = plan.algorithm == .winograd ? transformedFilters : nil
    if plan.algorithm == .winograd && winogradFilters == nil {
        let target = scratch + plan.slices * plan.scratchPerSlice
        prepareWinogradFilters(w, plan: plan, into: target)
        winogradFilters = UnsafePointer(target)
    }
    let cap: T? = relu && reluMax.isFinite ? T(reluMax) : nil
    plan.forEachSlice { slice in
        let work = scratch + slice * plan.scratchPerSlice
        if let winogradFilters {
            winogradConvolution(
                x.asFloat, transformedFilters: winogradFilters.asFloat, bias: bias?.asFloat, relu: relu, y.asFloat,
                geometry: g, tiles: plan.tiles(ofSlice: slice), work: work.asFloat)
            return
        }
        let pixels = plan.pixels(ofSlice: slice)
        if plan.algorithm == .singleOutput {
            singleOutputConvolutionForwardAVX2(
                x.asFloat, w.asFloat, bias: bias?.asFloat[0] ?? 0, relu: relu, y.asFloat,
                channels: g.channels, window: PlaneWindow(g), pixels: pixels)
            if let cap { capAbove(y + pixels.lowerBound, count: pixels.count, cap) }
            return
        }
        if plan.algorithm == .singleChannel {
            singleChannelConvolutionForwardAVX2(
                x.asFloat, w.asFloat, bias: bias?.asFloat, relu: relu, y.asFloat,
                outputChannels: o, window: PlaneWindow(channelsAlongRows: plan.geometry), pixels: pixels,
                scratch: work.asFloat)
            if let cap { capAbove(y + pixels.lowerBound * o, count: pixels.count * o, cap) }
            return
        }
        if shallowPointwise(plan, T.self) {
            shallowPointwiseConvolutionAVX2(
                x.asFloat, w.asFloat, bias: bias?.asFloat, y.asFloat, rows: pixels, k: k, n: o,
                clamp: relu ? ReluClamp(top: Float(reluMax)) : nil)
            return
        }
        for start in stride(from: pixels.lowerBound, to: pixels.upperBound, by: plan.chunkRows) {
            let chunk = start..<min(start + plan.chunkRows, pixels.upperBound)
            let out = y + chunk.lowerBound * o
            if plan.algorithm == .im2col { im2col(x, g, pixels: chunk, into: work) }
            let patches = MatrixOperand(
                pointer: plan.algorithm == .pointwise ? x + chunk.lowerBound * k : UnsafePointer(work),
                transposed: false, leadingDimension: max(k, 1))
            // A product the small AVX-512 kernel takes gets its bias and relu in registers:
            // no pass over the chunk after it.
            let chunkResidual = residual.map { $0 + chunk.lowerBound * o }
            if gemmWithEpilogueInRegisters(
                m: chunk.count, n: o, k: k, patches, filters, out, ldc: o, bias: bias,
                clamp: relu ? ReluClamp(top: Float(reluMax)) : nil, residual: chunkResidual)
            {
                continue
            }
            gemm(m: chunk.count, n: o, k: k, patches, filters, out, ldc: o)
            addBiasAndRelu(out, rows: chunk.count, columns: o, bias: bias, relu: relu)
            // The chunk is still in cache: capping it here costs no memory traffic.
            if let cap { capAbove(out, count: chunk.count * o, cap) }
            if let chunkResidual { addInPlace(out, chunkResidual, count: chunk.count * o) }
        }
    }
    // Winograd's tiles write scattered rows; its rare capped case takes one more pass.
    if let cap, winogradFilters != nil { capAbove(y, count: g.outputPixels * o, cap) }
    if let residual, !plan.addsResidualInChunks(T.self) { addInPlace(y, residual, count: g.outputPixels * o) }
}

extension ConvolutionPlan {
    /// Whether `convolutionForward` runs the chunk loop (pointwise or im2col products), which
    /// adds a residual chunk by chunk; the other kernels leave it to a pass at the end.
    fileprivate func addsResidualInChunks<T>(_: T.Type) -> Bool {
        (algorithm == .pointwise || algorithm == .im2col) && !shallowPointwise(self, T.self)
    }
}

/// Whether a forward pass goes by `shallowPointwiseConvolutionAVX2`: a float32 1×1
/// convolution with at most 32 input channels and output channels in multiples of 48 (the
/// kernel's six-vector blocks, six independent chains of multiply-adds), on AVX2 CPUs.
/// MobileNetV2's expansions at batch 256, one thread's CPU time against OpenBLAS and the
/// epilogue pass, alternated: 48×48×16 → 96 48-51 → 25-35 ms, 24×24×24 → 144 26-29 → 15-17
/// ms, 12×12×32 → 192 7-10 → 7-8 ms. Narrower outputs (16, 24, 40 channels: one to five
/// chains, bound by the multiply-adds' latency) and 3×3 windows over RGB (K = 27, as a
/// column matrix) measured no faster or slower, so they stay with OpenBLAS. On AVX-512 CPUs,
/// inputs of up to 1 MB (one image) go to the engine's small-product kernel
/// (SwiftDLAVX512/SmallGemm.swift) and the epilogue pass instead, one thread, alternated:
/// 48×48×16 → 96 86-89 → 62-65 µs, 24×24×24 → 144 50-71 → 31-32, 12×12×32 → 192 24-30 → 14;
/// at batch 256 this kernel with its batch norm folded in stayed 1.4× faster (MobileNetV2's
/// predict: 36 against 58 ms for 48×48×16 → 96).
@inline(__always)
private func shallowPointwise<T>(_ plan: ConvolutionPlan, _: T.Type) -> Bool {
    let g = plan.geometry
    let oneImage = g.batch * g.inputImageSize * MemoryLayout<T>.size <= 1 << 20
    return plan.algorithm == .pointwise && T.self == Float.self && g.patchSize <= 32 && g.outputChannels % 48 == 0
        && CPUFeatures.current.hasAVX2 && !(CPUFeatures.current.hasAVX512Kernels && oneImage)
}

/// values[i] = min(values[i], top), NaN kept: the cap of a ReLU6 after the relu itself.
@inline(never)
package func capAbove<T: FloatElement>(_ values: UnsafeMutablePointer<T>, count: Int, _ top: T) {
    for i in 0..<count { let v = values[i]; values[i] = v > top ? top : v }
}

/// The filters w (3, 3, C, O) as a Winograd plan's slices read them (a forward plan's, or a
/// backward plan's with `inputGradientByWinograd`): `plan.transformedFiltersCount` elements
/// written to `target`.
public func prepareWinogradFilters<T: FloatElement>(
    _ w: UnsafePointer<T>, plan: ConvolutionPlan, into target: UnsafeMutablePointer<T>
) {
    // Unreachable from user input: plans choose Winograd only for float32 (`winogradApplies`),
    // and the engine calls this only for plans that did; a caller in Swift passing another
    // plan is a programming error.
    precondition(
        plan.transformedFiltersCount > 0 && T.self == Float.self, "prepareWinogradFilters needs a float32 Winograd plan"
    )
    let c = plan.geometry.channels, o = plan.geometry.outputChannels
    if plan.backward {
        prepareWinogradInputGradientFilters(w.asFloat, channels: c, outputChannels: o, into: target.asFloat)
    } else {
        winogradTransformFiltersAVX2(w.asFloat, channels: c, outputChannels: o, into: target.asFloat)
    }
}

// MARK: - Backward

/// The gradients of y = activation(conv(x, w) + bias) for upstream dy (N, OH, OW, O): any
/// of dx (x's shape), dw (w's shape) and db (O). With `reluOutput` (the forward's y), dy is
/// first zeroed where the relu was inactive. `scratch` holds `plan.scratchCount`
/// elements; `plan` must be a backward plan made knowing whether dx is wanted. A plan with
/// `inputGradientByWinograd` transforms the filters into its scratch first, unless the
/// caller passes them (`prepareWinogradFilters`).
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func convolutionBackward<T: FloatElement>(
    x: UnsafePointer<T>, w: UnsafePointer<T>, dy: UnsafePointer<T>, reluOutput: UnsafePointer<T>?,
    dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?, db: UnsafeMutablePointer<T>?,
    plan: ConvolutionPlan, scratch: UnsafeMutablePointer<T>, transformedFilters: UnsafePointer<T>? = nil
) {
    let g = plan.geometry
    let k = g.patchSize, o = g.outputChannels
    let pointwise = plan.algorithm == .pointwise
    var winogradFilters = plan.inputGradientByWinograd && dx != nil ? transformedFilters : nil
    // dColumns = dY · Wᵀ. Wᵀ (O, K) is written out once here rather than read through a
    // transposed operand: products handed a transposed B copy it themselves, once per chunk
    // (the AVX-512 small-product kernel does), and the chunks of one call are many.
    let gemmInputGradient =
        dx != nil && !plan.inputGradientByWinograd && plan.algorithm != .singleChannel
        && plan.algorithm != .singleOutput
    let transposedCopy = gemmInputGradient ? UnsafeMutablePointer<T>.allocate(capacity: max(k * o, 1)) : nil
    defer { transposedCopy?.deallocate() }
    if let transposedCopy { transposeMatrix(w, rows: k, columns: o, sourceStride: max(o, 1), into: transposedCopy) }
    let filtersTransposed =
        transposedCopy.map { MatrixOperand(pointer: UnsafePointer($0), transposed: false, leadingDimension: max(k, 1)) }
        ?? MatrixOperand(pointer: w, transposed: true, leadingDimension: max(o, 1))
    if plan.inputGradientByWinograd && dx != nil && winogradFilters == nil {
        let target = scratch + plan.slices * plan.scratchPerSlice
        prepareWinogradFilters(w, plan: plan, into: target)
        winogradFilters = UnsafePointer(target)
    }
    plan.forEachSlice { slice in
        let base = scratch + slice * plan.scratchPerSlice
        let work = base, masked = base + plan.maskedOffset
        let filterPartial = base + plan.filterPartialOffset, biasPartial = base + plan.biasPartialOffset
        let blockSums = base + plan.blockSumsOffset
        filterPartial.update(repeating: T.zero, count: plan.filterPartialCount)
        biasPartial.update(repeating: T.zero, count: o)
        let pixels = plan.pixels(ofSlice: slice)
        if plan.algorithm == .singleChannel {
            singleChannelConvolutionGradientAVX2(
                x.asFloat, upstream: dy.asFloat, reluOutput: reluOutput?.asFloat,
                filterGradient: filterPartial.asFloat, biasGradient: biasPartial.asFloat,
                outputChannels: o, window: PlaneWindow(channelsAlongRows: plan.geometry), pixels: pixels,
                scratch: work.asFloat)
            return
        }
        if plan.algorithm == .singleOutput {
            let perImage = max(g.outputPixelsPerImage, 1)
            singleOutputConvolutionGradientAVX2(
                x.asFloat, w.asFloat, upstream: dy.asFloat, reluOutput: reluOutput?.asFloat, inputGradient: dx?.asFloat,
                filterGradient: dw == nil ? nil : filterPartial.asFloat,
                biasGradient: db == nil ? nil : biasPartial.asFloat, channels: g.channels, window: PlaneWindow(g),
                images: pixels.lowerBound / perImage..<pixels.upperBound / perImage, scratch: work.asFloat)
            return
        }
        if let dx, let winogradFilters {
            // The input gradient: dY (relu-masked) through the turned filters, this slice's images.
            let gradient = winogradInputGradientGeometry(g), perImage = winogradTilesPerImage(gradient)
            let images = pixels.lowerBound / g.outputPixelsPerImage..<pixels.upperBound / g.outputPixelsPerImage
            winogradConvolution(
                dy.asFloat, mask: reluOutput?.asFloat, transformedFilters: winogradFilters.asFloat, bias: nil,
                relu: false, dx.asFloat, geometry: gradient,
                tiles: images.lowerBound * perImage..<images.upperBound * perImage, work: work.asFloat)
        } else if let dx, !pointwise {
            // col2im adds into dx: zero this slice's images first.
            let perImage = max(g.outputPixelsPerImage, 1)
            (dx + pixels.lowerBound / perImage * g.inputImageSize).update(
                repeating: T.zero, count: pixels.count / perImage * g.inputImageSize)
        }
        let filterByGEMM = dw != nil && !plan.filterGradientByWinograd
        if dw != nil && plan.filterGradientByWinograd {
            let perImage = winogradTilesPerImage(g)
            let images = pixels.lowerBound / g.outputPixelsPerImage..<pixels.upperBound / g.outputPixelsPerImage
            winogradFilterGradient(
                x.asFloat, upstream: dy.asFloat, mask: reluOutput?.asFloat, geometry: g,
                tiles: images.lowerBound * perImage..<images.upperBound * perImage,
                into: filterPartial.asFloat, work: work.asFloat)
        }
        // What is left for the pixel chunks: the bias gradient, and GEMM-based filter and input gradients.
        let chunksNeeded = db != nil || filterByGEMM || (dx != nil && winogradFilters == nil)
        for start in stride(
            from: pixels.lowerBound, to: chunksNeeded ? pixels.upperBound : pixels.lowerBound, by: plan.chunkRows)
        {
            let chunk = start..<min(start + plan.chunkRows, pixels.upperBound)
            var upstream = dy + chunk.lowerBound * o
            if let reluOutput {
                reluGradient(upstream, output: reluOutput + chunk.lowerBound * o, into: masked, count: chunk.count * o)
                upstream = UnsafePointer(masked)
            }
            let upstreamMatrix = MatrixOperand(pointer: upstream, transposed: false, leadingDimension: o)
            if db != nil {
                addColumnSums(upstream, rows: chunk.count, columns: o, into: biasPartial, blockSums: blockSums)
            }
            if filterByGEMM {
                if !pointwise { im2col(x, g, pixels: chunk, into: work) }
                let patches = pointwise ? x + chunk.lowerBound * k : UnsafePointer(work)
                gemm(
                    m: k, n: o, k: chunk.count,
                    MatrixOperand(pointer: patches, transposed: true, leadingDimension: max(k, 1)),
                    upstreamMatrix, filterPartial, ldc: o, accumulate: true)
            }
            if let dx, winogradFilters == nil {
                if pointwise {
                    gemm(
                        m: chunk.count, n: k, k: o, upstreamMatrix, filtersTransposed, dx + chunk.lowerBound * k,
                        ldc: max(k, 1))
                } else {
                    gemm(m: chunk.count, n: k, k: o, upstreamMatrix, filtersTransposed, work, ldc: max(k, 1))
                    col2imAdd(UnsafePointer(work), g, pixels: chunk, into: dx)
                }
            }
        }
    }
    // The slices' partial sums, added in slice order (the same result on every run).
    let perSlice = plan.scratchPerSlice
    if let dw {
        if plan.filterGradientByWinograd {
            // Summed in Winograd's space (into the first slice's partial), then turned back.
            let first = scratch + plan.filterPartialOffset
            for s in 1..<max(plan.slices, 1) {
                addInPlace(first, UnsafePointer(first + s * perSlice), count: plan.filterPartialCount)
            }
            winogradFilterGradientAVX2(
                UnsafePointer(first).asFloat, channels: g.channels, outputChannels: o, into: dw.asFloat)
        } else {
            sumSlices(scratch + plan.filterPartialOffset, stride: perSlice, slices: plan.slices, count: k * o, into: dw)
        }
    }
    if let db { sumSlices(scratch + plan.biasPartialOffset, stride: perSlice, slices: plan.slices, count: o, into: db) }
}

/// into[i] = Σ over slices s of (first + s·stride)[i].
private func sumSlices<T: FloatElement>(
    _ first: UnsafeMutablePointer<T>, stride: Int, slices: Int, count: Int,
    into result: UnsafeMutablePointer<T>
) {
    result.update(from: first, count: count)
    for s in 1..<max(slices, 1) { addInPlace(result, UnsafePointer(first + s * stride), count: count) }
}

/// sums[j] += Σ over rows of m[row][j], in blocks of 256 rows summed apart, so float32
/// rounding error grows with the block size rather than with the batch.
private func addColumnSums<T: FloatElement>(
    _ m: UnsafePointer<T>, rows: Int, columns: Int,
    into sums: UnsafeMutablePointer<T>, blockSums: UnsafeMutablePointer<T>
) {
    let block = 256
    for start in stride(from: 0, to: rows, by: block) {
        blockSums.update(repeating: T.zero, count: columns)
        for r in start..<min(start + block, rows) { addInPlace(blockSums, m + r * columns, count: columns) }
        addInPlace(sums, UnsafePointer(blockSums), count: columns)
    }
}

// MARK: - Small loops
//
// NOTE: these loops are never inlined. Inlined into the generic convolution code they
// compiled to branchy scalar loops (~6 ns an element, most of the first CNN layer's time);
// as functions of their own they vectorise (4-5x faster). The relu gradient's loads are
// both unconditional for the same reason: a conditional load kept the select from
// vectorising. The bias-and-relu loop needs concrete Float and Double versions: even as a
// never-inlined generic function its NaN-keeping relu compiled to a branch per element.

/// out[r][j] = relu(out[r][j] + bias[j]), either part optional; relu keeps NaN, as
/// TensorFlow's does.
package func addBiasAndRelu<T: FloatElement>(
    _ out: UnsafeMutablePointer<T>, rows: Int, columns: Int, bias: UnsafePointer<T>?, relu: Bool
) {
    if bias == nil && !relu { return }
    if T.self == Float.self {
        addBiasAndRelu(out.asFloat, rows: rows, columns: columns, bias: bias?.asFloat, relu: relu)
    } else {
        addBiasAndRelu(out.asDouble, rows: rows, columns: columns, bias: bias?.asDouble, relu: relu)
    }
}

/// The relu VJP through its output: g where out > 0, else 0.
@inline(never)
public func reluGradient<T: FloatElement>(
    _ g: UnsafePointer<T>, output: UnsafePointer<T>, into result: UnsafeMutablePointer<T>, count: Int
) {
    for i in 0..<count { let gradient = g[i], value = output[i]; result[i] = value > T.zero ? gradient : T.zero }
}

/// target[i] += source[i].
@inline(never)
package func addInPlace<T: FloatElement>(_ target: UnsafeMutablePointer<T>, _ source: UnsafePointer<T>, count: Int) {
    for i in 0..<count { target[i] += source[i] }
}

@inline(never)
private func addBiasAndRelu(
    _ out: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>?, relu: Bool
) {
    for r in 0..<rows {
        let row = out + r * columns
        if let bias {
            if relu {
                for j in 0..<columns { let v = row[j] + bias[j]; row[j] = v > 0 || v.isNaN ? v : 0 }
            } else {
                for j in 0..<columns { row[j] += bias[j] }
            }
        } else {
            for j in 0..<columns { let v = row[j]; row[j] = v > 0 || v.isNaN ? v : 0 }
        }
    }
}

@inline(never)
private func addBiasAndRelu(
    _ out: UnsafeMutablePointer<Double>, rows: Int, columns: Int, bias: UnsafePointer<Double>?, relu: Bool
) {
    for r in 0..<rows {
        let row = out + r * columns
        if let bias {
            if relu {
                for j in 0..<columns { let v = row[j] + bias[j]; row[j] = v > 0 || v.isNaN ? v : 0 }
            } else {
                for j in 0..<columns { row[j] += bias[j] }
            }
        } else {
            for j in 0..<columns { let v = row[j]; row[j] = v > 0 || v.isNaN ? v : 0 }
        }
    }
}
