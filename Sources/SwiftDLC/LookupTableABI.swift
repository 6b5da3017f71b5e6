import CSwiftDL
import SwiftDL

// Vocabulary lookup tables (Sources/SwiftDLKernels/Kernels/LookupTable.swift): the caller
// owns the keys and the slot array; build fills the slots once, lookup reads them per batch.

/// Checks the slot array of a table over `keyCount` keys: a power-of-two capacity, every slot
/// -1 or a key index, and an empty slot somewhere (so that every probe ends).
private func checkSlots(_ op: String, _ slots: UnsafePointer<Int64>?, _ capacity: Int64, keyCount: Int) throws
    -> UnsafePointer<Int64>
{
    guard let slots else { throw SDLError(.value, "[\(op)] slots must not be NULL") }
    guard capacity > 0, capacity & (capacity - 1) == 0 else {
        throw SDLError(.value, "[\(op)] capacity must be a positive power of two; received \(capacity)")
    }
    var empty = 0
    for position in 0..<Int(capacity) {
        let index = slots[position]
        guard index >= -1, index < keyCount else {
            throw SDLError(.value, "[\(op)] slot \(position) holds \(index), not -1 or a key index below \(keyCount)")
        }
        if index < 0 { empty += 1 }
    }
    guard empty > 0 else { throw SDLError(.value, "[\(op)] the table has no empty slot") }
    return slots
}

/// Checks that a table about to be built has more slots than keys and sets them all to -1.
private func clearedSlots(_ op: String, _ slots: UnsafeMutablePointer<Int64>?, _ capacity: Int64, keyCount: Int) throws
    -> UnsafeMutablePointer<Int64>
{
    guard let slots else { throw SDLError(.value, "[\(op)] slots must not be NULL") }
    guard capacity > keyCount, capacity & (capacity - 1) == 0 else {
        throw SDLError(
            .value, "[\(op)] capacity must be a power of two above the key count \(keyCount); received \(capacity)")
    }
    slots.update(repeating: -1, count: Int(capacity))
    return slots
}

@_cdecl("sdl_int64_table_build")
public func int64TableBuild(
    _ keys: UnsafePointer<Int64>?, _ count: Int64, _ slots: UnsafeMutablePointer<Int64>?, _ capacity: Int64
) -> Int32 {
    perform {
        let op = "int64_table_build"
        guard count >= 0, let keys else {
            throw SDLError(.value, "[\(op)] keys must not be NULL and count non-negative; received count \(count)")
        }
        let table = try clearedSlots(op, slots, capacity, keyCount: Int(count))
        if let repeated = buildInt64Table(keys: keys, count: Int(count), slots: table, capacity: Int(capacity)) {
            throw SDLError(.value, "[\(op)] the key \(keys[repeated]) appears twice (again at \(repeated))")
        }
    }
}

@_cdecl("sdl_int64_table_lookup")
public func int64TableLookup(
    _ keys: UnsafePointer<Int64>?, _ keyCount: Int64, _ slots: UnsafePointer<Int64>?, _ capacity: Int64,
    _ queries: UnsafePointer<Int64>?, _ count: Int64, _ out: UnsafeMutablePointer<Int64>?
) -> Int32 {
    perform {
        let op = "int64_table_lookup"
        guard keyCount >= 0, count >= 0, let keys, let queries, let out else {
            throw SDLError(
                .value, "[\(op)] NULL pointers or negative counts; received \(keyCount) keys, \(count) queries")
        }
        let table = try checkSlots(op, slots, capacity, keyCount: Int(keyCount))
        lookUpInt64Table(
            keys: keys, slots: table, capacity: Int(capacity), queries: queries, count: Int(count), output: out)
    }
}

@_cdecl("sdl_strings_table_build")
public func stringsTableBuild(
    _ bytes: UnsafeRawPointer?, _ byteCount: Int64, _ offsets: UnsafePointer<Int64>?, _ count: Int64,
    _ slots: UnsafeMutablePointer<Int64>?, _ capacity: Int64
) -> Int32 {
    perform {
        let op = "strings_table_build"
        let keys = try checkedPackedStrings(op, bytes, byteCount, offsets, count)
        let table = try clearedSlots(op, slots, capacity, keyCount: keys.count)
        if let repeated = buildStringTable(keys: keys, slots: table, capacity: Int(capacity)) {
            throw SDLError(.value, "[\(op)] key \(repeated) repeats an earlier key")
        }
    }
}

@_cdecl("sdl_strings_table_lookup")
public func stringsTableLookup(
    _ keyBytes: UnsafeRawPointer?, _ keyByteCount: Int64, _ keyOffsets: UnsafePointer<Int64>?, _ keyCount: Int64,
    _ slots: UnsafePointer<Int64>?, _ capacity: Int64,
    _ bytes: UnsafeRawPointer?, _ byteCount: Int64, _ offsets: UnsafePointer<Int64>?, _ count: Int64,
    _ out: UnsafeMutablePointer<Int64>?
) -> Int32 {
    perform {
        let op = "strings_table_lookup"
        let keys = try checkedPackedStrings(op, keyBytes, keyByteCount, keyOffsets, keyCount)
        let queries = try checkedPackedStrings(op, bytes, byteCount, offsets, count)
        let table = try checkSlots(op, slots, capacity, keyCount: keys.count)
        lookUpStringTable(
            keys: keys, slots: table, capacity: Int(capacity), queries: queries, output: try nonNull(out, op))
    }
}
