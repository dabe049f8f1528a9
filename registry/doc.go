// Package registry will import the staff registry and unit tree and match a
// document's person to registry entries. Nothing is built here yet: it comes
// with the registry issue.
package registry
