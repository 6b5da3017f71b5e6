#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with subnormal floats flushed to zero on the calling thread (x86's FTZ and
/// DAZ bits), then restores the caller's floating-point environment.
///
/// NOTE: backpropagation through a long sequence shrinks gradients geometrically (each step
/// multiplies the cell gradient by a forget gate below 1), so float32 gradients drift into
/// the subnormal range, where x86 arithmetic runs ~100× slower: an LSTM backward pass at
/// length 200 went from ~60 ms to ~2 s. TensorFlow flushes subnormals on the CPU for the
/// same reason; values below 1.2e-38 contribute nothing a float32 weight update could see.
@inline(__always)
public func withSubnormalsFlushed<R>(_ body: () throws -> R) rethrows -> R {
    #if arch(x86_64) && canImport(Glibc)
    var saved = fenv_t()
    guard fegetenv(&saved) == 0 else { return try body() }
    var flushing = saved
    flushing.__mxcsr |= 0x8040  // FTZ (bit 15) | DAZ (bit 6)
    fesetenv(&flushing)
    defer { fesetenv(&saved) }
    return try body()
    #else
    return try body()
    #endif
}
