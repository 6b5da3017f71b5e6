import SwiftDLAVX2

/// Float32 convolutions along rows (conv1d, or a 2-D window one row high) whose window
/// covers three strides, by Winograd's F(4, 3): Keras's text CNN (kernel 7, stride 3) and
/// any kernel-3 stride-1 conv1d.
///
/// A stride-s convolution with a K-tap window is a stride-1 convolution with
/// ⌈K/s⌉ taps over s·C channels: group the input positions in blocks of s,
/// z[u] = (x[s·u − pad], …, x[s·u + s − 1 − pad]) (zeros past either end), and the filters
/// likewise, V_q = (W[s·q], …, W[s·q + s − 1]) (zeros past tap K − 1); then
/// y[t] = Σ_q z[t + q] · V_q. With three such taps, F(4, 3) computes four outputs from six
/// transformed blocks: six GEMMs of (tiles × s·C) · (s·C × O) instead of one of
/// (4·tiles × K·C) · (K·C × O), 6·s/(4·K) of the multiplies (0.64 for K = 7, s = 3; 0.5
/// for K = 3, s = 1), and the transformed blocks are smaller than im2col's rows, which
/// repeat each input value ⌈K/s⌉ times.
///
/// NOTE: like every Winograd variant this rounds a few times more than the direct sum
/// (the transforms scale values by up to 5 and cancel them again), and a non-finite input
/// makes its whole tile of four outputs NaN. `OpDeterminism` turns it off (exact sums).

/// Transformed points per tile: F(4, 3) reads 4 + 3 − 1 blocks.
package let rowWinogradPoints = 6

/// How one row convolution runs by F(4, 3): its geometry, the block width s·C, and how the
/// tiles are shared out over threads and cut into chunks that stay in cache.
public struct RowWinogradPlan: Sendable {
    public let geometry: WindowGeometry
    /// s·C: the channels of the equivalent stride-1 convolution.
    public let blockWidth: Int
    public let slices: Int
    public let chunkTiles: Int

    /// nil unless `g` suits F(4, 3): float32, a window one row high at row stride 1 with
    /// no row padding, unit dilation, exactly three blocks of s taps (K in 2s + 1…3s), and
    /// enough outputs that the tiles need at most 80% of a direct convolution's multiplies
    /// (and 64 tiles in all, to pay for transforming the filters on every call: one sample of
    /// the text CNN's first layer, 33 tiles, ran ~10% slower than im2col).
    public init?(
        _ g: WindowGeometry, float32: Bool, exact: Bool = OpDeterminism.isEnabled,
        threads: Int = ThreadPool.shared.partitionCount
    ) {
        let s = g.strideWidth, k = g.windowWidth
        guard
            float32 && !exact && g.windowHeight == 1 && g.strideHeight == 1 && g.padTop == 0
                && g.dilationWidth == 1 && s >= 1 && (k + s - 1) / s == 3 && g.channels > 0
                && g.outputChannels > 0 && g.outputWidth > 0 && g.outputHeight == g.inputHeight
        else { return nil }
        let tilesPerRow = (g.outputWidth + 3) / 4
        if 10 * rowWinogradPoints * tilesPerRow * s > 8 * g.outputWidth * k { return nil }
        let tiles = g.batch * g.outputHeight * tilesPerRow
        if tiles < 64 { return nil }
        geometry = g
        blockWidth = s * g.channels
        // ~512K floats (2 MB) of transformed blocks and products per chunk: each GEMM
        // repacks its filters, so fewer, taller GEMMs (1 MB chunks spent 7% of the text
        // CNN's predict repacking them).
        chunkTiles = max(16, (1 << 19) / (rowWinogradPoints * (blockWidth + g.outputChannels)))
        let flops = 2.0 * Double(tiles) * Double(rowWinogradPoints * blockWidth * g.outputChannels)
        slices = max(1, min(threads, Int(min(flops / 2_097_152, 256)), tiles / 16))
    }

