package pipeline

import (
	"context"
	"sync"

	"hoso"
	"hoso/registry"
)

// RegistryStore is where workers find the staff registry: the catalog.
type RegistryStore interface {
	Registry(ctx context.Context) ([]hoso.Staff, []hoso.Unit, string, error)
	RegistryVersion(ctx context.Context) (string, error)
}

// CatalogLinker links documents against the registry kept in the catalog,
// indexed once and indexed again whenever an import changes it.
type CatalogLinker struct {
	Store    RegistryStore
	Settings registry.Settings

	mu      sync.Mutex
	version string
	linker  registry.Linker
}

// Linker returns a linker over the registry as it is now.
func (c *CatalogLinker) Linker(ctx context.Context) (Linker, error) {
	v, err := c.Store.RegistryVersion(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v == c.version && c.linker.Registry != nil {
		return c.linker, nil
	}
	staff, units, v, err := c.Store.Registry(ctx)
	if err != nil {
		return nil, err
	}
	reg := registry.New()
	reg.Upsert(staff)
	reg.SetUnits(units)
	c.version, c.linker = v, registry.Linker{Registry: reg, Settings: c.Settings}
	return c.linker, nil
}
