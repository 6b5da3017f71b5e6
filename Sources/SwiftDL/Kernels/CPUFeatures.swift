#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CPU (and the OS) can run, read once from the flags line of /proc/cpuinfo,
/// which already leaves out features the OS has not enabled. Elsewhere nothing is
/// assumed beyond the baseline the engine is compiled for.
struct CPUFeatures: Sendable {
    let flags: Set<String>

    static let current = CPUFeatures(flags: readCPUInfoFlags())

    /// AVX2, FMA and the other x86-64-v3 features: what the SwiftDLAVX2 module is compiled
    /// for (Haswell).
    var hasAVX2: Bool { ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe"].allSatisfy(flags.contains) }
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    var hasAVX512: Bool { ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) }
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
        return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
    }
    #endif
    return []
}