    public var tilesPerRow: Int { (geometry.outputWidth + 3) / 4 }
    public var tileCount: Int { geometry.batch * geometry.outputHeight * tilesPerRow }

    /// Floats of scratch one slice uses: six edge blocks (zero-padded copies of blocks that
    /// hang over an end of the row), a chunk's transformed blocks and its products.
    var scratchPerSlice: Int {
        rowWinogradPoints * blockWidth * (1 + chunkTiles) + chunkTiles * rowWinogradPoints * geometry.outputChannels
    }
    /// Floats of transformed filters, (s·C, 6, O).
    var transformedFiltersCount: Int { blockWidth * rowWinogradPoints * geometry.outputChannels }
    /// Floats of scratch the whole convolution needs.
    public var scratchCount: Int { transformedFiltersCount + slices * scratchPerSlice }

    /// The tiles slice `s` computes.
    func tiles(ofSlice s: Int) -> Range<Int> { (tileCount * s / slices)..<(tileCount * (s + 1) / slices) }
}

/// y = relu?(conv(x, w) + bias) by F(4, 3) for `plan`: x (rows, W, C), w (K, C, O), y
/// (rows, OW, O), rows = batch · height; `scratch` holds `plan.scratchCount` floats.
public func rowWinogradConvolution(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
    _ y: UnsafeMutablePointer<Float>, plan: RowWinogradPlan, scratch: UnsafeMutablePointer<Float>
) {
    let o = plan.geometry.outputChannels, width = plan.blockWidth
    transformRowFilters(w, plan: plan, into: scratch)
    let filters = UnsafePointer(scratch)
    ThreadPool.shared.parallelFor(plan.slices) { slice in
        let base = scratch + plan.transformedFiltersCount + slice * plan.scratchPerSlice
        let edges = base, blocks = base + rowWinogradPoints * width
        let products = blocks + plan.chunkTiles * rowWinogradPoints * width
        let tiles = plan.tiles(ofSlice: slice)
        for start in stride(from: tiles.lowerBound, to: tiles.upperBound, by: plan.chunkTiles) {
            let chunk = start..<min(start + plan.chunkTiles, tiles.upperBound)
            transformRowInput(x, plan: plan, tiles: chunk, edges: edges, into: blocks)
            transformedProducts(
                points: rowWinogradPoints, tiles: chunk.count, width: width, outputs: o, UnsafePointer(blocks),
                filters: filters, into: products)
            transformRowOutput(UnsafePointer(products), bias: bias, relu: relu, y, plan: plan, tiles: chunk)
        }
    }
}

/// U[(i, c)][point][o] = Σ_q G[point][q] · W[s·q + i][c][o] (zero past tap K − 1).
private func transformRowFilters(
    _ w: UnsafePointer<Float>, plan: RowWinogradPlan, into u: UnsafeMutablePointer<Float>
) {
    let g = plan.geometry, o = g.outputChannels, s = g.strideWidth, c = g.channels
    let zeros = [Float](repeating: 0, count: o)
    zeros.withUnsafeBufferPointer { zero in
        for row in 0..<plan.blockWidth {
            let (i, channel) = row.quotientAndRemainder(dividingBy: c)
            // Tap s·q + i's filter row for this channel, or zeros past the window.
            func tap(_ q: Int) -> UnsafePointer<Float> {
                let j = s * q + i
                return j < g.windowWidth ? w + (j * c + channel) * o : zero.baseAddress!
            }
            let g0 = tap(0), g1 = tap(1), g2 = tap(2)
            let target = u + row * rowWinogradPoints * o
            for k in 0..<o {
                let a = g0[k], b = g1[k], d = g2[k]
                // G's rows; products with reciprocals, which vectorise where divisions did not.
                target[k] = a * 0.25
                target[o + k] = (a + b + d) * (-1 / 6)
                target[2 * o + k] = (a - b + d) * (-1 / 6)
                target[3 * o + k] = a * (1 / 24) + b * (1 / 12) + d * (1 / 6)
                target[4 * o + k] = a * (1 / 24) - b * (1 / 12) + d * (1 / 6)
                target[5 * o + k] = d
            }
        }
    }
}

