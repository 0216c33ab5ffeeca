/*
 * The vPCI configuration-space filter against a fake function (pci_cfg_read/write over
 * an array): BAR shadowing and size probing, the command register, the capability
 * list shown and re-linked, MSI/MSI-X enables that cannot be set, zeros elsewhere.
 */
#include <string.h>

#include <err.h>
#include <pci.h>
#include <pci_caps.h>
#include <pci_cfg.h>
#include <vpci_cfg.h>

#include "harness.h"

static unsigned char hw[4096];  /* the fake function's configuration space */
static u32 hw_writes;

u32 pci_cfg_read(u32 bdf, u32 reg, u32 size)
{
	u32 v = 0;

	(void)bdf;
	memcpy(&v, &hw[reg], size);
	return v;
}

void pci_cfg_write(u32 bdf, u32 reg, u32 size, u32 val)
{
	(void)bdf;
	memcpy(&hw[reg], &val, size);
	hw_writes++;
}

static void put(u32 reg, u32 size, u32 val)
{
	memcpy(&hw[reg], &val, size);
}

/* 1b36:0005, PM at 0x40 -> MSI (64-bit) at 0x50 -> vendor-specific at 0x68 -> MSI-X at 0x70. */
static struct pci_func fake(void)
{
	struct pci_func f = { .bdf = 0x10, .vendor = 0x1b36, .device = 0x5, .pin = 1,
			      .intid = 37 };

	memset(hw, 0, sizeof(hw));
	put(PCI_VENDOR, 4, 0x00051b36);
	put(PCI_STATUS, 2, PCI_STATUS_CAPS);
	put(PCI_CLASS_REV, 4, 0x00ff0010);
	put(PCI_HEADER_TYPE, 1, 0x80);
	put(0x30, 4, 0xfffe0001); /* a ROM BAR: never shown */
	put(PCI_CAP_PTR, 1, 0x40);
	put(PCI_INT_PIN, 1, 1);
	put(0x40, 4, 0x00035001);            /* PM, next 0x50 */
	put(0x50, 4, 0x00816805);            /* MSI, next 0x68, enable + 64-bit */
	put(0x68, 4, 0x00067009);            /* vendor-specific, 6 bytes, next 0x70: shown */
	put(0x6c, 4, 0x00000a0b);
	put(0x70, 4, 0xc0000011);            /* MSI-X, enabled and masked, end */
	put(0x74, 4, 0x00002001);            /* table in BAR1 at 0x2000 */
	put(0x100, 4, 0x00010001);           /* an extended capability: hidden */
	f.bar[0] = (struct pci_bar){ .kind = PCI_BAR_IO, .size = 8, .addr = 0x1000 };
	f.bar[1] = (struct pci_bar){ .kind = PCI_BAR_MEM32, .size = 0x4000, .addr = 0x10004000 };
	f.bar[2] = (struct pci_bar){ .kind = PCI_BAR_MEM64, .prefetch = true, .size = 0x100000,
				     .addr = 0x8000100000ULL };
	f.bar[3] = (struct pci_bar){ .kind = PCI_BAR_MEM64_HI };
	pci_caps_scan(&f);
	return f;
}

TEST(bars_shadowed_and_sized)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	vpci_fn_reset(&v, &f, false);
	CHECK_EQ(vpci_cfg_read(&v, 0x10, 4), 0x1001);
	CHECK_EQ(vpci_cfg_read(&v, 0x14, 4), 0x10004000);
	CHECK_EQ(vpci_cfg_read(&v, 0x18, 4), 0x0010000c);
	CHECK_EQ(vpci_cfg_read(&v, 0x1c, 4), 0x80);
	hw_writes = 0;
	for (u32 r = 0x10; r < 0x28; r += 4)
		vpci_cfg_write(&v, r, 4, 0xffffffffU);
	CHECK_EQ(hw_writes, 0);                          /* never reaches the function */
	CHECK_EQ(vpci_cfg_read(&v, 0x10, 4), 0xfffffff9); /* 8 bytes of I/O */
	CHECK_EQ(vpci_cfg_read(&v, 0x14, 4), 0xffffc000); /* 16 KiB */
	CHECK_EQ(vpci_cfg_read(&v, 0x18, 4), 0xfff0000c); /* 1 MiB, 64-bit, prefetchable */
	CHECK_EQ(vpci_cfg_read(&v, 0x1c, 4), 0xffffffff);
	CHECK_EQ(vpci_cfg_read(&v, 0x20, 4), 0);          /* unimplemented */
	vpci_fn_reset(&v, &f, false);                     /* restart: the assigned address */
	CHECK_EQ(vpci_cfg_read(&v, 0x14, 2), 0x4000);
}

