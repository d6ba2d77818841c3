package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// importResult is the OCDS import of one generated file on one engine.
type importResult struct {
	Engine   string
	Bytes    int64
	Releases int
	Import   time.Duration
	PeakRSS  float64 // MB, the jigsaw import process's high-water mark
	Decode   time.Duration
	Summary  string
}

// writeOCDS writes a Contracts Finder–shaped release package of about size
// bytes: releases of NHS buyers (a pool of 300) awarding contracts to
// suppliers from a pool of 20,000 companies, most contracts going to the few
// big ones (Zipf), with the contact points, classifications and non-standard
// fields the real files carry. It returns the number of releases.
func writeOCDS(path string, size int64, seed int64) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	z := newZipf(r)
	supplierZipf := rand.NewZipf(r, 1.2, 4, 19999)
	fmt.Fprint(w, `{"uri":"https://www.contractsfinder.service.gov.uk/Published/OCDS/Search","version":"1.1","publishedDate":"2024-01-01T00:00:00Z",`+
		`"publisher":{"name":"Crown Commercial Service","scheme":"GB-GOVUK","uid":null,"uri":"https://www.contractsfinder.service.gov.uk"},`+
		`"license":"http://www.nationalarchives.gov.uk/doc/open-government-licence/version/2/","releases":[`)
	var written int64
	n := 0
	for ; written < size; n++ {
		if n > 0 {
			w.WriteByte(',')
		}
		b, err := json.Marshal(fakeRelease(r, z, supplierZipf, n))
		if err != nil {
			return 0, err
		}
		w.Write(b)
		written += int64(len(b)) + 1
	}
	fmt.Fprint(w, "]}\n")
	return n, w.Flush()
}

func fakeRelease(r *rand.Rand, z, supplierZipf *rand.Zipf, n int) map[string]any {
	uuid := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", r.Uint32(), n%0xffff, r.IntN(0xfff), r.IntN(0xfff), r.Int64N(1<<48))
	buyer := r.IntN(300)
	date := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(3000))
	start := date.AddDate(0, 1+r.IntN(6), 0)
	parties := []map[string]any{{
		"id": fmt.Sprintf("%032x", buyer*7919+1), "roles": []string{"buyer"},
		"identifier": map[string]any{"scheme": "GB-SRS", "id": fmt.Sprintf("sid4gov.cabinetoffice.gov.uk/%08x", buyer), "legalName": nil},
		"name":       fmt.Sprintf("%s NHS Foundation Trust", placeName(buyer)),
		"address":    map[string]any{"streetAddress": "Hospital Road", "locality": placeName(buyer), "postalCode": fmt.Sprintf("BD%d 6TD", 1+buyer%23), "countryName": "England"},
		"contactPoint": map[string]any{"name": "Procurement Officer " + sentence(r, z, 1), "email": fmt.Sprintf("procurement%d@nhs.net", buyer),
			"telephone": fmt.Sprintf("0124436%04d", buyer), "faxNumber": nil},
	}}
	var suppliers []map[string]any
	for i := 0; i < 1+r.IntN(4); i++ {
		s := int(supplierZipf.Uint64())
		id := fmt.Sprint(i + 1)
		parties = append(parties, map[string]any{
			"id": id, "roles": []string{"supplier", "tenderer"},
			"identifier": map[string]any{"scheme": "GB-COH", "id": fmt.Sprintf("%08d", 1000000+s), "legalName": fmt.Sprintf("SUPPLIER %d LIMITED", s)},
			"sme":        r.IntN(2) == 0, "vco": false, "name": fmt.Sprintf("SUPPLIER %d LIMITED", s),
			"address":      map[string]any{"streetAddress": "1 High Street\nLONDON\nGB", "locality": "", "region": "", "postalCode": "", "countryName": ""},
			"contactPoint": map[string]any{"name": "Bid Manager", "email": "", "telephone": "", "faxNumber": ""},
			"x_awardValue": map[string]any{"currency": "GBP", "amount": nil},
		})
		suppliers = append(suppliers, map[string]any{"id": id, "name": fmt.Sprintf("SUPPLIER %d LIMITED", s)})
	}
	amount := float64(r.IntN(5000000)) + float64(r.IntN(100))/100
	period := map[string]any{"startDate": start.Format(time.RFC3339), "endDate": start.AddDate(1+r.IntN(4), 0, -1).Format(time.RFC3339)}
	return map[string]any{
		"ocid": "ocds-b5fd17-" + uuid, "id": fmt.Sprintf("ocds-b5fd17-%s-%d", uuid, 350000+n), "date": date.Format(time.RFC3339),
		"tag": []string{"award"}, "initiationType": "tender", "language": "en-GB", "parties": parties,
		"buyer": map[string]any{"id": parties[0]["id"], "name": parties[0]["name"]},
		"tender": map[string]any{
			"id": fmt.Sprintf("tender-%d", n), "title": "Provision of " + sentence(r, z, 6), "description": sentence(r, z, 80),
			"status": "complete", "procurementMethod": "open", "procurementMethodDetails": "Open procedure (OJEU)",
			"items":          []map[string]any{{"id": 1, "description": "See description of related tender.", "classification": map[string]any{"scheme": "CPV", "id": "85100000", "description": "Health services"}}},
			"minValue":       map[string]any{"amount": 0, "currency": "GBP"},
			"value":          map[string]any{"amount": amount, "currency": "GBP"},
			"tenderPeriod":   map[string]any{"endDate": date.Format(time.RFC3339)},
			"contractPeriod": period, "documents": []any{}, "numberOfTenderers": len(suppliers),
			"xClassifications": map[string]any{"isSuitableForSme": true, "isSuitableForVco": true, "ojeuContractType": "Services"},
		},
		"awards": []map[string]any{{
			"id": fmt.Sprintf("%s-award", uuid), "title": nil, "description": "See description of related tender", "status": "active",
			"date": start.Format(time.RFC3339), "value": map[string]any{"amount": amount, "currency": "GBP"}, "suppliers": suppliers,
			"contractPeriod": period,
		}},
	}
}

