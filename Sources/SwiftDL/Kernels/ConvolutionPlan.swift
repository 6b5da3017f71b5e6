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
    /// Slices run in parallel, one per thread.
    public let slices: Int
    /// Backward slices start and end on image boundaries (col2im adds into whole images).
    public let alignedToImages: Bool
    /// Output pixels per chunk.
    public let chunkRows: Int

    /// - Parameters:
    ///   - backward: plan the gradient pass (image-aligned slices) rather than the forward.
    ///   - threads: defaults to the shared pool's size.
    public init(_ g: WindowGeometry, backward: Bool, threads: Int = ThreadPool.shared.threadCount) {
        geometry = g
        alignedToImages = backward
        let m = g.outputPixels, k = g.patchSize
        // Forward: one GEMM of 2·m·k·o FLOPs; backward: two or three of them. Each slice
        // should be worth ~2 MFLOP, or waking its thread costs more than it saves.
        let flops = 2 * Double(m) * Double(max(k, 1)) * Double(g.outputChannels) * (backward ? 3 : 1)
        let byWork = Int(min(flops / 2_097_152, 256))
        let units = backward ? g.batch : m / 16
        slices = max(1, min(threads, byWork, units))
        // ~128K elements (512 KB of float32) of column matrix per chunk, in multiples of 16 rows.
        let rows = max(16, ((1 << 17) / max(k, 1)) & ~15)
        chunkRows = max(1, min(rows, m))
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

    /// Scratch elements one slice uses: a chunk of the column matrix (unless the input is
    /// the column matrix already); in the backward pass also a chunk of masked upstream
    /// gradient, the slice's partial filter gradient and its bias-gradient sums.
    public func scratchPerSlice(backward: Bool) -> Int {
        let g = geometry
        let columns = ConvolutionAlgorithm(g) == .pointwise ? 0 : chunkRows * g.patchSize
        if !backward { return max(1, columns) }
        return columns + chunkRows * g.outputChannels + g.patchSize * g.outputChannels + 2 * g.outputChannels
    }

    /// Scratch elements for the whole convolution, all slices together.
    public func scratchCount(backward: Bool) -> Int { slices * scratchPerSlice(backward: backward) }

    /// Runs `body(slice)` for every slice, in parallel.
    func forEachSlice(_ body: (Int) -> Void) {
        ThreadPool.shared.parallelFor(slices, body)
    }
}

public enum ConvolutionAlgorithm: Sendable {
    /// 1×1, stride 1, no padding: the input is already the im2col matrix.
    case pointwise
    /// im2col, then a GEMM, a chunk of output pixels at a time.
    case im2col

    public init(_ g: WindowGeometry) {
        self = g.isPointwise ? .pointwise : .im2col
    }
}
