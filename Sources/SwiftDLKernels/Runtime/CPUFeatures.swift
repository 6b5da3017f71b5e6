import SwiftDLAVX2
import SwiftDLAVX512

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CPU (and the OS) can run, read once from the flags line of /proc/cpuinfo,
/// which already leaves out features the OS has not enabled. Elsewhere nothing is
/// assumed beyond the baseline the engine is compiled for.
///
/// `SWIFTDL_DISABLE_AVX2=1` in the environment hides AVX2 (and AVX-512) from the engine's own
/// kernels, so that the portable paths (the scalar kernels, im2col instead of Winograd) can
/// be tested on any CPU; `SWIFTDL_DISABLE_AVX512=1` hides AVX-512 only, so an AVX-512
/// machine can test its AVX2 paths. BLAS still picks its kernels from the real CPU.
package struct CPUFeatures: Sendable {
    package let flags: Set<String>
    /// Whether the engine's AVX2 kernels are switched off by `SWIFTDL_DISABLE_AVX2`.
    package let avx2KernelsDisabled: Bool
    /// Whether the engine's AVX-512 kernels are switched off by `SWIFTDL_DISABLE_AVX512`.
    package var avx512KernelsDisabled = false

    package static let current: CPUFeatures = {
        var features = CPUFeatures(
            flags: readCPUInfoFlags(), avx2KernelsDisabled: environmentFlag("SWIFTDL_DISABLE_AVX2"))
        features.avx512KernelsDisabled = environmentFlag("SWIFTDL_DISABLE_AVX512")
        return features
    }()

    /// Whether the engine may run its SwiftDLAVX2 kernels: they are compiled in (x86-64),
    /// the CPU has AVX2, FMA and the other x86-64-v3 features the module is compiled for
    /// (Haswell), and they are not switched off.
    package var hasAVX2: Bool { avx2KernelsCompiled && !avx2KernelsDisabled && hardwareHasAVX2 }
    /// AVX2 and the rest of x86-64-v3 in the hardware, whatever the switch says.
    package var hardwareHasAVX2: Bool { ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe"].allSatisfy(flags.contains) }
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    package var hasAVX512: Bool { ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) }
    /// Whether the engine may run its SwiftDLAVX512 kernels: they are compiled in, the CPU
    /// has what that module is compiled for (Skylake-X: the subsets above, CD, and the AVX2
    /// level), and neither they nor the AVX2 kernels are switched off.
    package var hasAVX512Kernels: Bool {
        avx512KernelsCompiled && hasAVX2 && !avx512KernelsDisabled && hasAVX512 && flags.contains("avx512cd")
    }
}

private func readCPUInfoFlags() -> Set<String> {
    #if os(Linux) && arch(x86_64)
    guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
    defer { fclose(file) }
    var buffer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(buffer) }
    while getline(&buffer, &capacity, file) > 0 {
        guard let line = buffer, strncmp(line, "flags", 5) == 0 else { continue }
        let text = String(cString: line)
        guard let colon = text.firstIndex(of: ":") else { return [] }
        return Set(
            text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(
                String.init))
    }
    #endif
    return []
}

/// Whether the environment variable `name` is set to something other than "", "0",
/// "false" or "no".
private func environmentFlag(_ name: String) -> Bool {
    guard let value = getenv(name) else { return false }
    return !["", "0", "false", "no"].contains(String(cString: value).lowercased())
}

/// Whether the engine runs its AVX2 kernels on this machine (the CPU has them and
/// `SWIFTDL_DISABLE_AVX2` does not switch them off).
public func avx2KernelsEnabled() -> Bool { CPUFeatures.current.hasAVX2 }

/// Whether the engine runs its AVX-512 kernels on this machine (the CPU has them and neither
/// `SWIFTDL_DISABLE_AVX512` nor `SWIFTDL_DISABLE_AVX2` switches them off).
public func avx512KernelsEnabled() -> Bool { CPUFeatures.current.hasAVX512Kernels }