func placeName(i int) string {
	places := []string{"Airedale", "Leeds", "Bradford", "Harrogate", "York", "Calderdale", "Kirklees", "Wakefield", "Barnsley", "Sheffield",
		"Doncaster", "Rotherham", "Hull", "Scarborough", "Northallerton", "Darlington", "Durham", "Sunderland", "Gateshead", "Newcastle"}
	return fmt.Sprintf("%s %d", places[i%len(places)], i/len(places))
}

// decodeOCDS is the baseline: plain encoding/json streaming through the
// same file, each release decoded into generic values.
func decodeOCDS(path string) (int, time.Duration, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<16))
	n := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		if tok == "releases" {
			dec.Token()
			for dec.More() {
				var rel any
				if err := dec.Decode(&rel); err != nil {
					return 0, 0, err
				}
				n++
			}
		}
	}
	return n, time.Since(start), nil
}

// benchImport generates an OCDS file of o.importMB megabytes (o.importPGMB
// for PostgreSQL), decodes it with plain encoding/json, then imports it with
// `jigsaw import ocds` into a fresh database of each engine, timing it and
// reading the import process's peak memory. The files are left in the work
// directory, which the harness removes.
func benchImport(ctx context.Context, o options, rep *report) error {
	for _, engine := range o.engines {
		mb := o.importMB
		if engine == "postgres" && o.importPGMB < mb {
			mb = o.importPGMB
		}
		if mb <= 0 {
			continue
		}
		path := filepath.Join(o.workdir, fmt.Sprintf("ocds-%d.json", mb))
		n, err := cachedOCDS(path, mb)
		if err != nil {
			return err
		}
		fi, _ := os.Stat(path)
		res := importResult{Engine: engine, Bytes: fi.Size(), Releases: n}
		if _, res.Decode, err = decodeOCDS(path); err != nil {
			return err
		}
		dsn, cleanup, err := emptyDatabase(ctx, o, engine, "import")
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, o.bin, "import", "ocds", "--db", dsn, path)
		cmd.Stderr = os.Stderr
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		res.PeakRSS, err = runWatchingMemory(cmd)
		res.Import = time.Since(start)
		cleanup()
		if err != nil {
			return fmt.Errorf("jigsaw import ocds: %v", err)
		}
		res.Summary = out.String()
		logf("import %s: %d releases (%d MB) in %s (plain decode %s), peak RSS %.1f MB: %s", engine, n, res.Bytes>>20,
			res.Import.Round(time.Millisecond), res.Decode.Round(time.Millisecond), res.PeakRSS, res.Summary)
		rep.imports = append(rep.imports, res)
	}
	return nil
}

// emptyDatabase is a new database of engine at the latest schema, named
// for what it is for; cleanup drops it.
func emptyDatabase(ctx context.Context, o options, engine, use string) (dsn string, cleanup func(), err error) {
	dsn, drop, err := newDatabase(ctx, o, engine)
	if err != nil {
		return "", nil, err
	}
	cleanup = drop
	if engine == "sqlite" {
		dsn += "." + use
		cleanup = func() { os.Remove(dsn) }
	}
	if out, err := exec.CommandContext(ctx, o.bin, "migrate", "--db", dsn).CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("migrate: %v: %s", err, out)
	}
	return dsn, cleanup, nil
}

// cachedOCDS writes the file of mb megabytes unless this run already did.
func cachedOCDS(path string, mb int) (int, error) {
	if n, ok := ocdsFiles[path]; ok {
		return n, nil
	}
	logf("import: writing a %d MB OCDS release package", mb)
	n, err := writeOCDS(path, int64(mb)<<20, 7)
	ocdsFiles[path] = n
	return n, err
}

var ocdsFiles = map[string]int{}

// runWatchingMemory runs cmd and returns its peak resident memory in MB:
// the kernel's high-water mark for the program (VmHWM), read every 20 ms.
// (The rusage of a finished child will not do: its maxrss starts from the
// harness's own memory, which the child shared until it ran the program.)
func runWatchingMemory(cmd *exec.Cmd) (float64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	// Start returns once the program runs: its memory can be read at once.
	peak := statusMB(cmd.Process.Pid, "VmHWM:")
	for {
		select {
		case err := <-done:
			return peak, err
		case <-tick.C:
			peak = max(peak, statusMB(cmd.Process.Pid, "VmHWM:"))
		}
	}
}
