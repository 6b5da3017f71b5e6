import SwiftDLAVX2

/// How one convolution's work is shared out over the cores.
///
/// The rows of the im2col matrix (the output pixels, over the whole batch) are cut into one
/// slice per thread, and each thread runs its slice from start to end: im2col, its own
/// single-threaded GEMM, the bias and relu epilogue (forward); the relu mask, the bias and
/// filter gradient partials and col2im (backward). The threads meet once per convolution,
/// not once per stage, and every stage of a chunk reads data the previous one left in cache.
/// (Letting BLAS thread each GEMM while our pool ran im2col and the epilogues kept the
/// cores idle in turn: two threads trained the CNN no faster than one.)
///
/// Each slice walks its rows in chunks small enough that the chunk's column matrix stays
/// in the core's cache between im2col and the GEMM that reads it.
public struct ConvolutionPlan: Sendable {
    public let geometry: WindowGeometry
    public let algorithm: ConvolutionAlgorithm
    /// Slices run in parallel, one per thread.
    public let slices: Int
    /// Backward slices start and end on image boundaries (col2im adds into whole images).
    public let alignedToImages: Bool
    /// Output pixels per chunk (im2col and pointwise).
    public let chunkRows: Int
    /// Backward: the input gradient is a Winograd convolution of the upstream gradient
    /// (Kernels/WinogradConvolution.swift) rather than a GEMM and col2im.
    public let inputGradientByWinograd: Bool
    /// Backward: the filter gradient is summed in Winograd's space (36·C·O partials per
    /// slice, see `winogradFilterGradient`) rather than by im2col and a GEMM.
    public let filterGradientByWinograd: Bool
    public let backward: Bool
    /// Exact algorithms only (no Winograd): `OpDeterminism.isEnabled` when the plan was made.
    public let exact: Bool

    /// - Parameters:
    ///   - backward: plan the gradient pass (image-aligned slices) rather than the forward.
    ///   - float32: the elements are Float (the single-channel kernels are float32 only).
    ///   - inputGradient: the backward pass computes the input's gradient too.
    ///   - threads: defaults to the shared pool's size.
    ///   - winogradBatch: the batch that decides whether Winograd pays (see
    ///     `winogradPays`); defaults to g's. An op that plans a few images at a time passes
    ///     its whole batch, so that every group's plan takes the same algorithm.
    ///   - exact: no Winograd (see `OpDeterminism`); an op that makes several plans passes
    ///     its first plan's value to the others, so that all take the same algorithm.
    public init(
        _ g: WindowGeometry, backward: Bool, float32: Bool, inputGradient: Bool = true,
        threads: Int = ThreadPool.shared.partitionCount, winogradBatch: Int? = nil,
        exact: Bool = OpDeterminism.isEnabled
    ) {
        geometry = g
        self.backward = backward
        self.exact = exact
        let winograd = !exact && winogradPays(g, batch: winogradBatch ?? g.batch)
        algorithm = ConvolutionAlgorithm(
            g, float32: float32, backward: backward, inputGradient: backward && inputGradient,
            winograd: winograd)
        alignedToImages = backward
        let m = g.outputPixels, k = g.patchSize
        // Forward: one GEMM of 2·m·k·o FLOPs; backward: two or three of them. Each slice
        // should be worth ~2 MFLOP, or waking its thread costs more than it saves.
        let flops = 2 * Double(m) * Double(max(k, 1)) * Double(g.outputChannels) * (backward ? 3 : 1)
        let byWork = Int(min(flops / 2_097_152, 256))
        let units = backward ? g.batch : algorithm == .winograd ? g.batch * winogradTilesPerImage(g) / 4 : m / 16
        slices = max(1, min(threads, byWork, units))
        // ~128K elements (512 KB of float32) of column matrix per chunk, in multiples of 16 rows.
        let rows = max(16, ((1 << 17) / max(k, 1)) & ~15)
        chunkRows = max(1, min(rows, m))
        // The input gradient of a 3×3 stride-1 convolution is another one (the turned filters
        // over the upstream gradient); of any other window or stride it is not, whatever the
        // gradient's own geometry (always 3×3 stride 1 by construction) would allow.
        inputGradientByWinograd =
            backward && inputGradient && algorithm == .im2col && winograd && winogradApplies(g, float32: float32)
            && winogradApplies(winogradInputGradientGeometry(g), float32: float32)
        filterGradientByWinograd = backward && algorithm == .im2col && winograd && winogradApplies(g, float32: float32)
    }

    /// The Winograd tiles (numbered over the batch) forward slice `s` computes.
    package func tiles(ofSlice s: Int) -> Range<Int> {
        let count = geometry.batch * winogradTilesPerImage(geometry)
        return (count * s / slices)..<(count * (s + 1) / slices)
    }

    /// The output pixels slice `s` computes.
    public func pixels(ofSlice s: Int) -> Range<Int> {
        if alignedToImages {
            let perImage = geometry.outputPixelsPerImage, batch = geometry.batch
            return (batch * s / slices * perImage)..<(batch * (s + 1) / slices * perImage)
        }
        let m = geometry.outputPixels
        return (m * s / slices)..<(m * (s + 1) / slices)
    }

    // MARK: Scratch, per slice: [work | masked | filter partial | bias partial | block sums]