TEST(command_register_honours_dma_flag)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	vpci_fn_reset(&v, &f, false);
	vpci_cfg_write(&v, PCI_COMMAND, 2, 0x0507);       /* I/O, memory, master, SERR, INTx off */
	CHECK_EQ(vpci_cfg_read(&v, PCI_COMMAND, 2), 0x0403);
	CHECK_EQ(pci_cfg_read(0x10, PCI_COMMAND, 2), 0x0403);
	vpci_fn_reset(&v, &f, true);
	vpci_cfg_write(&v, PCI_COMMAND, 4, 0xffff0007);   /* status bits are not writable */
	CHECK_EQ(vpci_cfg_read(&v, PCI_COMMAND, 4), 0x00100007);
	CHECK_EQ(pci_cfg_read(0x10, PCI_COMMAND, 2), 0x0007);
}

TEST(capabilities_filtered_and_relinked)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	vpci_fn_reset(&v, &f, false);
	CHECK_EQ(f.nr_caps, 4);
	CHECK_EQ(vpci_cfg_read(&v, PCI_CAP_PTR, 1), 0x40);
	CHECK_EQ(vpci_cfg_read(&v, 0x41, 1), 0x50);
	CHECK_EQ(vpci_cfg_read(&v, 0x51, 1), 0x68);
	CHECK_EQ(vpci_cfg_read(&v, 0x68, 4), 0x00067009);  /* vendor-specific, whole */
	CHECK_EQ(vpci_cfg_read(&v, 0x6c, 4), 0x00000a0b);
	CHECK_EQ(vpci_cfg_read(&v, 0x69, 1), 0x70);
	CHECK_EQ(vpci_cfg_read(&v, 0x52, 2), 0x0080);      /* MSI enable reads 0 */
	CHECK_EQ(vpci_cfg_read(&v, 0x72, 2), 0);           /* MSI-X enable and mask read 0 */
	CHECK_EQ(vpci_cfg_read(&v, 0x71, 1), 0);           /* the end of the list */
	hw_writes = 0;
	vpci_cfg_write(&v, 0x52, 2, 1);                    /* cannot enable MSI */
	vpci_cfg_write(&v, 0x72, 2, 0x8000);
	vpci_cfg_write(&v, 0x6c, 4, 0xffffffffU);          /* vendor-specific: read-only */
	CHECK_EQ(hw_writes, 0);
	CHECK_EQ(vpci_cfg_read(&v, 0x6c, 4), 0x00000a0b);
	CHECK_EQ(vpci_cfg_read(&v, 0x74, 4), 0x2001);      /* table location stays visible */
}

TEST(short_vendor_capability_hidden)
{
	struct pci_func f;
	struct vpci_fn v;

	f = fake();
	put(0x68, 4, 0x00027009);            /* length 2: not even its own header */
	f.nr_caps = 0;
	pci_caps_scan(&f);
	vpci_fn_reset(&v, &f, false);
	CHECK_EQ(f.nr_caps, 3);
	CHECK_EQ(vpci_cfg_read(&v, 0x51, 1), 0x70);
	CHECK_EQ(vpci_cfg_read(&v, 0x68, 4), 0);
}

TEST(rom_extended_and_header_bits)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	vpci_fn_reset(&v, &f, false);
	CHECK_EQ(vpci_cfg_read(&v, 0x00, 4), 0x00051b36);
	CHECK_EQ(vpci_cfg_read(&v, 0x30, 4), 0);           /* expansion ROM */
	CHECK_EQ(vpci_cfg_read(&v, 0x100, 4), 0);          /* extended configuration space */
	CHECK_EQ(vpci_cfg_read(&v, 0xffc, 4), 0);
	CHECK_EQ(vpci_cfg_read(&v, PCI_HEADER_TYPE, 1), 0x80);
	CHECK_EQ(vpci_cfg_read(&v, PCI_STATUS, 2), PCI_STATUS_CAPS);
	vpci_cfg_write(&v, PCI_INT_LINE, 1, 42);
	CHECK_EQ(vpci_cfg_read(&v, PCI_INT_LINE, 2), 0x012a); /* line written, pin INTA */
	vpci_cfg_write(&v, 0x30, 4, 0xffffffffU);
	CHECK_EQ(vpci_cfg_read(&v, 0x30, 4), 0);
}

#define DOORBELL 0x08090040ULL

