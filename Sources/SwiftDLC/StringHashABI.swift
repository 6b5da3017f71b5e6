import CSwiftDL
import SwiftDL

// String hashes over a batch: the caller packs the strings' UTF-8 bytes end to end and
// passes their offsets, so a whole batch costs one call (python/src/string_hash.c builds
// the buffer from a numpy array).

/// Checks a packed-strings argument (offsets start at 0, never decrease and stay inside
/// `byteCount` bytes) and returns it.
func checkedPackedStrings(
    _ op: String, _ bytes: UnsafeRawPointer?, _ byteCount: Int64, _ offsets: UnsafePointer<Int64>?, _ count: Int64
) throws -> PackedStrings {
    guard count >= 0 else { throw SDLError(.value, "[\(op)] count must be non-negative; received \(count)") }
    guard let bytes, let offsets else { throw SDLError(.value, "[\(op)] bytes and offsets must not be NULL") }
    guard offsets[0] == 0 else { throw SDLError(.value, "[\(op)] offsets must start at 0; received \(offsets[0])") }
    for index in 0..<Int(count) where offsets[index + 1] < offsets[index] {
        throw SDLError(
            .value,
            "[\(op)] offsets must not decrease; received \(offsets[index + 1]) after \(offsets[index]) at \(index + 1)")
    }
    guard offsets[Int(count)] <= byteCount else {
        throw SDLError(.value, "[\(op)] the last offset \(offsets[Int(count)]) lies past the \(byteCount) bytes given")
    }
    return PackedStrings(bytes: bytes, offsets: offsets, count: Int(count))
}

/// `pointer`, or an error naming the out-pointer that was NULL.
func nonNull<T>(_ pointer: UnsafeMutablePointer<T>?, _ op: String) throws -> UnsafeMutablePointer<T> {
    guard let pointer else { throw SDLError(.value, "[\(op)] the out-pointer must not be NULL") }
    return pointer
}

@_cdecl("sdl_strings_fingerprint64")
public func stringsFingerprint64(
    _ bytes: UnsafeRawPointer?, _ byteCount: Int64, _ offsets: UnsafePointer<Int64>?, _ count: Int64,
    _ out: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    perform {
        let strings = try checkedPackedStrings("strings_fingerprint64", bytes, byteCount, offsets, count)
        let output = try nonNull(out, "strings_fingerprint64")
        fingerprint64Kernel(bytes: strings.bytes, offsets: strings.offsets, count: strings.count, output: output)
    }
}

@_cdecl("sdl_strings_siphash64")
public func stringsSipHash64(
    _ bytes: UnsafeRawPointer?, _ byteCount: Int64, _ offsets: UnsafePointer<Int64>?, _ count: Int64,
    _ key0: UInt64, _ key1: UInt64, _ out: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    perform {
        let strings = try checkedPackedStrings("strings_siphash64", bytes, byteCount, offsets, count)
        let output = try nonNull(out, "strings_siphash64")
        sipHash64Kernel(
            bytes: strings.bytes, offsets: strings.offsets, count: strings.count, key0: key0, key1: key1,
            output: output)
    }
}
