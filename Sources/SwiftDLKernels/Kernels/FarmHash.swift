// FarmHash's Fingerprint64 (`farmhashna::Hash64`), the hash of TensorFlow's
// `to_hash_bucket_fast`, Keras's `Hashing` without a salt and the lookup layers' hashed OOV
// indices. FarmHash promises this function never changes, and TensorFlow's buckets depend on
// every bit of it, so the code follows farmhash.cc step by step (and
// python/swiftdl/_farmhash.py, the reference the tests compare against).
//
// All arithmetic wraps modulo 2^64 (&+, &*), as the C++'s uint64_t does. Strings are read as
// little-endian words, as FarmHash does on the x86-64 and arm64 machines TensorFlow runs on.

/// FarmHash's primes (farmhash.cc).
private let k0: UInt64 = 0xC3A5_C85C_97CB_3127
private let k1: UInt64 = 0xB492_B66F_BE98_F273
private let k2: UInt64 = 0x9AE1_6A3B_2F90_404F

/// The bytes of one string, with FarmHash's unaligned little-endian reads.
struct HashedBytes {
    let base: UnsafeRawPointer
    let count: Int

    @inline(__always) func word64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always) func word32(at offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    @inline(__always) func byte(at offset: Int) -> UInt64 {
        UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
    }
}

/// A right rotation (FarmHash's `Rotate`); never called with 0.
@inline(__always) func rotateRight(_ value: UInt64, by shift: UInt64) -> UInt64 {
    (value >> shift) | (value << (64 &- shift))
}

@inline(__always) private func shiftMix(_ value: UInt64) -> UInt64 { value ^ (value >> 47) }

@inline(__always) private func hashLength16(_ u: UInt64, _ v: UInt64, _ mul: UInt64) -> UInt64 {
    var a = (u ^ v) &* mul
    a ^= a >> 47
    var b = (v ^ a) &* mul
    b ^= b >> 47
    return b &* mul
}

@inline(__always) private func hashLength0to16(_ s: HashedBytes) -> UInt64 {
    let length = UInt64(s.count)
    if s.count >= 8 {
        let mul = k2 &+ length &* 2
        let a = s.word64(at: 0) &+ k2
        let b = s.word64(at: s.count - 8)
        let c = rotateRight(b, by: 37) &* mul &+ a
        let d = (rotateRight(a, by: 25) &+ b) &* mul
        return hashLength16(c, d, mul)
    }
    if s.count >= 4 {
        let mul = k2 &+ length &* 2
        let a = s.word32(at: 0)
        return hashLength16(length &+ (a << 3), s.word32(at: s.count - 4), mul)
    }
    if s.count > 0 {
        // NOTE: y and z are uint32_t in farmhash.cc; their sums fit in 32 bits anyway
        // (a byte plus a byte shifted by 8; the length 1-3 plus a byte shifted by 2).
        let y = s.byte(at: 0) &+ (s.byte(at: s.count >> 1) << 8)
        let z = length &+ (s.byte(at: s.count - 1) << 2)
        return shiftMix((y &* k2) ^ (z &* k0)) &* k2
    }
    return k2
}

@inline(__always) private func hashLength17to32(_ s: HashedBytes) -> UInt64 {
    let mul = k2 &+ UInt64(s.count) &* 2
    let a = s.word64(at: 0) &* k1
    let b = s.word64(at: 8)
    let c = s.word64(at: s.count - 8) &* mul
    let d = s.word64(at: s.count - 16) &* k2
    return hashLength16(
        rotateRight(a &+ b, by: 43) &+ rotateRight(c, by: 30) &+ d,
        a &+ rotateRight(b &+ k2, by: 18) &+ c, mul)
}

@inline(__always) private func hashLength33to64(_ s: HashedBytes) -> UInt64 {
    let mul = k2 &+ UInt64(s.count) &* 2
    let a = s.word64(at: 0) &* k2
    let b = s.word64(at: 8)
    let c = s.word64(at: s.count - 8) &* mul
    let d = s.word64(at: s.count - 16) &* k2
    let y = rotateRight(a &+ b, by: 43) &+ rotateRight(c, by: 30) &+ d
    let z = hashLength16(y, a &+ rotateRight(b &+ k2, by: 18) &+ c, mul)
    let e = s.word64(at: 16) &* mul
    let f = s.word64(at: 24)
    let g = (y &+ s.word64(at: s.count - 32)) &* mul
    let h = (z &+ s.word64(at: s.count - 24)) &* mul
    return hashLength16(
        rotateRight(e &+ f, by: 43) &+ rotateRight(g, by: 30) &+ h,
        e &+ rotateRight(f &+ a, by: 18) &+ g, mul)
}

