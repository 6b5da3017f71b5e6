// The three transforms of Winograd's F(4×4, 3×3) convolution (Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2015), float32, eight channels at a time.
//
// A 3×3, stride-1 convolution computes each 4×4 block of outputs (a tile) from the 6×6
// block of input under it. Winograd's algorithm moves the input tile and the filter into
// a 36-point transformed space where the convolution becomes an elementwise product:
//     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
// Summed over input channels, the product at each of the 36 points is one small matrix
// product over all tiles, (tiles × C) · (C × O): 36·C·O multiplies per tile instead of the
// direct 144·C·O, 4x fewer (the engine runs those 36 products with BLAS, see
// Kernels/WinogradConvolution.swift). The price is float32 rounding: the transforms' 4s,
// 5s and 1/6s make the error a few times larger than a direct sum's, about 1e-6 of the
// output's scale, which is why the engine uses it for float32 only (as oneDNN and cuDNN
// do) and float64 keeps im2col.
//
// Layouts: the input is NHWC, the filters HWIO (3, 3, C, O), the output NHWC. Transformed
// filters (and their gradient) are U[c][point][o]; transformed inputs V[tile][point][c]
// and the products M[tile][point][o], for a run of tiles. Each tile's (or filter row's) 36
// points are written and read in one contiguous run; the GEMM for point p reads rows p,
// p + 36, ... (leading dimension 36·C or 36·O). (Point-major layouts had put the 36
// stores of a filter 8 KB apart, in one cache set, and made the filter transform 5x
// slower.) Channels come in blocks of eight (the engine only picks this algorithm when C
// and O are multiples of 8).

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// Where tile `tile` (numbered over the batch, image by image, row-major within an image)
/// lies: its image and the output row and column of its top-left corner.
@inline(__always)
private func tileOrigin(_ tile: Int, _ window: PlaneWindow) -> (image: Int, top: Int, left: Int) {
    let perImage = winogradTilesPerImage(window), tilesWide = (window.outputWidth + 3) / 4, within = tile % perImage
    return (tile / perImage, (within / tilesWide) * 4, (within % tilesWide) * 4)
}

/// U[c][point][o] = (G g Gᵀ)[point] for every (c, o), where g is the 3×3 filter of input
/// channel c and output channel o.
public func winogradTransformFiltersAVX2(
    _ filters: UnsafePointer<Float>, channels c: Int, outputChannels o: Int,
    into u: UnsafeMutablePointer<Float>
) {
    let tap = c * o, point = o
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 18) { rows in
        for channel in 0..<c {
            for block in stride(from: 0, to: o, by: 8) {
                let source = filters + channel * o + block
                // G applied down each of the three filter columns: 6 rows of 3.
                for column in 0..<3 {
                    let g = filterColumn(
                        load8(source + column * tap), load8(source + (3 + column) * tap),
                        load8(source + (6 + column) * tap))
                    rows[column] = g.0; rows[3 + column] = g.1; rows[6 + column] = g.2
                    rows[9 + column] = g.3; rows[12 + column] = g.4; rows[15 + column] = g.5
                }
                // Then along each of those rows: 6 × 6 points.
                let target = u + channel * winogradPoints * o + block
                for row in 0..<6 {
                    let g = filterColumn(rows[3 * row], rows[3 * row + 1], rows[3 * row + 2])
                    let first = target + 6 * row * point
                    store8(g.0, first); store8(g.1, first + point); store8(g.2, first + 2 * point)
                    store8(g.3, first + 3 * point); store8(g.4, first + 4 * point); store8(g.5, first + 5 * point)
                }
            }
        }
    }
}

