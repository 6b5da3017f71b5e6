// SipHash-2-4 with a 128-bit key, as highwayhash's `SipHash` that TensorFlow's
// `to_hash_bucket_strong` (Keras's `Hashing(salt=...)` and the lookup layers' salted OOV
// indices) calls. The reference the tests compare against is python/swiftdl/_farmhash.py.

/// SipHash's state: four 64-bit words, mixed by `round()` (a SipRound).
private struct SipState {
    var v0, v1, v2, v3: UInt64

    init(key0: UInt64, key1: UInt64) {
        // "somepseudorandomlygeneratedbytes", SipHash's initialisation constants.
        v0 = key0 ^ 0x736F_6D65_7073_6575
        v1 = key1 ^ 0x646F_7261_6E64_6F6D
        v2 = key0 ^ 0x6C79_6765_6E65_7261
        v3 = key1 ^ 0x7465_6462_7974_6573
    }

    @inline(__always) mutating func round() {
        v0 = v0 &+ v1
        v1 = rotateLeft(v1, by: 13) ^ v0
        v0 = rotateLeft(v0, by: 32)
        v2 = v2 &+ v3
        v3 = rotateLeft(v3, by: 16) ^ v2
        v0 = v0 &+ v3
        v3 = rotateLeft(v3, by: 21) ^ v0
        v2 = v2 &+ v1
        v1 = rotateLeft(v1, by: 17) ^ v2
        v2 = rotateLeft(v2, by: 32)
    }

    /// One message word through the two compression rounds ("2" of SipHash-2-4).
    @inline(__always) mutating func absorb(_ word: UInt64) {
        v3 ^= word
        round()
        round()
        v0 ^= word
    }
}

@inline(__always) private func rotateLeft(_ value: UInt64, by shift: UInt64) -> UInt64 {
    (value << shift) | (value >> (64 &- shift))
}

/// SipHash-2-4 of one string under the key (key0, key1).
func sipHash64(_ s: HashedBytes, key0: UInt64, key1: UInt64) -> UInt64 {
    var state = SipState(key0: key0, key1: key1)
    let tailStart = s.count - s.count % 8
    var offset = 0
    while offset < tailStart {
        state.absorb(s.word64(at: offset))
        offset += 8
    }
    // The last word: the remaining 0-7 bytes, little-endian, with the length's low byte on top.
    var last = UInt64(truncatingIfNeeded: s.count) << 56
    for index in tailStart..<s.count {
        last |= s.byte(at: index) << UInt64(8 * (index - tailStart))
    }
    state.absorb(last)
    state.v2 ^= 0xFF
    for _ in 0..<4 { state.round() } // the "4" finalisation rounds
    return state.v0 ^ state.v1 ^ state.v2 ^ state.v3
}

/// SipHash-2-4 under (key0, key1) of each of `count` strings packed end to end in `bytes`
/// (string i is bytes[offsets[i] ..< offsets[i + 1]]; offsets checked by the caller).
public func sipHash64Kernel(
    bytes: UnsafeRawPointer, offsets: UnsafePointer<Int64>, count: Int, key0: UInt64, key1: UInt64,
    output: UnsafeMutablePointer<UInt64>
) {
    for index in 0..<count {
        let start = Int(offsets[index])
        let string = HashedBytes(base: bytes + start, count: Int(offsets[index + 1]) - start)
        output[index] = sipHash64(string, key0: key0, key1: key1)
    }
}