/// FarmHash's `WeakHashLen32WithSeeds` over the 32 bytes at `offset`.
@inline(__always) private func weakHashLength32(_ s: HashedBytes, at offset: Int, _ seedA: UInt64, _ seedB: UInt64)
    -> (UInt64, UInt64)
{
    let w = s.word64(at: offset), x = s.word64(at: offset + 8)
    let y = s.word64(at: offset + 16), z = s.word64(at: offset + 24)
    var a = seedA &+ w
    var b = rotateRight(seedB &+ a &+ z, by: 21)
    let c = a
    a = a &+ x &+ y
    b = b &+ rotateRight(a, by: 44)
    return (a &+ z, b &+ c)
}

/// Strings longer than 64 bytes: 64-byte blocks through a 56-byte state, then the last 64
/// bytes (which may overlap the previous block) once more with a length-dependent multiplier.
private func hashLongerThan64(_ s: HashedBytes) -> UInt64 {
    let seed: UInt64 = 81
    var x = seed
    var y = seed &* k1 &+ 113
    var z = shiftMix(y &* k2 &+ 113) &* k2
    var v: (UInt64, UInt64) = (0, 0)
    var w: (UInt64, UInt64) = (0, 0)
    x = x &* k2 &+ s.word64(at: 0)
    let end = ((s.count - 1) / 64) * 64
    var offset = 0
    repeat {
        x = rotateRight(x &+ y &+ v.0 &+ s.word64(at: offset + 8), by: 37) &* k1
        y = rotateRight(y &+ v.1 &+ s.word64(at: offset + 48), by: 42) &* k1
        x ^= w.1
        y = y &+ v.0 &+ s.word64(at: offset + 40)
        z = rotateRight(z &+ w.0, by: 33) &* k1
        v = weakHashLength32(s, at: offset, v.1 &* k1, x &+ w.0)
        w = weakHashLength32(s, at: offset + 32, z &+ w.1, y &+ s.word64(at: offset + 16))
        swap(&z, &x)
        offset += 64
    } while offset != end
    let mul = k1 &+ ((z & 0xFF) << 1)
    offset = s.count - 64
    w.0 = w.0 &+ UInt64((s.count - 1) & 63)
    v.0 = v.0 &+ w.0
    w.0 = w.0 &+ v.0
    x = rotateRight(x &+ y &+ v.0 &+ s.word64(at: offset + 8), by: 37) &* mul
    y = rotateRight(y &+ v.1 &+ s.word64(at: offset + 48), by: 42) &* mul
    x ^= w.1 &* 9
    y = y &+ v.0 &* 9 &+ s.word64(at: offset + 40)
    z = rotateRight(z &+ w.0, by: 33) &* mul
    v = weakHashLength32(s, at: offset, v.1 &* mul, x &+ w.0)
    w = weakHashLength32(s, at: offset + 32, z &+ w.1, y &+ s.word64(at: offset + 16))
    swap(&z, &x)
    return hashLength16(
        hashLength16(v.0, w.0, mul) &+ shiftMix(y) &* k0 &+ z,
        hashLength16(v.1, w.1, mul) &+ x, mul)
}

/// FarmHash Fingerprint64 of one string.
func fingerprint64(_ s: HashedBytes) -> UInt64 {
    if s.count <= 16 { return hashLength0to16(s) }
    if s.count <= 32 { return hashLength17to32(s) }
    if s.count <= 64 { return hashLength33to64(s) }
    return hashLongerThan64(s)
}

/// Fingerprint64 of each of `count` strings packed end to end in `bytes`: string i is
/// bytes[offsets[i] ..< offsets[i + 1]]. The caller has checked that the offsets start at 0,
/// never decrease and stay inside the buffer.
public func fingerprint64Kernel(
    bytes: UnsafeRawPointer, offsets: UnsafePointer<Int64>, count: Int, output: UnsafeMutablePointer<UInt64>
) {
    for index in 0..<count {
        let start = Int(offsets[index])
        output[index] = fingerprint64(HashedBytes(base: bytes + start, count: Int(offsets[index + 1]) - start))
    }
}