/// V[tile][point][c] = (Bᵀ d B)[point] for tiles `tiles` (numbered over the batch, image by
/// image, row-major within an image; V's first tile is tiles.lowerBound), d being the 6×6
/// input block under the tile, with zeros over the padding and past the input's edge.
/// With `mask` (the input's shape), input values are taken as zero where the mask is not
/// positive: an upstream gradient through a relu, read with the relu's output.
public func winogradTransformInputAVX2(
    _ input: UnsafePointer<Float>, mask: UnsafePointer<Float>? = nil, channels c: Int,
    window: PlaneWindow, tiles: Range<Int>, into v: UnsafeMutablePointer<Float>
) {
    let height = window.imageHeight, width = window.imageWidth, imageSize = height * width * c
    let point = c
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 36) { rows in
        for (index, tile) in tiles.enumerated() {
            let origin = tileOrigin(tile, window)
            let image = input + origin.image * imageSize
            let top = origin.top - window.padTop, left = origin.left - window.padLeft
            // The tile's rows and columns that fall on the input (the rest read as zeros).
            let rows6 = max(0, -top)..<min(6, height - top), columns6 = max(0, -left)..<min(6, width - left)
            let whole = rows6 == 0..<6 && columns6 == 0..<6 && mask == nil
            for block in stride(from: 0, to: c, by: 8) {
                // Bᵀ applied along each of the six input rows ...
                for row in 0..<6 {
                    let p = image + ((top + row) * width + left) * c + block
                    let r: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
                    if whole {
                        // The common case, without a test per value.
                        r = inputColumn(
                            load8(p), load8(p + c), load8(p + 2 * c), load8(p + 3 * c), load8(p + 4 * c),
                            load8(p + 5 * c))
                    } else if !rows6.contains(row) {
                        r = (SIMD8(), SIMD8(), SIMD8(), SIMD8(), SIMD8(), SIMD8())
                    } else {
                        let m = mask.map { $0 + (p - input) }
                        @inline(__always) func value(_ column: Int) -> SIMD8<Float> {
                            guard columns6.contains(column) else { return SIMD8() }
                            let value = load8(p + column * c)
                            guard let m else { return value }
                            return value.replacing(with: 0, where: .!(load8(m + column * c) .> 0))
                        }
                        r = inputColumn(value(0), value(1), value(2), value(3), value(4), value(5))
                    }
                    rows[6 * row] = r.0; rows[6 * row + 1] = r.1; rows[6 * row + 2] = r.2
                    rows[6 * row + 3] = r.3; rows[6 * row + 4] = r.4; rows[6 * row + 5] = r.5
                }
                // ... then down each of the six resulting columns.
                let target = v + index * winogradPoints * c + block
                for column in 0..<6 {
                    let r = inputColumn(
                        rows[column], rows[6 + column], rows[12 + column], rows[18 + column],
                        rows[24 + column], rows[30 + column])
                    let first = target + column * point
                    store8(r.0, first); store8(r.1, first + 6 * point); store8(r.2, first + 12 * point)
                    store8(r.3, first + 18 * point); store8(r.4, first + 24 * point); store8(r.5, first + 30 * point)
                }
            }
        }
    }
}

/// y = relu?(Aᵀ M A + bias) for tiles `tiles`, M being [tile][point][o] from
/// tiles.lowerBound: each tile's 4×4 outputs written to y (N, OH, OW, O), those past the
/// output's edge dropped.
public func winogradTransformOutputAVX2(
    _ m: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
    _ y: UnsafeMutablePointer<Float>, outputChannels o: Int, window: PlaneWindow,
    tiles: Range<Int>
) {
    let height = window.outputHeight, width = window.outputWidth, imageSize = height * width * o
    let point = o
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { rows in
        for (index, tile) in tiles.enumerated() {
            let (imageNumber, top, left) = tileOrigin(tile, window)
            let image = y + imageNumber * imageSize
            let rowCount = min(4, height - top), columnCount = min(4, width - left)
            for block in stride(from: 0, to: o, by: 8) {
                let source = m + index * winogradPoints * o + block
                // Aᵀ down each of the six point columns: 4 rows of 6 ...
                for column in 0..<6 {
                    let first = source + column * point
                    let r = outputColumn(
                        load8(first), load8(first + 6 * point), load8(first + 12 * point),
                        load8(first + 18 * point), load8(first + 24 * point), load8(first + 30 * point))
                    rows[column] = r.0; rows[6 + column] = r.1; rows[12 + column] = r.2; rows[18 + column] = r.3
                }
                // ... then along each row: 4 × 4 outputs.
                let shift = bias.map { load8($0 + block) } ?? SIMD8()
                for row in 0..<rowCount {
                    let r = outputColumn(
                        rows[6 * row], rows[6 * row + 1], rows[6 * row + 2], rows[6 * row + 3],
                        rows[6 * row + 4], rows[6 * row + 5])
                    let out = image + ((top + row) * width + left) * o + block
                    let values = (r.0 + shift, r.1 + shift, r.2 + shift, r.3 + shift)
                    store8(activate(values.0, relu), out)
                    if columnCount > 1 { store8(activate(values.1, relu), out + o) }
                    if columnCount > 2 { store8(activate(values.2, relu), out + 2 * o) }
                    if columnCount > 3 { store8(activate(values.3, relu), out + 3 * o) }
                }
            }
        }
    }
}

