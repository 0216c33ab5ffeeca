/*
 * Rules of failover groups (/failover/<group>; docs/config.md, docs/failover.md). A group
 * names a primary and a backup VM and what the backup receives when it is promoted: the
 * primary's share of their (dynamic) pool and a weight, PCI functions named by label
 * (both VMs list each, as the same function with the same dma and msi-events; only the
 * current primary's vPCI shows it), the link of their ports on the named virtual networks, and the named shared
 * regions that move (`move-shmem`), which the primary loses. Until then the backup owns
 * none of it: a moving PCI function is listed by both but the backup's vPCI shows it
 * absent (config_pci.c lets exactly such a pair list one function), a network is one the backup has a port on too (its link comes up on
 * promotion), a moving region one both list in /shmem (each with its own IPA) but only
 * the current primary has mapped. The state mirror (`shmem`) stays mapped by both, so a
 * region cannot be both. A VM is in at most one group. What moves at run time so far:
 * core/failover.c.
 */
#include <config_err.h>
#include <config_failover.h>
#include <fdt.h>
#include <lib.h>

static int vm_index(const struct scenario *s, const char *name)
{
	for (u32 i = 0; i < s->nr_vms && i < CFG_MAX_VMS; i++)
		if (strcmp(s->vms[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const struct cfg_pool *pool_of(const struct scenario *s, const struct cfg_vm *vm)
{
	for (u32 p = 0; p < s->nr_pools && p < CFG_MAX_POOLS; p++)
		if (strcmp(s->pools[p].name, vm->pool) == 0)
			return &s->pools[p];
	return NULL; /* no /pools: the default pool, which binds */
}

/* The next name of a NUL-separated list of len bytes after *at (NULL: done). */
static const char *next_name(const char *list, u32 len, u32 *at)
{
	const char *n;

	if (!list || *at >= len)
		return NULL;
	n = list + *at;
	*at += (u32)strnlen(n, len - *at) + 1;
	return n;
}

static const struct cfg_pci *pci_of(const struct cfg_vm *vm, const char *label)
{
	for (u32 k = 0; k < vm->nr_pci && k < CFG_MAX_PCI; k++)
		if (strcmp(vm->pci[k].name, label) == 0)
			return &vm->pci[k];
	return NULL;
}

static bool member(const struct cfg_failover *g, const char *vm)
{
	return !strcmp(g->primary, vm) || !strcmp(g->backup, vm);
}

const struct cfg_failover *cfg_fo_of_pci(const struct scenario *s, const char *vm,
					 const char *label)
{
	for (u32 g = 0; g < s->nr_failover && g < CFG_MAX_FAILOVER; g++)
		if (member(&s->failover[g], vm) &&
		    fdt_stringlist_has(s->failover[g].pci, (int)s->failover[g].pci_len, label))
			return &s->failover[g];
	return NULL;
}

bool cfg_fo_shares_pci(const struct scenario *s, const char *a, const char *la,
		       const char *b, const char *lb)
{
	const struct cfg_failover *g = cfg_fo_of_pci(s, a, la);

	return g && strcmp(a, b) && member(g, b) &&
	       fdt_stringlist_has(g->pci, (int)g->pci_len, lb);
}

static bool has_port(const struct cfg_vm *vm, const char *net)
{
	for (u32 k = 0; k < vm->nr_virtio && k < CFG_MAX_VIRTIO; k++)
		if (vm->virtio[k].type == CFG_VIRTIO_NET && strcmp(vm->virtio[k].network, net) == 0)
			return true;
	return false;
}

static const struct cfg_vm_shm *map_of(const struct cfg_vm *vm, const char *region)
{
	for (u32 k = 0; k < vm->nr_shm && k < CFG_MAX_VM_SHM; k++)
		if (strcmp(vm->shm[k].name, region) == 0)
			return &vm->shm[k];
	return NULL;
}

/* primary and backup: two VMs, each in no earlier group. */
static int check_members(const struct scenario *s, u32 g, struct cfg_error *e)
{
	const struct cfg_failover *fo = &s->failover[g];
	const char *who[2] = { fo->primary, fo->backup };

	for (u32 k = 0; k < 2; k++) {
		if (vm_index(s, who[k]) < 0)
			return cfg_err(e, NULL, "failover '%s': %s '%s': no such VM", fo->name,
				       k ? "backup" : "primary", who[k]);
		for (u32 h = 0; h < g; h++)
			if (!strcmp(s->failover[h].primary, who[k]) ||
			    !strcmp(s->failover[h].backup, who[k]))
				return cfg_err(e, NULL, "failover '%s': vm '%s' is already in "
					       "group '%s'", fo->name, who[k], s->failover[h].name);
	}
	if (!strcmp(fo->primary, fo->backup))
		return cfg_err(e, NULL, "failover '%s': primary and backup are one VM", fo->name);
	return 0;
}

/* The backup takes the primary's share of one dynamic pool (and maybe a new weight). */
static int check_pool(const struct scenario *s, const struct cfg_failover *fo,
		      struct cfg_error *e)
{
	const struct cfg_vm *p = &s->vms[vm_index(s, fo->primary)];
	const struct cfg_vm *b = &s->vms[vm_index(s, fo->backup)];
	const struct cfg_pool *pool = pool_of(s, p);

	if (pool != pool_of(s, b))
		return cfg_err(e, NULL, "failover '%s': primary and backup are in different pools "
			       "(the backup takes the primary's share of its pool)", fo->name);
	if (!pool || !pool->dynamic)
		return cfg_err(e, NULL, "failover '%s': pool '%s' binds: not yet (the backup "
			       "would take the primary's bound pCPUs)", fo->name,
			       pool ? pool->name : "default");
	return 0;
}

/* A moving region: listed by both (each its IPA), not also the mirror that stays. */
static int check_move_shmem(const struct cfg_failover *fo, const struct cfg_vm *p,
			    const struct cfg_vm *b, struct cfg_error *e)
{
	const char *n;
	u32 at = 0;

	while ((n = next_name(fo->move_shmem, fo->move_shmem_len, &at))) {
		if (!map_of(p, n) || !map_of(b, n))
			return cfg_err(e, NULL, "failover '%s': move-shmem '%s': the %s does not map "
				       "it", fo->name, n, map_of(p, n) ? "backup" : "primary");
		if (fdt_stringlist_has(fo->shmem, (int)fo->shmem_len, n))
			return cfg_err(e, NULL, "failover '%s': move-shmem '%s': also in shmem (the "
				       "state mirror stays mapped by both; a region moves or stays)",
				       fo->name, n);
	}
	if (fo->fence == CFG_FO_FENCE_ISOLATE && fo->rebirth)
		return cfg_err(e, NULL, "failover '%s': fence \"isolate\" keeps the fenced primary "
			       "running: not with rebirth", fo->name);
	return 0;
}

/* A moving function: listed by both, as one function with the same rights and events. */
static int check_move_pci(const struct cfg_failover *fo, const struct cfg_vm *p,
			  const struct cfg_vm *b, struct cfg_error *e)
{
	const struct cfg_pci *fp, *fb;
	const char *n;
	u32 at = 0;

	while ((n = next_name(fo->pci, fo->pci_len, &at))) {
		fp = pci_of(p, n);
		fb = pci_of(b, n);
		if (!fp)
			return cfg_err(e, NULL, "failover '%s': pci '%s': not a PCI function of the "
				       "primary", fo->name, n);
		if (!fb)
			return cfg_err(e, NULL, "failover '%s': pci '%s': the backup does not list "
				       "it (both list a function that moves)", fo->name, n);
		if (cfg_pci_bdf(fp) != cfg_pci_bdf(fb))
			return cfg_err(e, NULL, "failover '%s': pci '%s': primary and backup name "
				       "different functions", fo->name, n);
		if (fp->dma != fb->dma || fp->msi_events != fb->msi_events)
			return cfg_err(e, NULL, "failover '%s': pci '%s': dma and msi-events differ "
				       "between primary and backup (the function moves as it is)",
				       fo->name, n);
	}
	return 0;
}

static int check_moves(const struct scenario *s, const struct cfg_failover *fo,
		       struct cfg_error *e)
{
	const struct cfg_vm *p = &s->vms[vm_index(s, fo->primary)];
	const struct cfg_vm *b = &s->vms[vm_index(s, fo->backup)];
	const struct cfg_vm_shm *m;
	const char *n;
	u32 at = 0;
	int err = check_move_pci(fo, p, b, e);

	if (err)
		return err;
	while ((n = next_name(fo->networks, fo->networks_len, &at)))
		if (!has_port(p, n) || !has_port(b, n))
			return cfg_err(e, NULL, "failover '%s': network '%s': the %s has no port "
				       "on it", fo->name, n, has_port(p, n) ? "backup" : "primary");
	at = 0;
	while ((n = next_name(fo->shmem, fo->shmem_len, &at))) {
		m = map_of(p, n);
		if (!m || m->read_only || !map_of(b, n))
			return cfg_err(e, NULL, "failover '%s': shmem '%s': %s", fo->name, n,
				       !m ? "the primary does not map it" :
				       m->read_only ? "the primary maps it read-only" :
				       "the backup does not map it");
	}
	return check_move_shmem(fo, p, b, e);
}

int config_check_failover(const struct scenario *s, struct cfg_error *e)
{
	int err = s->nr_failover > CFG_MAX_FAILOVER ? cfg_err(e, NULL, "too many failover "
							      "groups") : 0;

	for (u32 g = 0; !err && g < s->nr_failover; g++) {
		err = check_members(s, g, e);
		if (!err)
			err = check_pool(s, &s->failover[g], e);
		if (!err)
			err = check_moves(s, &s->failover[g], e);
	}
	return err;
}
