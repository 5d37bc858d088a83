/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvp_abi.h: the KVP (key-value pair) messages, byte for byte as upstream defines them
 * in include/uapi/linux/hyperv.h, so Debian's hv_kvp_daemon works with hvis_kvp.
 * The same structs travel between host and guest kernel (after the IC header, with
 * UTF-16LE strings) and between hvis_kvp and the daemon on /dev/vmbus/hv_kvp (UTF-8).
 * The daemon protocol (REGISTER1, driver version "3.1", whole-message reads and
 * writes) is drivers/hv/hv_kvp.c's; pool files are tools/hv/hv_kvp_daemon.c's.
 */
#ifndef _HVIS_KVP_ABI_H
#define _HVIS_KVP_ABI_H

#include "types.h"

#define HV_KVP_EXCHANGE_MAX_VALUE_SIZE	2048
#define HV_KVP_EXCHANGE_MAX_KEY_SIZE	512

/* Value types (include/uapi/linux/hyperv.h REG_*). */
#define REG_SZ	1
#define REG_U32	4
#define REG_U64	8

/* Operations (enum hv_kvp_exchg_op). */
#define KVP_OP_GET		0
#define KVP_OP_SET		1
#define KVP_OP_DELETE		2
#define KVP_OP_ENUMERATE	3
#define KVP_OP_GET_IP_INFO	4
#define KVP_OP_SET_IP_INFO	5
#define KVP_OP_COUNT		6
/* Daemon registration: legacy (4, shares GET_IP_INFO's number) and the current one. */
#define KVP_OP_REGISTER		4
#define KVP_OP_REGISTER1	100

/* Pools (enum hv_kvp_exchg_pool). */
#define KVP_POOL_EXTERNAL	0
#define KVP_POOL_GUEST		1
#define KVP_POOL_AUTO		2
#define KVP_POOL_AUTO_EXTERNAL	3
#define KVP_POOL_AUTO_INTERNAL	4
#define KVP_POOL_COUNT		5

/* Status codes (include/uapi/linux/hyperv.h HV_*). */
#ifndef HV_S_OK
#define HV_S_OK				0x00000000u
#define HV_E_FAIL			0x80004005u
#endif
#define HV_S_CONT			0x80070103u
#define HV_ERROR_NOT_SUPPORTED		0x80070032u
#define HV_ERROR_MACHINE_LOCKED		0x800704F7u
#define HV_ERROR_DEVICE_NOT_CONNECTED	0x8007048Fu
#define HV_INVALIDARG			0x80070057u
#define HV_GUID_NOTFOUND		0x80041002u
#define HV_ERROR_ALREADY_EXISTS		0x80070050u
#define HV_ERROR_DISK_FULL		0x80070070u

#define ADDR_FAMILY_NONE	0x00
#define ADDR_FAMILY_IPV4	0x01
#define ADDR_FAMILY_IPV6	0x02

#define MAX_ADAPTER_ID_SIZE	128
#define MAX_IP_ADDR_SIZE	1024
#define MAX_GATEWAY_SIZE	512

/* The driver version hvis_kvp reports to a REGISTER1 daemon (hv_kvp.c HV_DRV_VERSION). */
#define HV_DRV_VERSION		"3.1"

struct hv_kvp_ipaddr_value {
	u16 adapter_id[MAX_ADAPTER_ID_SIZE];
	u8 addr_family;
	u8 dhcp_enabled;
	u16 ip_addr[MAX_IP_ADDR_SIZE];
	u16 sub_net[MAX_IP_ADDR_SIZE];
	u16 gate_way[MAX_GATEWAY_SIZE];
	u16 dns_addr[MAX_IP_ADDR_SIZE];
} __packed;
static_assert(sizeof(struct hv_kvp_ipaddr_value) == 7426, "hv_kvp_ipaddr_value");

struct hv_kvp_hdr {
	u8 operation;
	u8 pool;
	u16 pad;
} __packed;
static_assert(sizeof(struct hv_kvp_hdr) == 4, "hv_kvp_hdr");

struct hv_kvp_exchg_msg_value {
	u32 value_type;
	u32 key_size;
	u32 value_size;
	u8 key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	union {
		u8 value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
		u32 value_u32;
		u64 value_u64;
	};
} __packed;
static_assert(sizeof(struct hv_kvp_exchg_msg_value) == 2572, "hv_kvp_exchg_msg_value");

struct hv_kvp_msg_enumerate {
	u32 index;
	struct hv_kvp_exchg_msg_value data;
} __packed;
static_assert(sizeof(struct hv_kvp_msg_enumerate) == 2576, "hv_kvp_msg_enumerate");

struct hv_kvp_msg_get {
	struct hv_kvp_exchg_msg_value data;
};

struct hv_kvp_msg_set {
	struct hv_kvp_exchg_msg_value data;
};

struct hv_kvp_msg_delete {
	u32 key_size;
	u8 key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
};

static_assert(sizeof(struct hv_kvp_msg_delete) == 516, "hv_kvp_msg_delete");

struct hv_kvp_register {
	u8 version[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
};

struct hv_kvp_msg {
	union {
		struct hv_kvp_hdr kvp_hdr;
		s32 error;
	};
	union {
		struct hv_kvp_msg_get kvp_get;
		struct hv_kvp_msg_set kvp_set;
		struct hv_kvp_msg_delete kvp_delete;
		struct hv_kvp_msg_enumerate kvp_enum_data;
		struct hv_kvp_ipaddr_value kvp_ip_val;
		struct hv_kvp_register kvp_register;
	} body;
} __packed;
static_assert(sizeof(struct hv_kvp_msg) == 7432, "hv_kvp_msg");

/* The host's form of the IP operations (4, 5). */
struct hv_kvp_ip_msg {
	u8 operation;
	u8 pool;
	struct hv_kvp_ipaddr_value kvp_ip_val;
} __packed;
static_assert(sizeof(struct hv_kvp_ip_msg) == 7428, "hv_kvp_ip_msg");

/* Pool files: /var/lib/hyperv/.kvp_pool_N, fixed records (tools/hv/hv_kvp_daemon.c). */
#define KVP_POOL_DIR		"/var/lib/hyperv"
struct kvp_pool_record {
	char key[HV_KVP_EXCHANGE_MAX_KEY_SIZE];
	char value[HV_KVP_EXCHANGE_MAX_VALUE_SIZE];
};

#endif /* _HVIS_KVP_ABI_H */
