/*
 * plugin.c - finding, checking and loading plugin shared objects
 */
#define _GNU_SOURCE /* dladdr1 and RTLD_DL_SYMENT, to read the symbol's size */
#include "plugin.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

#define CONNECTOR_SYMBOL "kv_connector_plugin"
#define INDICATOR_SYMBOL "kv_indicator_plugin"

/* "a connector" / "an indicator", for messages. */
static const char *a_kind(enum kv_plugin_kind kind)
{
	return kind == KV_PLUGIN_CONNECTOR ? "a connector" : "an indicator";
}

const char *kv_plugin_kind_name(enum kv_plugin_kind kind)
{
	return kind == KV_PLUGIN_CONNECTOR ? "connector" :
	       kind == KV_PLUGIN_INDICATOR ? "indicator" : "unknown";
}

int kv_plugin_check_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);
	bool ok = n >= 1 && n <= 39;
	for (const char *p = name; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_';
	if (!ok) {
		kv_snprintf(err, errlen,
			    "invalid plugin name \"%s\": a plugin is named by a bare name of 1 to 39 "
			    "characters a-z, 0-9 and '_' (no path, no suffix)",
			    name);
		return -1;
	}
	return 0;
}

int kv_plugin_check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (dir[0] != '/') {
		kv_snprintf(err, errlen, "plugin directory \"%s\" is not an absolute path", dir);
		return -1;
	}
	if (lstat(dir, &st) != 0) {
		kv_snprintf(err, errlen, "could not use plugin directory \"%s\": %s", dir,
			    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		kv_snprintf(err, errlen, "plugin directory \"%s\" is not a directory%s", dir,
			    S_ISLNK(st.st_mode) ? " (it is a symbolic link)" : "");
		return -1;
	}
	return kv_check_not_writable_by_others(&st, dir, "plugin directory", err, errlen);
}

/* Size of the ELF symbol at addr, or 0 when unknown. */
static size_t symbol_size(const void *addr)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) == 0 || sym == NULL)
		return 0;
	return (size_t)sym->st_size;
}

/* Smallest struct size of ABI x.0, i.e. the fields every 2.x plugin has. */
static size_t minimum_size(enum kv_plugin_kind kind)
{
	return kind == KV_PLUGIN_CONNECTOR ?
		       offsetof(struct kv_connector_plugin, close) + sizeof(void (*)(void)) :
		       offsetof(struct kv_indicator_plugin, fini) + sizeof(void (*)(void));
}

/* The key table (names, types, defaults) and each key's binding to a field
 * of the settings struct: a field of the key's type, inside the struct,
 * named as the key. */
static int check_settings(const struct kv_plugin_header *h, const char *path, char *err,
			  size_t errlen)
{
	char why[256];
	if (kv_config_check_bindings(h->settings, h->n_settings, h->settings_size, why,
				     sizeof why) != 0) {
		kv_snprintf(err, errlen, "plugin \"%s\" is refused: %s", path, why);
		return -1;
	}
	return 0;
}

static int check_header(const struct kv_plugin_header *h, enum kv_plugin_kind kind,
			const char *path, const char *name, size_t elf_size, char *err,
			size_t errlen)
{
	/* Not even the versions can be read from less than a header. */
	if (elf_size != 0 && elf_size < sizeof *h) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" is damaged: its descriptor of %zu bytes is smaller than "
			    "any plugin header",
			    path, elf_size);
		return -1;
	}
	if (h->abi_major != KV_ABI_MAJOR) {
		kv_snprintf(err, errlen,
			    "incompatible plugin \"%s\": built for ABI %u.%u, kvalind expects "
			    "%d.x (ABI %d.%d); rebuild the plugin against kvalind's headers",
			    path, h->abi_major, h->abi_minor, KV_ABI_MAJOR, KV_ABI_MAJOR,
			    KV_ABI_MINOR);
		return -1;
	}
	if (h->abi_minor > KV_ABI_MINOR) {
		kv_snprintf(err, errlen,
			    "incompatible plugin \"%s\": built for ABI %u.%u, newer than kvalind's "
			    "ABI %d.%d; upgrade kvalind or use a plugin built for it",
			    path, h->abi_major, h->abi_minor, KV_ABI_MAJOR, KV_ABI_MINOR);
		return -1;
	}
	if (elf_size != 0 && elf_size != h->struct_size) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" is damaged: its descriptor is %zu bytes but says %u",
			    path, elf_size, (unsigned)h->struct_size);
		return -1;
	}
	if (h->struct_size < minimum_size(kind)) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" is damaged: its descriptor of %u bytes is smaller than "
			    "ABI %u.%u's %zu",
			    path, (unsigned)h->struct_size, h->abi_major, h->abi_minor,
			    minimum_size(kind));
		return -1;
	}
	if (h->kind != (uint32_t)kind) {
		kv_snprintf(err, errlen, "plugin \"%s\" says it is of kind %u, not %s plugin",
			    path, (unsigned)h->kind, a_kind(kind));
		return -1;
	}
	if (h->name == NULL || strcmp(h->name, name) != 0) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" calls itself \"%s\"; a plugin's name must match its "
			    "file name",
			    path, h->name ? h->name : "(null)");
		return -1;
	}
	if (h->version == NULL || h->description == NULL) {
		kv_snprintf(err, errlen, "plugin \"%s\" has no version or description", path);
		return -1;
	}
	return check_settings(h, path, err, errlen);
}

