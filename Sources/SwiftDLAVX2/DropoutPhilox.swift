// Dropout's random words, eight Philox4x32-10 counter blocks at a time, applied as they are
// drawn. The scalar generator (SwiftDL's Random/Philox.swift) spends most of its time
// waiting on each round's 32×32→64-bit products; eight blocks in the lanes of one vector
// fill the multipliers instead, and the keep/drop choice is a mask, never a branch (a
// branch on a random outcome mispredicts half the time). The words, and so the factors,
// are the ones the scalar generator gives for the same counters.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// target[i] = source[i] · factor (or the factor alone without a source) for the elements of
/// counter blocks `blocks` (element 4·b + w takes word w of block firstCounter + b), where
/// the factor is `kept` when the word is at least `threshold`, else 0. `blocks.count` must
/// be a multiple of 8; the caller draws any rest with the scalar generator. With `keptBits`,
/// also writes there one bit per element, set where it was kept: word b/8 for the 32
/// elements of blocks b..<b+8 (so `blocks` must start on a multiple of 8).
/// NOTE: each 32-bit word lives in a 64-bit lane. vpmuludq gives 32×32→64-bit products of
/// such lanes directly; words packed eight to a register took so many shuffles to reach it
/// that the rounds ran no faster than the scalar generator.
public func dropoutScaleAVX2(
    _ source: UnsafePointer<Float>?, _ target: UnsafeMutablePointer<Float>, key: (UInt32, UInt32),
    firstCounter: UInt64, blocks: Range<Int>, threshold: UInt32, kept: Float,
    keptBits: UnsafeMutablePointer<UInt32>? = nil
) {
    typealias Lanes = SIMD8<UInt64>
    let low = Lanes(repeating: 0xFFFF_FFFF), multiplier0 = Lanes(repeating: 0xD251_1F53)
    let multiplier1 = Lanes(repeating: 0xCD9E_8D57), keyStep0 = Lanes(repeating: 0x9E37_79B9)
    let keyStep1 = Lanes(repeating: 0xBB67_AE85), thresholds = Lanes(repeating: UInt64(threshold))
    let keptFactor = Lanes(repeating: UInt64(kept.bitPattern)), one = Lanes(repeating: 1)
    // All ones where word >= threshold: the borrow of word − threshold is bit 63.
    @inline(__always) func factorBits(_ word: Lanes) -> Lanes { (((word &- thresholds) &>> 63) &- one) & keptFactor }
    // 1 where word >= threshold, else 0; block j's four marks land in bits 4j..<4j + 4.
    @inline(__always) func keptOnes(_ word: Lanes) -> Lanes { one &- ((word &- thresholds) &>> 63) }
    let nibbleShifts = Lanes(0, 4, 8, 12, 16, 20, 24, 28)
    for group in stride(from: blocks.lowerBound, to: blocks.upperBound, by: 8) {
        let counters = Lanes(repeating: firstCounter &+ UInt64(group)) &+ Lanes(0, 1, 2, 3, 4, 5, 6, 7)
        var c0 = counters & low, c1 = counters &>> 32, c2 = Lanes(repeating: 0), c3 = Lanes(repeating: 0)
        var k0 = Lanes(repeating: UInt64(key.0)), k1 = Lanes(repeating: UInt64(key.1))
        for _ in 0..<10 {
            let product0 = (c0 & low) &* multiplier0, product1 = (c2 & low) &* multiplier1
            (c0, c1, c2, c3) = (
                (product1 &>> 32) ^ c1 ^ k0, product1 & low, (product0 &>> 32) ^ c3 ^ k1, product0 & low
            )
            k0 = (k0 &+ keyStep0) & low
            k1 = (k1 &+ keyStep1) & low
        }
        // Lane j of `first` holds the factors of words 0 and 1 of block j, of `second` those
        // of words 2 and 3: block j's four elements are first[j], second[j] read as floats.
        let first = factorBits(c0) | (factorBits(c1) &<< 32), second = factorBits(c2) | (factorBits(c3) &<< 32)
        if let keptBits {
            let nibbles = keptOnes(c0) | (keptOnes(c1) &<< 1) | (keptOnes(c2) &<< 2) | (keptOnes(c3) &<< 3)
            keptBits[group / 8] = UInt32(truncatingIfNeeded: (nibbles &<< nibbleShifts).wrappedSum())
        }
        for half in 0..<2 {
            let j = 4 * half
            let bits = Lanes(
                first[j], second[j], first[j + 1], second[j + 1], first[j + 2], second[j + 2], first[j + 3],
                second[j + 3])
            let factors = unsafeBitCast(bits, to: SIMD16<Float>.self), at = 4 * (group + j)
            let values =
                source.map { UnsafeRawPointer($0 + at).loadUnaligned(as: SIMD16<Float>.self) * factors } ?? factors
            UnsafeMutableRawPointer(target + at).storeBytes(of: values, as: SIMD16<Float>.self)
        }
    }
}

/// target[i] = g[i] · (kept where bit i % 32 of marks[i / 32] is set, else 0) for the
/// 32-element words `words` of marks (as `dropoutScaleAVX2(keptBits:)` wrote them): the
/// VJP of a recorded dropout, eight elements at a time. A product, not a select, so that a
/// non-finite gradient of a dropped element gives NaN as multiplying by its factor did.
public func dropoutKeptMultiplyAVX2(
    _ g: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, marks: UnsafePointer<UInt32>,
    words: Range<Int>, kept: Float
) {
    let shifts = SIMD8<UInt32>(0, 1, 2, 3, 4, 5, 6, 7), keptFactor = SIMD8<UInt32>(repeating: kept.bitPattern)
    for word in words {
        for quarter in 0..<4 {
            let ones = (SIMD8<UInt32>(repeating: marks[word] >> UInt32(8 * quarter)) &>> shifts) & 1
            let factors = unsafeBitCast((SIMD8<UInt32>() &- ones) & keptFactor, to: SIMD8<Float>.self)
            let at = word * 32 + 8 * quarter
            let values = UnsafeRawPointer(g + at).loadUnaligned(as: SIMD8<Float>.self) * factors
            UnsafeMutableRawPointer(target + at).storeBytes(of: values, as: SIMD8<Float>.self)
        }
    }
}
#endif
