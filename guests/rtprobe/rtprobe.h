/*
 * rtprobe: the early-boot probes RTOS and bootloader start-up code makes,
 * one result per console line ("rtprobe: <probe> <result>", guests/README.md).
 */
#ifndef RTPROBE_H
#define RTPROBE_H

#include <stdint.h>

void probe_cpu(void);
void probe_ids(void);
void probe_setway(void);
void probe_gic(void);
void probe_firmware(void);

/* fw.S */
uint64_t rtprobe_smc(uint64_t fid);
uint64_t rtprobe_hvc(uint64_t fid);
uint64_t rtprobe_fp_roundtrip(uint64_t v);

#endif
