import SwiftDLAVX2

/// 3×3, stride-1 float32 convolutions by Winograd's F(4×4, 3×3): about four times fewer
/// multiplies than im2col + GEMM, for a few times its float32 rounding error (see
/// SwiftDLAVX2/WinogradTransforms.swift for the algorithm and the layouts).
///
/// The forward pass and both gradients use it: the input gradient of a stride-1
/// convolution is itself one, of the upstream gradient with the filters turned 180° and
/// their channels swapped; the filter gradient is summed in the transformed space (see
/// `winogradFilterGradient`). For the document's second layer (13×13×32 → 11×11×64) the
/// forward and the filter gradient are 1.3 instead of 4.5 MFLOP an image each, and the
/// input gradient 2.4 instead of 4.5 (plus col2im's scatter, which it does without); the
/// GEMMs, with C = 32 or 64 or the chunk's tiles as their inner dimension, still run near
/// OpenBLAS's full speed.

/// Whether `g` suits the Winograd kernels: a 3×3 window at stride 1 and dilation 1 (any
/// padding), channels in and out multiples of 8, float32, a CPU with AVX2, and outputs
/// large enough that the 4×4 tiles (partly wasted at the edges) need at most half the
/// multiplies of a direct convolution.
package func winogradApplies(_ g: WindowGeometry, float32: Bool) -> Bool {
    guard
        float32 && g.windowHeight == 3 && g.windowWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.channels % 8 == 0 && g.outputChannels % 8 == 0
            && g.channels > 0 && g.outputChannels > 0 && CPUFeatures.current.hasAVX2
    else { return false }
    return 2 * winogradPoints * winogradTilesPerImage(g) <= 9 * g.outputPixelsPerImage
}

/// Whether a batch of `batch` images of `g` has tiles enough (9) to pay for transforming
/// the filters on every call: a single image of a small layer is faster without (the
/// document's third layer, one tile an image, took 25 instead of 11 µs), but its second
/// layer's single image (13×13×32 → 11×11×64, 9 tiles) with Winograd: 39 -> 28-31 CPU µs
/// per call with its pooling, one thread (alternated A/B).
package func winogradPays(_ g: WindowGeometry, batch: Int) -> Bool { batch * winogradTilesPerImage(g) >= 9 }

/// Tiles of 4×4 outputs over one image of `g`.
package func winogradTilesPerImage(_ g: WindowGeometry) -> Int {
    ((g.outputHeight + 3) / 4) * ((g.outputWidth + 3) / 4)
}

/// The convolution whose output is the input gradient of `g` (stride 1, dilation 1): over
/// the upstream gradient (OH, OW, O), with O input and C output channels, padded so that
/// its output is the input's (H, W).
package func winogradInputGradientGeometry(_ g: WindowGeometry) -> WindowGeometry {
    WindowGeometry(
        batch: g.batch, inputHeight: g.outputHeight, inputWidth: g.outputWidth, channels: g.outputChannels,
        windowHeight: 3, windowWidth: 3, outputChannels: g.channels, strideHeight: 1, strideWidth: 1,
        dilationHeight: 1, dilationWidth: 1, padTop: 2 - g.padTop, padLeft: 2 - g.padLeft,
        outputHeight: g.inputHeight, outputWidth: g.inputWidth)
}

/// Tiles per chunk: ~128K floats (512 KB) of transformed inputs and products, which stay in
/// the core's 1 MB L2 with the operands between the transforms and the GEMMs (1 MB chunks
/// measured slower).
package func winogradChunkTiles(_ g: WindowGeometry) -> Int {
    max(8, (1 << 17) / (winogradPoints * max(g.channels + g.outputChannels, 1)))
}

/// products[t][p][o] = Σ_k input[t][p][k] · filters[k][p][o] for each of `points`
/// transform points p: one GEMM per point over the point-interleaved layouts the transforms
/// write (input (tiles, points, width), filters (width, points, outputs)). The 2-D and the
/// row Winograd convolutions share it.
package func transformedProducts(
    points: Int, tiles: Int, width: Int, outputs o: Int, _ input: UnsafePointer<Float>,
    filters: UnsafePointer<Float>, into products: UnsafeMutablePointer<Float>
) {
    for point in 0..<points {
        gemm(
            m: tiles, n: o, k: width,
            MatrixOperand(pointer: input + point * width, transposed: false, leadingDimension: points * width),
            MatrixOperand(pointer: filters + point * o, transposed: false, leadingDimension: points * o),
            products + point * o, ldc: points * o)
    }
}