// MARK: - The filter gradient
//
// Y = Aᵀ [U ⊙ V] A is linear in the filter, so the filter's gradient for upstream tile dY
// is Gᵀ [ (A dY Aᵀ) ⊙ V ] G: the upstream tiles go through A·Aᵀ (4×4 → 6×6), the products
// with V are summed over tiles by one GEMM per point, Vᵀ (C × tiles) · Ŷ (tiles × O), and
// Gᵀ·G brings the 36 points back to the 3×3 filter.

/// Ŷ[tile][point][o] = (A dY Aᵀ)[point] for tiles `tiles` of the output (numbered as for
/// the input transform), dY being the tile's 4×4 block of upstream gradient (N, OH, OW, O),
/// zero past the output's edge and, with `mask` (the forward's relu output, same shape),
/// where the mask is not positive.
public func winogradTransformUpstreamAVX2(
    _ upstream: UnsafePointer<Float>, mask: UnsafePointer<Float>?, outputChannels o: Int,
    window: PlaneWindow, tiles: Range<Int>, into target: UnsafeMutablePointer<Float>
) {
    let height = window.outputHeight, width = window.outputWidth, imageSize = height * width * o
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { rows in
        for (index, tile) in tiles.enumerated() {
            let (imageNumber, top, left) = tileOrigin(tile, window)
            let imageOffset = imageNumber * imageSize
            let rowCount = min(4, height - top), columnCount = min(4, width - left)
            for block in stride(from: 0, to: o, by: 8) {
                // A applied along each of the four upstream rows (zero rows past the edge) ...
                for row in 0..<4 {
                    @inline(__always) func value(_ column: Int) -> SIMD8<Float> {
                        guard row < rowCount && column < columnCount else { return SIMD8() }
                        let offset = imageOffset + ((top + row) * width + left + column) * o + block
                        let value = load8(upstream + offset)
                        guard let mask else { return value }
                        return value.replacing(with: 0, where: .!(load8(mask + offset) .> 0))
                    }
                    let r = upstreamColumn(value(0), value(1), value(2), value(3))
                    rows[6 * row] = r.0; rows[6 * row + 1] = r.1; rows[6 * row + 2] = r.2
                    rows[6 * row + 3] = r.3; rows[6 * row + 4] = r.4; rows[6 * row + 5] = r.5
                }
                // ... then down each of the six columns.
                let first = target + index * winogradPoints * o + block
                for column in 0..<6 {
                    let r = upstreamColumn(rows[column], rows[6 + column], rows[12 + column], rows[18 + column])
                    let out = first + column * o
                    store8(r.0, out); store8(r.1, out + 6 * o); store8(r.2, out + 12 * o)
                    store8(r.3, out + 18 * o); store8(r.4, out + 24 * o); store8(r.5, out + 30 * o)
                }
            }
        }
    }
}

/// gradient (3, 3, C, O) = Gᵀ dU G for every (c, o), dU being [c][point][o].
public func winogradFilterGradientAVX2(
    _ du: UnsafePointer<Float>, channels c: Int, outputChannels o: Int,
    into gradient: UnsafeMutablePointer<Float>
) {
    let point = o, tap = c * o
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 18) { rows in
        for channel in 0..<c {
            for block in stride(from: 0, to: o, by: 8) {
                let source = du + channel * winogradPoints * o + block
                // Gᵀ along each of the six point rows: 6 rows of 3 ...
                for row in 0..<6 {
                    let first = source + 6 * row * point
                    let r = filterGradientColumn(
                        load8(first), load8(first + point), load8(first + 2 * point),
                        load8(first + 3 * point), load8(first + 4 * point), load8(first + 5 * point))
                    rows[3 * row] = r.0; rows[3 * row + 1] = r.1; rows[3 * row + 2] = r.2
                }
                // ... then down each of the three columns: the 3 × 3 taps.
                let target = gradient + channel * o + block
                for column in 0..<3 {
                    let r = filterGradientColumn(
                        rows[column], rows[3 + column], rows[6 + column], rows[9 + column],
                        rows[12 + column], rows[15 + column])
                    store8(r.0, target + column * tap); store8(r.1, target + (3 + column) * tap)
                    store8(r.2, target + (6 + column) * tap)
                }
            }
        }
    }
}

