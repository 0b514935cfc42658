#ifndef TAPEDECK_CCHECKSUM_H
#define TAPEDECK_CCHECKSUM_H
#include <stddef.h>
#include <stdint.h>

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI, ext4 and LevelDB.
/// `crc` is the running value returned by a previous call (0 to start); the result is final
/// (already inverted), so crc32c(crc32c(0, a), b) == crc32c(0, a ++ b).
uint32_t tapedeck_crc32c(uint32_t crc, const void *data, size_t length);

/// 1 when the SSE4.2 CRC32 instruction is used, 0 for the portable table path.
int tapedeck_crc32c_hardware(void);

#endif
