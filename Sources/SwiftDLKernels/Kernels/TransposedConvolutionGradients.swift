/// Both gradients of a transposed convolution in one pass over its upstream gradient.
///
/// The transposed convolution y = convT(x, w) is conv2d's input gradient over a geometry g
/// whose image is y. Its gradients are conv2d itself over dy (dx = im2col(dy) · W) and
/// conv2d's filter gradient with dy as the image and x as the upstream (dW = im2col(dy)ᵀ · x).
/// Both read the same column matrix: built once per chunk and read by both GEMMs while in
/// cache, instead of by two kernels that each build it (for the autoencoder's second
/// Conv2DTranspose, 12,544 rows of 288 a batch).

/// Whether `transposedConvolutionGradients` serves `plan` (a backward plan of g made
/// without an input gradient): im2col plans whose filter gradient is a GEMM; Winograd,
/// pointwise and the one-channel kernels keep their own paths.
public func sharesColumnsForTransposedGradients(_ plan: ConvolutionPlan) -> Bool {
    plan.algorithm == .im2col && !plan.filterGradientByWinograd && plan.geometry.patchSize > 0
}

/// dx (g's output pixels × C) = im2col(dy) · w, and dw (K, C) = im2col(dy)ᵀ · x, over
/// `plan`'s slices (image-aligned); dy is g's image (N, OH, OW, O), x and dx are (N, H, W,
/// C), w is (KH, KW, O, C). `scratch` holds `plan.scratchCount` elements.
@_specialize(exported:true,where T == Float)
@_specialize(exported:true,where T == Double)
public func transposedConvolutionGradients<T: FloatElement>(
    upstream dy: UnsafePointer<T>, filters w: UnsafePointer<T>, input x: UnsafePointer<T>,
    dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?, plan: ConvolutionPlan,
    scratch: UnsafeMutablePointer<T>
) {
    let g = plan.geometry
    let k = g.patchSize, c = g.outputChannels
    let filters = MatrixOperand(pointer: w, transposed: false, leadingDimension: max(c, 1))
    plan.forEachSlice { slice in
        let base = scratch + slice * plan.scratchPerSlice
        let work = base, filterPartial = base + plan.filterPartialOffset
        if dw != nil { filterPartial.update(repeating: T.zero, count: k * c) }
        let pixels = plan.pixels(ofSlice: slice)
        for start in stride(from: pixels.lowerBound, to: pixels.upperBound, by: plan.chunkRows) {
            let chunk = start..<min(start + plan.chunkRows, pixels.upperBound)
            im2col(dy, g, pixels: chunk, into: work)
            let columns = MatrixOperand(pointer: UnsafePointer(work), transposed: false, leadingDimension: k)
            if let dx {
                gemm(m: chunk.count, n: c, k: k, columns, filters, dx + chunk.lowerBound * c, ldc: max(c, 1))
            }
            if dw != nil {
                gemm(
                    m: k, n: c, k: chunk.count,
                    MatrixOperand(pointer: UnsafePointer(work), transposed: true, leadingDimension: k),
                    MatrixOperand(pointer: x + chunk.lowerBound * c, transposed: false, leadingDimension: max(c, 1)),
                    filterPartial, ldc: max(c, 1), accumulate: true)
            }
        }
    }
    // The slices' partial sums, added in slice order (the same result on every run).
    guard let dw else { return }
    let first = scratch + plan.filterPartialOffset
    dw.update(from: first, count: k * c)
    for s in 1..<max(plan.slices, 1) { addInPlace(dw, UnsafePointer(first + s * plan.scratchPerSlice), count: k * c) }
}