#define REQUIRE(ptr, kindname, cb)                                             \
	do {                                                                   \
		if ((ptr) == NULL) {                                           \
			kv_snprintf(err, errlen,                               \
				    "plugin \"%s\" is refused: " kindname      \
				    " plugins must provide " cb "()",          \
				    path);                                     \
			return -1;                                             \
		}                                                              \
	} while (0)

static int check_connector(const struct kv_connector_plugin *c, const char *path, char *err,
			   size_t errlen)
{
	REQUIRE(c->open, "connector", "open");
	REQUIRE(c->read, "connector", "read");
	REQUIRE(c->close, "connector", "close");
	return 0;
}

static const struct kv_indicator_def *def_at(const struct kv_indicator_plugin *p, size_t i)
{
	return (const struct kv_indicator_def *)(const void *)((const char *)p->indicators +
							       i * p->indicator_def_size);
}

const struct kv_indicator_def *kv_plugin_indicator(const struct kv_plugin *plugin, size_t i)
{
	return &plugin->defs[i];
}

/* The bytes of each of p's definitions that are fields this core knows. A
 * 2.0 definition ends in 4 bytes of padding that its indicator_def_size
 * counts: they are no field, whatever they hold, and a later minor version
 * may put a uint32_t there (kv_plugin.h: abi_test_next), so of a plugin
 * built for 2.0 only KV_INDICATOR_DEF_V2_0_SIZE bytes are read. */
static size_t def_bytes_known(const struct kv_indicator_plugin *p)
{
	size_t n = p->indicator_def_size;
	if (p->abi_minor == 0 && n > KV_INDICATOR_DEF_V2_0_SIZE)
		n = KV_INDICATOR_DEF_V2_0_SIZE;
	return n < sizeof(struct kv_indicator_def) ? n : sizeof(struct kv_indicator_def);
}

/* Copies of the definitions at this core's size: fields a plugin built for
 * an older minor version lacks are NULL / 0. */
static struct kv_indicator_def *copy_defs(const struct kv_indicator_plugin *p)
{
	struct kv_indicator_def *defs = kv_xcalloc(p->n_indicators, sizeof *defs);
	size_t n = def_bytes_known(p);
	for (size_t i = 0; i < p->n_indicators; i++)
		memcpy(&defs[i], def_at(p, i), n);
	return defs;
}

/* The descriptor at this core's size: fields a plugin built for an older
 * minor version lacks are NULL / 0, so no code reads past the plugin's
 * struct_size (checked: at least ABI x.0's, at most its ELF symbol). */
static void *copy_descriptor(const struct kv_plugin_header *h, enum kv_plugin_kind kind)
{
	size_t size = kind == KV_PLUGIN_CONNECTOR ? sizeof(struct kv_connector_plugin) :
						    sizeof(struct kv_indicator_plugin);
	void *copy = kv_xcalloc(1, size);
	memcpy(copy, h, h->struct_size < size ? h->struct_size : size);
	return copy;
}

