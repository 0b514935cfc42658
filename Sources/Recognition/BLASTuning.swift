import CBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS picks its kernels from the CPU model, and on virtual machines that report a generic
/// "Intel Xeon Processor" it falls back to the SSE3 "Prescott" kernels: 3× slower here than the
/// AVX-512 ones the CPU has. OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, so the fix
/// must happen before that: re-execute the process once with the core type its CPU flags allow.
/// Nothing happens when the variable is already set (an operator's choice wins) or OpenBLAS
/// recognised the CPU.
public enum BLASTuning {
    static let guardVariable = "TAPEDECK_BLAS_REEXEC"

    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The core type to ask for, given `/proc/cpuinfo` flags, or nil to leave things alone.
    static func betterCoreType(current: String, flags: Set<String>) -> String? {
        guard ["prescott", "core2", "nehalem", "atom", "katmai", "coppermine", "northwood", "banias"].contains(current.lowercased()) else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").last.map { $0.split(separator: " ").map(String.init) } ?? [])
    }

    /// Re-executes the current process with a better `OPENBLAS_CORETYPE` when OpenBLAS fell back
    /// to generic kernels. Returns (without re-executing) when there is nothing to do.
    public static func adoptBestCoreType() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[guardVariable] == nil,
              let better = betterCoreType(current: coreName, flags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(guardVariable, "1", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // execv only returns on failure: carry on with the kernels we have.
    }
}