// MARK: - The 1-D transforms, each applied along rows and then along columns

/// G · (g0, g1, g2).
@inline(__always)
private func filterColumn(_ g0: SIMD8<Float>, _ g1: SIMD8<Float>, _ g2: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
{
    let sixth = SIMD8<Float>(repeating: 1.0 / 6), even = g0 + g2
    let a = g0 * SIMD8(repeating: 1.0 / 24) + g2 * sixth, b = g1 * SIMD8(repeating: 1.0 / 12)
    return (g0 * SIMD8(repeating: 0.25), -(even + g1) * sixth, (g1 - even) * sixth, a + b, a - b, g2)
}

/// Bᵀ · (d0 ... d5).
@inline(__always)
private func inputColumn(
    _ d0: SIMD8<Float>, _ d1: SIMD8<Float>, _ d2: SIMD8<Float>, _ d3: SIMD8<Float>, _ d4: SIMD8<Float>,
    _ d5: SIMD8<Float>
)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
{
    let four = SIMD8<Float>(repeating: 4), five = SIMD8<Float>(repeating: -5), two = SIMD8<Float>(repeating: 2)
    let a = d4 - d2.addingProduct(d2, SIMD8(repeating: 3)) // d4 - 4·d2
    let b = d3 - d1.addingProduct(d1, SIMD8(repeating: 3)) // d3 - 4·d1
    let c = d4 - d2, e = (d3 - d1) * two // for ±2 points
    return (
        (d4 + d0 * four).addingProduct(d2, five), a + b, a - b, c + e, c - e, (d5 + d1 * four).addingProduct(d3, five)
    )
}

/// Aᵀ · (m0 ... m5).
@inline(__always)
private func outputColumn(
    _ m0: SIMD8<Float>, _ m1: SIMD8<Float>, _ m2: SIMD8<Float>, _ m3: SIMD8<Float>, _ m4: SIMD8<Float>,
    _ m5: SIMD8<Float>
) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
    return (
        m0 + sum12 + sum34, difference12.addingProduct(difference34, SIMD8(repeating: 2)),
        sum12.addingProduct(sum34, SIMD8(repeating: 4)),
        (m5 + difference12).addingProduct(difference34, SIMD8(repeating: 8))
    )
}

/// A · (y0 ... y3), A = (Aᵀ)ᵀ.
@inline(__always)
private func upstreamColumn(_ y0: SIMD8<Float>, _ y1: SIMD8<Float>, _ y2: SIMD8<Float>, _ y3: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
{
    let even = y0 + y2, odd = y1 + y3
    let evenScaled = y0.addingProduct(y2, SIMD8(repeating: 4)),
        oddScaled = (y1 + y1).addingProduct(y3, SIMD8(repeating: 8))
    return (y0, even + odd, even - odd, evenScaled + oddScaled, evenScaled - oddScaled, y3)
}

/// Gᵀ · (u0 ... u5).
@inline(__always)
private func filterGradientColumn(
    _ u0: SIMD8<Float>, _ u1: SIMD8<Float>, _ u2: SIMD8<Float>, _ u3: SIMD8<Float>,
    _ u4: SIMD8<Float>, _ u5: SIMD8<Float>
) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let sixth = SIMD8<Float>(repeating: 1.0 / 6), sum12 = u1 + u2, sum34 = u3 + u4
    let first = u0 * SIMD8(repeating: 0.25) - sum12 * sixth + sum34 * SIMD8(repeating: 1.0 / 24)
    let second = ((u2 - u1) + (u3 - u4) * SIMD8(repeating: 0.5)) * sixth
    return (first, second, (sum34 - sum12) * sixth + u5)
}

/// relu (NaN stays NaN) or nothing.
@inline(__always)
private func activate(_ sum: SIMD8<Float>, _ relu: Bool) -> SIMD8<Float> {
    relu ? sum.replacing(with: 0, where: sum .< 0) : sum
}

#endif
