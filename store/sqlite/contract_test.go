package sqlite

import (
	"testing"

	"harvest"
	"harvest/store/storetest"
)

// TestContract runs the contract every catalogue backend keeps.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) harvest.Catalogue { return openTest(t) })
}
