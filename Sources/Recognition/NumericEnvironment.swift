import CBLAS
import CKernels
import Foundation

/// The numeric kernels a transcription runs on, as typed fields: a result's last bits (and, at
/// near-ties, a word) follow from them, so a journal records them and a replay runs on the same
/// ones or says why it cannot. `engine.*` header keys carry them in the engine options' fixed
/// text form (`blas`, `blas-core`, `kernels`, `threads`, and the model digest on its own key).
public struct NumericEnvironment: Hashable, Sendable, CustomStringConvertible {
    /// OpenBLAS's version ("0.3.21"): kernels change between releases.
    public var blasVersion: String
    /// The OpenBLAS core type whose kernels run ("SkylakeX", "Haswell"…), as OpenBLAS names it.
    public var blasCore: String
    /// Our own elementwise kernels (CKernels).
    public var kernels: WhisperOptions.KernelVariant
    /// Matrix threads per transcription.
    public var threads: Int
    public var modelDigest: String

    public init(blasVersion: String, blasCore: String, kernels: WhisperOptions.KernelVariant, threads: Int, modelDigest: String) {
        (self.blasVersion, self.blasCore, self.kernels, self.threads, self.modelDigest) = (blasVersion, blasCore, kernels, threads, modelDigest)
    }

    /// What this process runs on (the thread count and model are the recognizer's).
    public static func here(threads: Int, modelDigest: String) -> NumericEnvironment {
        NumericEnvironment(blasVersion: BLASTuning.version, blasCore: BLASTuning.coreName, kernels: .inUse,
                           threads: threads, modelDigest: modelDigest)
    }

    /// What a journal header's components recorded; nil when they do not name the kernels (no
    /// engine, or a journal from before they were recorded).
    public init?(recorded components: [String: String]) {
        guard let version = components["engine.blas"].flatMap(Self.version(fromSetting:)),
              let core = components["engine.blas-core"],
              let kernels = components["engine.kernels"].flatMap(WhisperOptions.KernelVariant.init(rawValue:)) else { return nil }
        self.init(blasVersion: version, blasCore: core, kernels: kernels,
                  threads: components["engine.threads"].flatMap { Int($0) } ?? 1,
                  modelDigest: components["engine.model-digest"] ?? "unknown")
    }

    /// The engine settings that name the BLAS (`kernels` and `threads` are settings already).
    static func blasSettings(version: String, core: String) -> [EngineSetting] {
        [EngineSetting("blas", "openblas-\(version)"), EngineSetting("blas-core", core)]
    }

    static func version(fromSetting value: String) -> String? {
        value.hasPrefix("openblas-") ? String(value.dropFirst("openblas-".count)) : nil
    }

    public var description: String {
        "OpenBLAS \(blasVersion) \(blasCore) kernels, \(kernels.rawValue) elementwise kernels, \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// Why this machine cannot run these kernels as recorded (empty when it can): the OpenBLAS
    /// version differs, the CPU lacks the instructions the core type or our variant needs, or
    /// this build does not know what a core type needs. Each names what was recorded and what
    /// is here.
    public func obstacles(cpuFlags flags: Set<String> = BLASTuning.cpuFlags(), blasVersionHere: String = BLASTuning.version,
                          avx2Here: Bool = td_kernels_avx2_supported() == 1) -> [String] {
        var out: [String] = []
        if blasVersion != blasVersionHere {
            out.append("OpenBLAS version: recorded \(blasVersion), here \(blasVersionHere) (its kernels differ between releases)")
        }
        if let needed = BLASTuning.requiredFlags(core: blasCore) {
            let missing = needed.filter { !flags.contains($0) }.sorted()
            if !missing.isEmpty {
                out.append("OpenBLAS core type: recorded \(blasCore), which needs \(missing.joined(separator: ", ")); this CPU lacks them")
            }
        } else {
            out.append("OpenBLAS core type: recorded \(blasCore), which this build cannot run or check on this CPU")
        }
        if kernels == .avx2 && !avx2Here {
            out.append("elementwise kernels: recorded avx2, this CPU lacks AVX2+FMA")
        }
        return out
    }
}

/// Which kernels a live session runs on. Both are recorded; they differ in where a journal can
/// be replayed bit for bit.
public enum KernelPolicy: String, Sendable, CaseIterable {
    /// OpenBLAS's Haswell kernels and our AVX2 ones: every x86-64-v3 CPU (AVX2+FMA, 2013 on)
    /// runs them, so every journal replays on any such machine.
    case portable
    /// The fastest set this CPU has (AVX-512 kernels where it has them): replayable only on
    /// machines with the same instructions.
    case native

    public static let `default` = KernelPolicy.portable

    /// The OpenBLAS core type and our variant this policy asks for on a CPU with `flags`; nil
    /// core when OpenBLAS's own choice is as good as any (a CPU without AVX2).
    public func choice(flags: Set<String>) -> (core: String?, kernels: WhisperOptions.KernelVariant) {
        guard ["avx2", "fma"].allSatisfy(flags.contains) else { return (nil, .portable) }
        if self == .native, BLASTuning.avx512.allSatisfy(flags.contains) { return ("SkylakeX", .avx2) }
        return ("Haswell", .avx2)
    }
}
