package jigsaw

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every fuzz target must be in scripts/fuzz.sh, or neither CI's short run
// nor the harness's long one would ever fuzz it.
func TestEveryFuzzTargetIsRun(t *testing.T) {
	script, err := os.ReadFile("scripts/fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	fuzzRE := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	found := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range fuzzRE.FindAllSubmatch(src, -1) {
			found++
			line := string(m[1]) + " ./" + filepath.Dir(path)
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(line) + `$`).Match(script) {
				t.Errorf("%s (%s) is not listed in scripts/fuzz.sh as %q", m[1], path, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 8 {
		t.Fatalf("found only %d fuzz targets: is the pattern still right?", found)
	}
}

// A fresh clone runs every test: no test reads a file by a path that climbs
// out of the repository (as the importer tests once read ../shared/data).
func TestTestsReadOnlyTheRepository(t *testing.T) {
	upRE := regexp.MustCompile("[\"`]((?:\\.\\./)+[^\"`]+)[\"`]")
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range upRE.FindAllSubmatch(src, -1) {
			checked++
			if to := filepath.Join(filepath.Dir(path), string(m[1])); to == ".." || strings.HasPrefix(to, "../") {
				t.Errorf("%s reads %q, outside the repository (%s): copy what it needs into testdata/", path, m[1], to)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("found no relative path in any test: is the pattern still right?")
	}
}