/// The six blocks under each tile of `tiles`, through Bᵀ: blocks[tile][point][s·C].
private func transformRowInput(
    _ x: UnsafePointer<Float>, plan: RowWinogradPlan, tiles: Range<Int>, edges: UnsafeMutablePointer<Float>,
    into blocks: UnsafeMutablePointer<Float>
) {
    let g = plan.geometry, c = g.channels, s = g.strideWidth, width = plan.blockWidth
    let perRow = plan.tilesPerRow, avx2 = CPUFeatures.current.hasAVX2
    for (index, tile) in tiles.enumerated() {
        let (row, column) = tile.quotientAndRemainder(dividingBy: perRow)
        let line = x + row * g.inputWidth * c
        // Block u starts at input position s·u − padLeft; blocks that reach past an end
        // of the row are copied into `edges` with zeros there.
        @inline(__always) func block(_ point: Int) -> UnsafePointer<Float> {
            let first = s * (4 * column + point) - g.padLeft
            if first >= 0 && first + s <= g.inputWidth { return line + first * c }
            let edge = edges + point * width
            for i in 0..<s {
                let position = first + i
                if position >= 0 && position < g.inputWidth {
                    (edge + i * c).update(from: line + position * c, count: c)
                } else {
                    (edge + i * c).update(repeating: 0, count: c)
                }
            }
            return UnsafePointer(edge)
        }
        let d0 = block(0), d1 = block(1), d2 = block(2), d3 = block(3), d4 = block(4), d5 = block(5)
        let target = blocks + index * rowWinogradPoints * width
        if avx2 {
            rowWinogradInputTileAVX2(d0, d1, d2, d3, d4, d5, into: target, width: width)
        } else {
            rowWinogradInputTile(d0, d1, d2, d3, d4, d5, into: target, width: width)
        }
    }
}

/// Each tile's four outputs from its six products through Aᵀ, plus bias, through relu
/// (NaN kept); outputs past the row's end are dropped.
private func transformRowOutput(
    _ products: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool, _ y: UnsafeMutablePointer<Float>,
    plan: RowWinogradPlan, tiles: Range<Int>
) {
    let g = plan.geometry, o = g.outputChannels, perRow = plan.tilesPerRow, avx2 = CPUFeatures.current.hasAVX2
    @inline(__always) func transformTile(
        _ m: UnsafePointer<Float>, shift: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, channels o: Int
    ) {
        if avx2 {
            rowWinogradOutputTileAVX2(m, shift: shift, into: out, channels: o)
        } else {
            rowWinogradOutputTile(m, shift: shift, into: out, channels: o)
        }
    }
    let zeros = [Float](repeating: 0, count: bias == nil ? o : 0)
    zeros.withUnsafeBufferPointer { zero in
        let shift = bias ?? zero.baseAddress!
        for (index, tile) in tiles.enumerated() {
            let (row, column) = tile.quotientAndRemainder(dividingBy: perRow)
            let first = 4 * column, count = min(4, g.outputWidth - first)
            let m = products + index * rowWinogradPoints * o
            let out = y + (row * g.outputWidth + first) * o
            if count == 4 {
                transformTile(m, shift: shift, into: out, channels: o)
            } else {
                // The row's last, partial tile: all four outputs into a buffer, then the
                // ones that exist.
                var whole = [Float](repeating: 0, count: 4 * o)
                whole.withUnsafeMutableBufferPointer { buffer in
                    transformTile(m, shift: shift, into: buffer.baseAddress!, channels: o)
                    out.update(from: buffer.baseAddress!, count: count * o)
                }
            }
            if relu {
                for i in 0..<(count * o) { let v = out[i]; out[i] = v > 0 || v.isNaN ? v : 0 }
            }
        }
    }
}