/// Scratch floats `winogradConvolution` needs for `g`.
package func winogradWorkCount(_ g: WindowGeometry) -> Int {
    winogradChunkTiles(g) * winogradPoints * (g.channels + g.outputChannels)
}

/// y = relu?(conv(x, w) + bias) over tiles `tiles` of `g` (numbered over the batch), a
/// chunk at a time: the input transform, one GEMM per point, the output transform.
/// `transformedFilters` is `winogradTransformFiltersAVX2`'s output for w; `mask`, when
/// given, zeroes x where it is not positive (see the input transform); `work` holds
/// `winogradWorkCount(g)` floats.
package func winogradConvolution(
    _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>? = nil, transformedFilters u: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool, _ y: UnsafeMutablePointer<Float>, geometry g: WindowGeometry,
    tiles: Range<Int>, work: UnsafeMutablePointer<Float>
) {
    let c = g.channels, o = g.outputChannels, window = PlaneWindow(g), chunkTiles = winogradChunkTiles(g)
    for start in stride(from: tiles.lowerBound, to: tiles.upperBound, by: chunkTiles) {
        let chunk = start..<min(start + chunkTiles, tiles.upperBound)
        let transformedInput = work, products = work + winogradPoints * chunk.count * c
        winogradTransformInputAVX2(x, mask: mask, channels: c, window: window, tiles: chunk, into: transformedInput)
        transformedProducts(
            points: winogradPoints, tiles: chunk.count, width: c, outputs: o, UnsafePointer(transformedInput),
            filters: u, into: products)
        winogradTransformOutputAVX2(
            UnsafePointer(products), bias: bias, relu: relu, y, outputChannels: o, window: window,
            tiles: chunk)
    }
}

/// The input gradient's filters, transformed: w (3, 3, C, O) turned 180° with its channels
/// swapped, (3, 3, O, C), through the filter transform. `target` holds 45·C·O floats:
/// the 36·C·O transformed filters, then the turned ones.
package func prepareWinogradInputGradientFilters(
    _ w: UnsafePointer<Float>, channels c: Int, outputChannels o: Int,
    into target: UnsafeMutablePointer<Float>
) {
    let turned = target + winogradPoints * c * o
    for tap in 0..<9 {
        let source = w + (8 - tap) * c * o, destination = turned + tap * c * o
        for channel in 0..<c {
            for output in 0..<o { destination[output * c + channel] = source[channel * o + output] }
        }
    }
    winogradTransformFiltersAVX2(UnsafePointer(turned), channels: o, outputChannels: c, into: target)
}

/// The filter gradient of `g` in Winograd's space, ADDED to dU [c][point][o] (36·C·O
/// floats), over tiles `tiles` of the output: per chunk, the input transform of x, the
/// A·dY·Aᵀ transform of the upstream gradient (relu-masked by `mask` when given), and one
/// GEMM per point, Vᵀ · Ŷ. `winogradFilterGradientAVX2` turns the sum into the (3, 3, C,
/// O) gradient. `work` holds `winogradWorkCount(g)` floats.
package func winogradFilterGradient(
    _ x: UnsafePointer<Float>, upstream: UnsafePointer<Float>, mask: UnsafePointer<Float>?,
    geometry g: WindowGeometry, tiles: Range<Int>, into du: UnsafeMutablePointer<Float>,
    work: UnsafeMutablePointer<Float>
) {
    let c = g.channels, o = g.outputChannels, window = PlaneWindow(g), chunkTiles = winogradChunkTiles(g)
    for start in stride(from: tiles.lowerBound, to: tiles.upperBound, by: chunkTiles) {
        let chunk = start..<min(start + chunkTiles, tiles.upperBound)
        let transformedInput = work, transformedUpstream = work + winogradPoints * chunk.count * c
        winogradTransformInputAVX2(x, channels: c, window: window, tiles: chunk, into: transformedInput)
        winogradTransformUpstreamAVX2(
            upstream, mask: mask, outputChannels: o, window: window, tiles: chunk,
            into: transformedUpstream)
        for point in 0..<winogradPoints {
            gemm(
                m: c, n: o, k: chunk.count,
                MatrixOperand(
                    pointer: UnsafePointer(transformedInput + point * c), transposed: true,
                    leadingDimension: winogradPoints * c),
                MatrixOperand(
                    pointer: UnsafePointer(transformedUpstream + point * o), transposed: false,
                    leadingDimension: winogradPoints * o),
                du + point * o, ldc: winogradPoints * o, accumulate: true)
        }
    }
}
