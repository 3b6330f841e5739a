package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"harvest"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"harvest/config"
	"harvest/store/postgres"
	"harvest/store/sqlite"
)

// openCatalogue opens the catalogue at path for a command. A command that
// writes a new catalogue (crawl, schedule, demo) passes create; the
// others need the file to exist. Both say plainly what is wrong with the
// path before SQLite does: a missing folder (never created silently), a
// folder the user cannot write in, a folder given for a file.
//
// A postgres:// (or postgresql://) URL opens a PostgreSQL catalogue
// instead, whose schema is made or brought up to date on the way.
func openCatalogue(ctx context.Context, path string, create bool) (harvest.Catalogue, error) {
	if postgres.IsDSN(path) {
		db, err := postgres.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	if err := checkCataloguePath(path, create); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		if perr := writable(path); perr != nil {
			return nil, perr
		}
		return nil, err
	}
	return db, nil
}

// checkCataloguePath checks a catalogue path before it is opened.
func checkCataloguePath(path string, create bool) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("catalogue %s is a folder: --db wants a file, such as %s", path, filepath.Join(path, config.DefaultDB))
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("catalogue %s: permission denied (you may not read the folder it is in)", path)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("catalogue %s: %w", path, err)
	case !create:
		return missingCatalogue(path)
	}
	dir := filepath.Dir(path)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("catalogue %s: folder %s does not exist (create it first, or choose another --db)", path, dir)
	case err != nil:
		return fmt.Errorf("catalogue %s: %w", path, err)
	case !di.IsDir():
		return fmt.Errorf("catalogue %s: %s is not a folder", path, dir)
	}
	return writable(path)
}

// writable reports a folder (or catalogue file) the user may not write in:
// SQLite keeps its journal beside the catalogue, so even reading needs a
// writable folder.
func writable(path string) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".harvest-write-check-*")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EROFS) {
			return fmt.Errorf("catalogue %s: permission denied: you may not write in folder %s (choose a --db in a folder you can write, such as your home folder)", path, absDir(dir))
		}
		return nil // some other trouble: let SQLite's own error speak
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("catalogue %s: permission denied: the file is read-only", path)
	}
	return nil
}

func absDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// missingCatalogue is the error for a catalogue that does not exist. When
// the path is the default one and exactly one other catalogue lies in the
// folder, the message names it.
func missingCatalogue(path string) error {
	msg := fmt.Sprintf("catalogue %s does not exist", path)
	if others := cataloguesIn(filepath.Dir(path)); len(others) == 1 {
		return fmt.Errorf("%s; %s is the catalogue in this folder: add --db %s", msg, others[0], others[0])
	}
	return fmt.Errorf("%s (harvest crawl writes one: harvest crawl --url URL --db %s)", msg, path)
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// cataloguesIn lists the *.db files in dir that are SQLite databases, by
// the path a user would type.
func cataloguesIn(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.db"))
	var out []string
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			continue
		}
		head := make([]byte, len(sqliteMagic))
		_, err = io.ReadFull(f, head)
		f.Close()
		if err == nil && bytes.Equal(head, sqliteMagic) {
			if dir == "." {
				m = filepath.Base(m)
			}
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// checkSourceNames refuses a --source that names no source the catalogue
// holds and the configuration (when one was read) does not define, as
// crawl does: a typo must not pass as an empty result.
func checkSourceNames(ctx context.Context, db harvest.Catalogue, cfg *config.Config, names []string) error {
	if len(names) == 0 {
		return nil
	}
	sums, err := db.Sources(ctx)
	if err != nil {
		return err
	}
	var known []string
	for _, s := range sums {
		known = append(known, s.Name)
	}
	if cfg != nil {
		for _, s := range cfg.Sources {
			if !slices.Contains(known, s.Name) {
				known = append(known, s.Name)
			}
		}
	}
	slices.Sort(known)
	for _, n := range names {
		if slices.Contains(known, n) {
			continue
		}
		if len(known) == 0 {
			return usageError("--source %q: unknown source (the catalogue %s holds no source yet)", n, db)
		}
		return usageError("--source %q: unknown source (known: %s)", n, strings.Join(known, ", "))
	}
	return nil
}
