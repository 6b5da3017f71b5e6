#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stack of tapes entered on the calling thread (TensorFlow's tapes are per thread too).
/// Kept in a pthread key because the engine has no Foundation and Swift has no
/// thread-local variables of its own.
final class TapeStack {
    var tapes: [GradientTape] = []
    /// How many tapes were entered when each pause in effect began (innermost last). The
    /// tapes entered before the innermost pause do not record; tapes entered after it do. A
    /// custom gradient's forward function runs under a pause, as TensorFlow's runs under
    /// `stop_recording`; a rematerialised function runs under one with its own tape inside.
    var pauseMarkers: [Int] = []

    /// The tapes that record on this thread now: those entered since the innermost pause.
    var activeTapes: ArraySlice<GradientTape> { tapes[min(pauseMarkers.last ?? 0, tapes.count)...] }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            // Runs at thread exit: drop the thread's stack.
            if let raw { Unmanaged<TapeStack>.fromOpaque(raw).release() }
        }
        return key
    }()

    /// This thread's stack, created on first use.
    static var current: TapeStack {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<TapeStack>.fromOpaque(raw).takeUnretainedValue()
        }
        let stack = TapeStack()
        pthread_setspecific(key, Unmanaged.passRetained(stack).toOpaque())
        return stack
    }

    /// This thread's stack if it has one; no allocation on the hot path of untaped ops.
    static var existing: TapeStack? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<TapeStack>.fromOpaque(raw).takeUnretainedValue()
    }
}
