#if canImport(Glibc)
import Glibc
#endif
import CCrypto
import Digests
import Foundation
import Journal

/// Cryptographic building blocks for keys at rest, from libcrypto.
enum Secrets {
    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        precondition(ok == 1, "the system random number generator failed")
        return bytes
    }

    /// AES-256-GCM: `nonce(12) | ciphertext | tag(16)`.
    static func seal(_ plaintext: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(key.count == 32)
        let nonce = randomBytes(12)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: 16)
        let context = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        var total: Int32 = 0
        EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce)
        plaintext.withUnsafeBufferPointer { p in
            _ = EVP_EncryptUpdate(context, &ciphertext, &length, p.baseAddress, Int32(p.count))
        }
        total = length
        ciphertext.withUnsafeMutableBufferPointer { c in
            _ = EVP_EncryptFinal_ex(context, c.baseAddress! + Int(total), &length)
        }
        total += length
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, &tag)
        return nonce + ciphertext.prefix(Int(total)) + tag
    }

    static func open(_ sealed: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard key.count == 32, sealed.count >= 28 else { return nil }
        let nonce = Array(sealed.prefix(12))
        var tag = Array(sealed.suffix(16))
        let ciphertext = Array(sealed[12..<(sealed.count - 16)])
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        let context = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce)
        ciphertext.withUnsafeBufferPointer { c in
            _ = EVP_DecryptUpdate(context, &plaintext, &length, c.baseAddress, Int32(c.count))
        }
        let produced = length
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, &tag)
        let ok = plaintext.withUnsafeMutableBufferPointer { p in
            EVP_DecryptFinal_ex(context, p.baseAddress! + Int(produced), &length)
        }
        guard ok == 1 else { return nil }
        return Array(plaintext.prefix(Int(produced + length)))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Lower-case base32 (RFC 4648 alphabet), for short identifiers that survive any URL or header.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}

/// The server master key encrypts the AudioHook client secrets at rest (signature checks need
/// them back, so they cannot be stored hashed). 32 raw bytes (`head -c 32 /dev/urandom`), readable
/// by the owner only: created on first use in the data folder, or provisioned by the operator
/// (`--master-key-file`), in which case it is never created.
public enum MasterKey {
    public static func load(at url: URL) throws -> [UInt8] {
        guard let data = try? Data(contentsOf: url) else { throw ServerError.missingMasterKey(url.path) }
        guard data.count == 32 else { throw ServerError.badMasterKey(url.path) }
        return [UInt8](data)
    }

    /// What the key store remembers of the key its secrets were sealed with: the first 16 bytes
    /// of an HMAC under it, which identifies the key without revealing it.
    public static func fingerprint(_ key: [UInt8]) -> String {
        Array(HMACSHA256.authenticate(Array("tapedeck master key fingerprint v1".utf8), key: key).prefix(16)).hexString
    }

    public static func loadOrCreate(at url: URL) throws -> [UInt8] {
        if FileManager.default.fileExists(atPath: url.path) { return try load(at: url) }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = Secrets.randomBytes(32)
        let fd = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ServerError.io("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        let written = key.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, 32) }
        guard written == 32 else { throw ServerError.io("cannot write \(url.path)") }
        return key
    }
}