static bool relation_name_ok(const char *name)
{
	if (name == NULL)
		return true;
	if (name[0] == '\0' || strlen(name) > 64)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

/* A comma-separated list of population names (spaces allowed around them). */
static bool relation_list_ok(const char *list)
{
	if (list == NULL)
		return true;
	if (strlen(list) > 1024)
		return false;
	const char *p = list;
	for (;;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ", ");
		char name[80];
		if (n == 0 || n >= sizeof name)
			return false;
		memcpy(name, p, n);
		name[n] = '\0';
		if (!relation_name_ok(name))
			return false;
		p += n;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

static int check_indicator(const struct kv_indicator_plugin *p, const char *path, char *err,
			   size_t errlen)
{
	REQUIRE(p->init, "indicator", "init");
	REQUIRE(p->compute, "indicator", "compute");
	REQUIRE(p->fini, "indicator", "fini");
	if (p->n_indicators == 0 || p->indicators == NULL) {
		kv_snprintf(err, errlen, "plugin \"%s\" is refused: it provides no indicators",
			    path);
		return -1;
	}
	if (p->indicator_def_size < KV_INDICATOR_DEF_V2_0_SIZE) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" is refused: its indicator definitions are %u bytes, "
			    "ABI %d.0's are at least %zu",
			    path, (unsigned)p->indicator_def_size, KV_ABI_MAJOR,
			    (size_t)KV_INDICATOR_DEF_V2_0_SIZE);
		return -1;
	}
	for (size_t i = 0; i < p->n_indicators; i++) {
		const struct kv_indicator_def *def = def_at(p, i);
		if (def->id == NULL || def->id[0] == '\0' || def->title == NULL ||
		    def->title_nb == NULL || def->numerator == NULL || def->denominator == NULL ||
		    (def->type != KV_INDICATOR_PROPORTION && def->type != KV_INDICATOR_MEAN) ||
		    def->direction < KV_LOWER_IS_BETTER || def->direction > KV_HIGHER_IS_BETTER) {
			kv_snprintf(err, errlen,
				    "plugin \"%s\" is refused: indicator %zu lacks an id, a title "
				    "(English and Norwegian), a numerator or denominator text, or "
				    "has an unknown type or direction",
				    path, i);
			return -1;
		}
		if ((!relation_name_ok(def->denominator_population) ||
		     !relation_name_ok(def->numerator_population) ||
		     !relation_name_ok(def->numerator_part_of) ||
		     (def->relation_flags & ~KV_PARTS_COMPLETE) != 0 ||
		     ((def->relation_flags & KV_PARTS_COMPLETE) && def->numerator_part_of == NULL))) {
			kv_snprintf(err, errlen,
				    "plugin \"%s\" is refused: indicator \"%s\" declares a population "
				    "name that is not 1-64 of [a-z0-9_], an unknown relation flag, or "
				    "KV_PARTS_COMPLETE without numerator_part_of",
				    path, def->id);
			return -1;
		}
		if (!relation_list_ok(def->numerator_within) ||
		    !relation_list_ok(def->denominator_within)) {
			kv_snprintf(err, errlen,
				    "plugin \"%s\" is refused: indicator \"%s\" declares "
				    "numerator_within or denominator_within that is not a "
				    "comma-separated list of population names (1-64 of [a-z0-9_])",
				    path, def->id);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(def_at(p, j)->id, def->id) == 0) {
				kv_snprintf(err, errlen,
					    "plugin \"%s\" is refused: indicator \"%s\" is declared "
					    "twice",
					    path, def->id);
				return -1;
			}
		}
	}
	return 0;
}

