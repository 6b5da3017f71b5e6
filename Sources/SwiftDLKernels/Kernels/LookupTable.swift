// Vocabulary lookups (Keras's StringLookup, IntegerLookup and TextVectorization, TensorFlow's
// static hash tables): an open-addressing table of `capacity` slots (a power of two), each -1
// (empty) or the index of a key. A key's first slot comes from a hash of it; collisions probe
// the following slots (linear probing). The table holds indices only; the keys stay in the
// caller's arrays, so a probe compares the query with the key itself and a lookup is exact.
//
// The caller (the C shims) has checked that capacity is a power of two, that every slot is -1
// or a valid key index and that at least one slot is empty, so every probe sequence ends.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MurmurHash3's 64-bit finaliser: spreads an integer key's bits over the slot index.
@inline(__always) private func mixedBits(_ key: UInt64) -> UInt64 {
    var h = key
    h ^= h >> 33
    h = h &* 0xFF51_AFD7_ED55_8CCD
    h ^= h >> 33
    h = h &* 0xC4CE_B9FE_1A85_EC53
    h ^= h >> 33
    return h
}

/// Walks the probe sequence of `hash`: calls `isMatch` with each occupied slot's key index
/// until it returns true (giving that index) or an empty slot ends the walk (giving -1).
@inline(__always) private func probe(
    slots: UnsafePointer<Int64>, capacity: Int, hash: UInt64, isMatch: (Int) -> Bool
) -> Int64 {
    let mask = capacity - 1
    var position = Int(truncatingIfNeeded: hash) & mask
    while true {
        let index = slots[position]
        if index < 0 { return -1 }
        if isMatch(Int(index)) { return index }
        position = (position + 1) & mask
    }
}

/// The first empty slot on the probe sequence of `hash`, or nil when a slot already holds a
/// key `isDuplicate` recognises.
@inline(__always) private func emptySlot(
    slots: UnsafeMutablePointer<Int64>, capacity: Int, hash: UInt64, isDuplicate: (Int) -> Bool
) -> Int? {
    let mask = capacity - 1
    var position = Int(truncatingIfNeeded: hash) & mask
    while slots[position] >= 0 {
        if isDuplicate(Int(slots[position])) { return nil }
        position = (position + 1) & mask
    }
    return position
}

/// Fills `slots` (capacity > count, all -1) with the indices of `keys`. Returns the index of
/// the first key that repeats an earlier one (the table then holds the keys before it), or nil.
public func buildInt64Table(keys: UnsafePointer<Int64>, count: Int, slots: UnsafeMutablePointer<Int64>, capacity: Int)
    -> Int?
{
    for index in 0..<count {
        let key = keys[index]
        let hash = mixedBits(UInt64(bitPattern: key))
        guard let slot = emptySlot(slots: slots, capacity: capacity, hash: hash, isDuplicate: { keys[$0] == key })
        else { return index }
        slots[slot] = Int64(index)
    }
    return nil
}

/// out[i] = the index of the key equal to queries[i], or -1.
public func lookUpInt64Table(
    keys: UnsafePointer<Int64>, slots: UnsafePointer<Int64>, capacity: Int, queries: UnsafePointer<Int64>, count: Int,
    output: UnsafeMutablePointer<Int64>
) {
    for i in 0..<count {
        let query = queries[i]
        output[i] = probe(slots: slots, capacity: capacity, hash: mixedBits(UInt64(bitPattern: query))) {
            keys[$0] == query
        }
    }
}

/// Strings packed end to end: string i is bytes[offsets[i] ..< offsets[i + 1]].
public struct PackedStrings {
    public let bytes: UnsafeRawPointer
    public let offsets: UnsafePointer<Int64>
    public let count: Int

    public init(bytes: UnsafeRawPointer, offsets: UnsafePointer<Int64>, count: Int) {
        self.bytes = bytes
        self.offsets = offsets
        self.count = count
    }

    @inline(__always) func string(_ index: Int) -> HashedBytes {
        let start = Int(offsets[index])
        return HashedBytes(base: bytes + start, count: Int(offsets[index + 1]) - start)
    }
}

@inline(__always) private func sameBytes(_ a: HashedBytes, _ b: HashedBytes) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.base, b.base, a.count) == 0)
}

/// Fills `slots` (capacity > keys.count, all -1) with the indices of the string `keys`,
/// placed by their Fingerprint64. Returns the index of the first repeated key, or nil.
public func buildStringTable(keys: PackedStrings, slots: UnsafeMutablePointer<Int64>, capacity: Int) -> Int? {
    for index in 0..<keys.count {
        let key = keys.string(index)
        let slot = emptySlot(slots: slots, capacity: capacity, hash: fingerprint64(key)) {
            sameBytes(keys.string($0), key)
        }
        guard let slot else { return index }
        slots[slot] = Int64(index)
    }
    return nil
}

/// out[i] = the index of the key whose bytes equal string i of `queries`, or -1.
public func lookUpStringTable(
    keys: PackedStrings, slots: UnsafePointer<Int64>, capacity: Int, queries: PackedStrings,
    output: UnsafeMutablePointer<Int64>
) {
    for i in 0..<queries.count {
        let query = queries.string(i)
        output[i] = probe(slots: slots, capacity: capacity, hash: fingerprint64(query)) {
            sameBytes(keys.string($0), query)
        }
    }
}
