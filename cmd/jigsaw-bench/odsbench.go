package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// odsRows is the size of NHS Digital's GP practice file (epraccur) that the
// goal speaks of: -ods-rows' default.
const odsRows = 12922

// odsResult is the import of the generated GP practice file on one engine.
type odsResult struct {
	Engine  string
	Rows    int
	Import  time.Duration
	Summary string
}

// writeEpraccur writes a GP practice file of rows rows in epraccur's shape
// (27 quoted columns, no header; see testdata/ods): practices, walk-in,
// out-of-hours and urgent-care sites and the settings Jigsaw leaves out
// (prisons, care homes, hospital services), a third of them closed, as in
// the real file.
func writeEpraccur(path string, rows int, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	r := rand.New(rand.NewPCG(seed, 2))
	settings := []string{"4", "4", "4", "4", "4", "4", "4", "1", "2", "3", "12", "0", "8", "9", "10", "14", "25"}
	words := []string{"MANOR", "HOUSE", "PARK", "ROAD", "VALLEY", "HILL", "GREEN", "BRIDGE", "ST. JOHN'S", "MILL", "ABBEY", "CROSS"}
	for i := range rows {
		code := fmt.Sprintf("%c%05d", 'A'+byte(i%26), 10000+i)
		// Names repeat as in the real file: a place and what it is, a
		// doctor's practice, now and then a name many share ("PARK
		// SURGERY").
		var name string
		switch n := r.IntN(30); {
		case n == 0:
			name = words[r.IntN(len(words))] + " SURGERY"
		case n < 12:
			name = fmt.Sprintf("DR %c %c %s'S PRACTICE", 'A'+byte(r.IntN(26)), 'A'+byte(r.IntN(26)), surnames[r.IntN(len(surnames))])
		default:
			name = place(r) + []string{" SURGERY", " MEDICAL CENTRE", " HEALTH CENTRE", " PRACTICE", " MEDICAL PRACTICE"}[r.IntN(5)]
		}
		open := time.Date(1974, 4, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(15000))
		status, closed := "A", ""
		if r.IntN(3) == 0 {
			status, closed = "C", open.AddDate(0, 0, 1+r.IntN(4000)).Format("20060102")
		}
		district := fmt.Sprintf("%s%d", []string{"BD", "LS", "TS", "PL", "M", "B", "NE", "S"}[r.IntN(8)], 1+r.IntN(30))
		rec := []string{code, name, "Y54", "Q74", name, fmt.Sprintf("%d %s ROAD", 1+r.IntN(200), words[r.IntN(len(words))]),
			"TOWN", "COUNTY", "", district + " " + fmt.Sprintf("%d%c%c", r.IntN(10), 'A'+byte(r.IntN(26)), 'A'+byte(r.IntN(26))),
			open.Format("20060102"), closed, status, "B", "00M", "20130401", "", "01642 374788", "", "", "", "1", "", "00M", "",
			settings[r.IntN(len(settings))], ""}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

var surnames = []string{"AHMED", "BROWN", "CHAUDHRY", "DAVIES", "EVANS", "FOSTER", "GUPTA", "HUGHES", "IQBAL", "JONES",
	"KHAN", "LEWIS", "MORGAN", "NAIR", "OWEN", "PATEL", "QURESHI", "ROBERTS", "SHARMA", "THOMAS", "WILLIAMS", "WRIGHT"}

// place makes up an English-sounding place name.
func place(r *rand.Rand) string {
	first := []string{"ASH", "BRAD", "BRIG", "CASTLE", "CHEL", "DUN", "EAST", "FAIR", "GREEN", "HAL", "KEIGH", "LANG", "MARS", "MID", "NEW", "NORTH", "OAK", "RED", "SHIP", "STAN", "THORN", "WAKE", "WEST", "WHIT"}
	second := []string{"BURY", "DALE", "FIELD", "FORD", "HAM", "HOLME", "LEY", "MOOR", "MOUTH", "STEAD", "THORPE", "TON", "WELL", "WICK", "WOOD", "WORTH"}
	return first[r.IntN(len(first))] + second[r.IntN(len(second))]
}

// benchODS imports the generated GP practice file into a fresh database of
// each engine with `jigsaw import ods`, timing the whole program.
func benchODS(ctx context.Context, o options, rep *report) error {
	path := filepath.Join(o.workdir, "epraccur.csv")
	if err := writeEpraccur(path, o.odsRows, 11); err != nil {
		return err
	}
	for _, engine := range o.engines {
		dsn, cleanup, err := emptyDatabase(ctx, o, engine, "ods")
		if err != nil {
			return err
		}
		start := time.Now()
		out, err := exec.CommandContext(ctx, o.bin, "import", "ods", "--db", dsn, path).Output()
		took := time.Since(start)
		cleanup()
		if err != nil {
			return fmt.Errorf("jigsaw import ods: %v", err)
		}
		res := odsResult{Engine: engine, Rows: o.odsRows, Import: took, Summary: strings.TrimSpace(string(out))}
		logf("import ods %s: %d rows in %s: %s", engine, o.odsRows, took.Round(time.Millisecond), res.Summary)
		rep.ods = append(rep.ods, res)
	}
	return nil
}