/* MSI at 0x50 (64-bit: address 0x54/0x58, data 0x5c); the fake's enable starts set. */
TEST(msi_reaches_the_device_only_as_doorbell_and_reserved_event)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	vpci_fn_reset(&v, &f, true);
	vpci_fn_msi(&v, DOORBELL, 2);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 0);      /* the device's enable cleared */
	CHECK_EQ(vpci_cfg_read(&v, 0x52, 2), 0x0080);
	/* the guest's message, written in the order Linux does: address, data, enable */
	CHECK_EQ(vpci_cfg_write(&v, 0x54, 4, (u32)DOORBELL), 0);
	CHECK_EQ(vpci_cfg_write(&v, 0x58, 4, 0), 0);
	CHECK_EQ(vpci_cfg_write(&v, 0x5c, 2, 1), 0);
	hw_writes = 0;
	CHECK_EQ(vpci_cfg_write(&v, 0x52, 2, 1), 0);
	CHECK(hw_writes > 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x54, 4), (u32)DOORBELL);
	CHECK_EQ(pci_cfg_read(0x10, 0x5c, 2), 1);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 0x71, 1);   /* enabled, one message */
	CHECK_EQ(vpci_cfg_read(&v, 0x52, 2), 0x0081);
	CHECK_EQ(vpci_cfg_read(&v, 0x5c, 2), 1);
	/* another address while enabled: the device is turned off, the shadow keeps it */
	CHECK_EQ(vpci_cfg_write(&v, 0x54, 4, 0x40000000), ERR_PERM);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x54, 4), (u32)DOORBELL); /* never the guest's address */
	CHECK_EQ(vpci_cfg_read(&v, 0x54, 4), 0x40000000);
	CHECK_EQ(vpci_cfg_read(&v, 0x52, 2), 0x0081);         /* as the guest wrote it */
	/* the doorbell in the upper half only is not the doorbell */
	CHECK_EQ(vpci_cfg_write(&v, 0x54, 4, (u32)DOORBELL), 0);
	CHECK_EQ(vpci_cfg_write(&v, 0x58, 4, 1), ERR_PERM);
	CHECK_EQ(vpci_cfg_write(&v, 0x58, 4, 0), 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 1);
	/* an event beyond the two reserved */
	CHECK_EQ(vpci_cfg_write(&v, 0x5c, 2, 2), ERR_PERM);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x5c, 2), 1);
	CHECK_EQ(v.refused, 3);
	CHECK_EQ(vpci_cfg_write(&v, 0x52, 2, 0), 0);           /* off: fine */
	/* a restart forgets the message and turns the device's MSI off */
	CHECK_EQ(vpci_cfg_write(&v, 0x5c, 2, 0), 0);
	CHECK_EQ(vpci_cfg_write(&v, 0x52, 2, 1), 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 1);
	vpci_fn_reset(&v, &f, true);
	CHECK_EQ(pci_cfg_read(0x10, 0x52, 2) & 1, 0);
	CHECK_EQ(vpci_cfg_read(&v, 0x54, 4), 0);
	CHECK(!vpci_msi_ok(&v, DOORBELL, 2) && vpci_msi_ok(&v, DOORBELL, 1) &&
	      !vpci_msi_ok(&v, DOORBELL + 4, 0));
}

TEST(msix_enables_through_and_table_size_bounded)
{
	struct pci_func f = fake();
	struct vpci_fn v;

	put(0x70, 4, 0x801f0011);                           /* 32 entries, enabled */
	vpci_fn_reset(&v, &f, true);
	vpci_fn_msi(&v, DOORBELL, 4);
	CHECK_EQ(pci_cfg_read(0x10, 0x72, 2), 0x401f);      /* disabled, function masked */
	CHECK_EQ(vpci_cfg_read(&v, 0x72, 2), 3);            /* 4 entries shown, not enabled */
	CHECK_EQ(vpci_cfg_write(&v, 0x72, 2, 0xc000), 0);
	CHECK_EQ(pci_cfg_read(0x10, 0x72, 2), 0xc01f);
	CHECK_EQ(vpci_cfg_read(&v, 0x72, 2), 0xc003);
	CHECK_EQ(vpci_cfg_write(&v, 0x72, 2, 0x8000), 0);   /* unmask */
	CHECK_EQ(pci_cfg_read(0x10, 0x72, 2), 0x801f);
}

int main(void)
{
	RUN(bars_shadowed_and_sized);
	RUN(command_register_honours_dma_flag);
	RUN(capabilities_filtered_and_relinked);
	RUN(short_vendor_capability_hidden);
	RUN(rom_extended_and_header_bits);
	RUN(msi_reaches_the_device_only_as_doorbell_and_reserved_event);
	RUN(msix_enables_through_and_table_size_bounded);
	HARNESS_END("test_vpci_cfg");
}