    /// The kernel's working space: a chunk of the column matrix (none when the input is
    /// the column matrix already), or the single-channel kernels' gathered windows.
    package var workCount: Int {
        let g = geometry
        switch algorithm {
        case .pointwise: return 0
        case .im2col:
            var count = chunkRows * g.patchSize
            if inputGradientByWinograd { count = max(count, winogradWorkCount(winogradInputGradientGeometry(g))) }
            if filterGradientByWinograd { count = max(count, winogradWorkCount(g)) }
            return count
        case .winograd: return winogradWorkCount(g)
        case .singleOutput: return backward ? g.outputPixelsPerImage : 0
        case .singleChannel:
            let window = PlaneWindow(channelsAlongRows: g)
            return backward ? singleChannelGradientScratch(window) : singleChannelForwardScratch(window)
        }
    }

    /// Backward (GEMM algorithms): a chunk of the upstream gradient with the relu mask applied.
    package var maskedOffset: Int { workCount }
    /// Backward: this slice's filter gradient ((K, O), or Winograd's (36, C, O)) and bias
    /// gradient (O), summed over the slices at the end; then a row of block sums for the
    /// bias gradient.
    package var filterPartialOffset: Int {
        workCount + (algorithm == .singleChannel ? 0 : chunkRows * geometry.outputChannels)
    }
    package var filterPartialCount: Int {
        (filterGradientByWinograd ? winogradPoints * geometry.channels : geometry.patchSize) * geometry.outputChannels
    }
    package var biasPartialOffset: Int { filterPartialOffset + filterPartialCount }
    package var blockSumsOffset: Int { biasPartialOffset + geometry.outputChannels }

    /// Scratch elements one slice uses.
    public var scratchPerSlice: Int { backward ? blockSumsOffset + geometry.outputChannels : max(1, workCount) }

    /// Winograd: the transformed filters after the slices' scratch, made once per call and
    /// read by every slice: 36·C·O elements forward, 45·C·O for an input gradient (see
    /// `prepareWinogradInputGradientFilters`); zero for the other algorithms.
    public var transformedFiltersCount: Int {
        let filters = geometry.channels * geometry.outputChannels
        return algorithm == .winograd
            ? winogradPoints * filters : inputGradientByWinograd ? (winogradPoints + 9) * filters : 0
    }

    /// Scratch elements for the whole convolution, all slices together.
    public var scratchCount: Int { slices * scratchPerSlice + transformedFiltersCount }

    /// Runs `body(slice)` for every slice, in parallel.
    package func forEachSlice(_ body: (Int) -> Void) {
        ThreadPool.shared.parallelFor(slices, body)
    }
}

public enum ConvolutionAlgorithm: Sendable {
    /// 1×1, stride 1, no padding: the input is already the im2col matrix; one GEMM.
    case pointwise
    /// im2col, then a GEMM, a chunk of output pixels at a time.
    case im2col
    /// One input channel, float32, AVX2, windows of up to 64 taps: direct FMAs over
    /// gathered windows (SwiftDLAVX2/SingleChannelConvolution.swift; its scratch grows
    /// with the window, 256 windows at a time). It has no input gradient, so a backward
    /// pass that needs one uses im2col. A forward pass over a few channels (RGB) takes it
    /// too, the channels laid along the rows (`PlaneWindow(channelsAlongRows:)`).
    case singleChannel
    /// One output channel, float32, AVX2: direct dot products of each window with the
    /// filter, and direct gradients (SwiftDLAVX2/SingleOutputConvolution.swift), where
    /// im2col + GEMM would be a matrix-vector product over a column matrix K times the image.
    case singleOutput
    /// 3×3, stride 1, float32, channels multiples of 8, AVX2, forward only: Winograd's
    /// F(4×4, 3×3) (Kernels/WinogradConvolution.swift).
    case winograd

    package init(_ g: WindowGeometry, float32: Bool, backward: Bool, inputGradient: Bool, winograd: Bool) {
        if g.isPointwise {
            self = .pointwise
        } else if !backward && winograd && winogradApplies(g, float32: float32) {
            self = .winograd
        } else if float32 && !inputGradient && g.windowHeight * g.windowWidth * g.channels <= 64
            && CPUFeatures.current.hasAVX2
            && (g.channels == 1 || fewChannelsTakeOneChannelKernel(g, backward: backward))
        {
            self = .singleChannel
        } else if g.outputChannels == 1 && float32 && CPUFeatures.current.hasAVX2 {
            self = .singleOutput
        } else {
            self = .im2col
        }
    }
}

/// Whether a forward pass over 2-4 channels (an RGB image) goes by the one-channel kernel,
/// its channels laid along the rows: windows not dilated along the row, and outputs in
/// multiples of 16 (the kernel's multi-pixel blocks). im2col copies runs of C floats per
/// tap and a K = 27 product runs far below the GEMM's speed. conv2d through Python on one
/// image, one thread, alternated, thread CPU p50/min: MobileNetV2's 96×96×3 → 16 (stride 2)
/// 75/61 → 59/52 µs, ResNet's 32×32×3 → 32 52/27 → 43/25 µs; at 64 images 4.9/3.4 → 3.8/2.8
/// and 2.5/1.5 → 2.2/1.6 ms. The gradients keep im2col.
private func fewChannelsTakeOneChannelKernel(_ g: WindowGeometry, backward: Bool) -> Bool {
    !backward && g.channels <= 4 && g.dilationWidth == 1 && g.outputChannels % 16 == 0
}
