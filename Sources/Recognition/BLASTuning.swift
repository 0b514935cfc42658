import CBLAS
import CKernels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Chooses OpenBLAS's kernels before it loads them. OpenBLAS picks them from the CPU model, and
/// on virtual machines that report a generic "Intel Xeon Processor" it falls back to the SSE3
/// "Prescott" kernels, 3× slower here than the AVX-512 ones the CPU has; and which kernels run
/// changes a result's last bits, so a journal names them and a replay asks for the same ones.
/// OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, so the process re-executes itself once
/// with the variable set.
public enum BLASTuning {
    static let guardVariable = "TAPEDECK_BLAS_REEXEC"
    /// Set by a replay for the process that derives: the kernels it must run, or fail.
    public static let pinnedVariable = "TAPEDECK_PINNED_KERNELS"

    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's version, from its build configuration ("OpenBLAS 0.3.21 DYNAMIC_ARCH …").
    public static var version: String {
        let words = String(cString: openblas_get_config()).split(separator: " ")
        guard words.count >= 2, words[0] == "OpenBLAS" else { return "unknown" }
        return String(words[1])
    }

    static let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]

    /// The `/proc/cpuinfo` flags an x86 OpenBLAS core type's kernels use; nil for a core type
    /// this build does not know (another architecture, or a newer name).
    public static func requiredFlags(core: String) -> [String]? {
        switch core.lowercased() {
        // /proc/cpuinfo calls SSE3 "pni" (Prescott New Instructions).
        case "prescott", "katmai", "coppermine", "northwood", "banias", "atom": return ["pni"]
        case "core2", "penryn", "dunnington": return ["ssse3"]
        case "nehalem": return ["sse4_2"]
        case "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator": return ["avx"]
        case "haswell", "zen": return ["avx2", "fma"]
        case "skylakex": return avx512
        case "cooperlake": return avx512 + ["avx512_bf16"]
        default: return nil
        }
    }

    /// The core type to ask for, given `/proc/cpuinfo` flags, or nil to leave things alone.
    static func betterCoreType(current: String, flags: Set<String>) -> String? {
        guard ["prescott", "core2", "nehalem", "atom", "katmai", "coppermine", "northwood", "banias"].contains(current.lowercased()) else { return nil }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }

    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").last.map { $0.split(separator: " ").map(String.init) } ?? [])
    }

    /// Re-executes the current process with a better `OPENBLAS_CORETYPE` when OpenBLAS fell back
    /// to generic kernels. Returns (without re-executing) when there is nothing to do. (The
    /// benchmarks' choice; the commands choose by `KernelPolicy`.)
    public static func adoptBestCoreType() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[guardVariable] == nil,
              let better = betterCoreType(current: coreName, flags: cpuFlags()) else { return }
        reexecute(core: better)
    }

    /// Runs the rest of the process on the kernels `policy` names. An operator's
    /// `OPENBLAS_CORETYPE` is kept when no policy was asked for (it is recorded all the same).
    public static func adopt(_ policy: KernelPolicy?) {
        let environment = ProcessInfo.processInfo.environment
        if policy == nil, environment["OPENBLAS_CORETYPE"] != nil { return }
        let (core, kernels) = (policy ?? .default).choice(flags: cpuFlags())
        _ = td_kernels_force(kernels == .avx2 ? 1 : 0)
        setenv("TAPEDECK_KERNELS", kernels.rawValue, 1)
        guard let core, core.lowercased() != coreName.lowercased(), environment[guardVariable] == nil else { return }
        reexecute(core: core)
    }

    private static func reexecute(core: String) {
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(guardVariable, "1", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // execv only returns on failure: carry on with the kernels we have.
    }
}