static int check_file(const char *path, struct stat *st, char *err, size_t errlen)
{
	if (lstat(path, st) != 0) {
		kv_snprintf(err, errlen, "could not find plugin \"%s\": %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st->st_mode)) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" is a symbolic link; plugins are loaded only from "
			    "regular files in the plugin directory",
			    path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		kv_snprintf(err, errlen, "plugin \"%s\" is not a regular file", path);
		return -1;
	}
	return kv_check_not_writable_by_others(st, path, "plugin", err, errlen);
}

int kv_plugin_load(const char *dir, const char *name, enum kv_plugin_kind kind,
		   struct kv_plugin **out, char *err, size_t errlen)
{
	int ret = -1;
	void *handle = NULL;
	char path[4096];
	struct stat before, after;

	*out = NULL;
	if (kv_plugin_check_name(name, err, errlen) != 0 ||
	    kv_plugin_check_dir(dir, err, errlen) != 0)
		goto done;
	if (kv_snprintf(path, sizeof path, "%s/%s.so", dir, name) != 0) {
		kv_snprintf(err, errlen, "plugin path for \"%s\" is too long", name);
		goto done;
	}
	if (check_file(path, &before, err, errlen) != 0)
		goto done;

	dlerror();
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		const char *why = dlerror();
		kv_snprintf(err, errlen,
			    "could not load plugin \"%s\": %s (the most common cause is a "
			    "missing library: check with ldd)",
			    path, why ? why : "unknown error");
		goto done;
	}
	/* The file must still be the one that was checked. */
	if (lstat(path, &after) != 0 || after.st_dev != before.st_dev ||
	    after.st_ino != before.st_ino) {
		kv_snprintf(err, errlen, "plugin \"%s\" changed while it was being loaded", path);
		goto done;
	}

	void *conn = dlsym(handle, CONNECTOR_SYMBOL);
	void *ind = dlsym(handle, INDICATOR_SYMBOL);
	if (conn != NULL && ind != NULL) {
		kv_snprintf(err, errlen,
			    "plugin \"%s\" exports both " CONNECTOR_SYMBOL " and " INDICATOR_SYMBOL
			    "; a plugin exports exactly one descriptor",
			    path);
		goto done;
	}
	if (kind == KV_PLUGIN_ANY_KIND)
		kind = conn != NULL ? KV_PLUGIN_CONNECTOR : KV_PLUGIN_INDICATOR;
	void *sym = kind == KV_PLUGIN_CONNECTOR ? conn : ind;
	if (sym == NULL) {
		void *other = kind == KV_PLUGIN_CONNECTOR ? ind : conn;
		if (other != NULL)
			kv_snprintf(err, errlen, "plugin \"%s\" is %s plugin, not %s plugin",
				    path, a_kind(kind == KV_PLUGIN_CONNECTOR ? KV_PLUGIN_INDICATOR :
									       KV_PLUGIN_CONNECTOR),
				    a_kind(kind));
		else
			kv_snprintf(err, errlen,
				    "plugin \"%s\" exports no descriptor (%s); was it built "
				    "with kv_plugin.h's KV_%s_PLUGIN macro?",
				    path,
				    kind == KV_PLUGIN_CONNECTOR ? CONNECTOR_SYMBOL : INDICATOR_SYMBOL,
				    kind == KV_PLUGIN_CONNECTOR ? "CONNECTOR" : "INDICATOR");
		goto done;
	}
	const struct kv_plugin_header *h = sym;
	if (check_header(h, kind, path, name, symbol_size(sym), err, errlen) != 0)
		goto done;
	if (kind == KV_PLUGIN_CONNECTOR ? check_connector(sym, path, err, errlen) :
					  check_indicator(sym, path, err, errlen))
		goto done;

	struct kv_plugin *p = kv_xcalloc(1, sizeof *p);
	p->kind = kind;
	p->name = kv_xstrdup(name);
	p->path = kv_xstrdup(path);
	p->handle = handle;
	p->desc = copy_descriptor(h, kind);
	p->header = p->desc;
	p->keys = kv_setting_keys(h->settings, h->n_settings);
	p->n_keys = h->n_settings;
	if (kind == KV_PLUGIN_CONNECTOR)
		p->connector = p->desc;
	else {
		p->indicator = p->desc;
		p->defs = copy_defs(p->indicator);
	}
	handle = NULL;
	*out = p;
	ret = 0;
done:
	if (handle != NULL)
		dlclose(handle);
	return ret;
}

void kv_plugin_unload(struct kv_plugin *plugin)
{
	if (plugin == NULL)
		return;
	if (plugin->handle != NULL)
		dlclose(plugin->handle);
	free(plugin->defs);
	free(plugin->desc);
	free(plugin->keys);
	free(plugin->name);
	free(plugin->path);
	free(plugin);
}

const struct kv_config_key *kv_plugin_keys(const struct kv_plugin *plugin, size_t *n)
{
	*n = plugin->n_keys;
	return plugin->keys;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kv_plugin_scan(const char *dir, char ***names, char *err, size_t errlen)
{
	*names = NULL;
	if (kv_plugin_check_dir(dir, err, errlen) != 0)
		return -1;
	DIR *d = opendir(dir);
	if (d == NULL) {
		kv_snprintf(err, errlen, "could not read plugin directory \"%s\": %s", dir,
			    strerror(errno));
		return -1;
	}
	size_t n = 0, cap = 0;
	char **list = NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= 3 || strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			list = kv_xrealloc(list, cap, sizeof *list);
		}
		list[n] = kv_xstrdup(de->d_name);
		list[n][len - 3] = '\0';
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(list, n, sizeof *list, compare_names);
	*names = list;
	return (int)n;
}
