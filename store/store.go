// Package store keeps the catalogue in SQLite. It knows no HTML.
package store
