package imports_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// The real published files, as kept in the repository's testdata (see its
// README for where each comes from).
const data = "../../testdata"

var (
	countessOfChester = filepath.Join(data, "ocds", "bluetail-cf-raw-88b8ba25-1773-46b0-b5a5-37a8e3c1097a.json")
	nhsSBS            = filepath.Join(data, "ocds", "bluetail-cf-raw-2151c2ad-a80a-4bdd-8346-c8917fe8578d.json")
	bfi               = filepath.Join(data, "ocds", "bluetail-cf-raw-0054a4e6-0715-42c6-9109-e219fe9d3289.json")
	fictional         = filepath.Join(data, "ocds", "sample-data-fictional-1.1-release-package.json")
	fictionalRecord   = filepath.Join(data, "ocds", "sample-data-fictional-1.1-record-package.json")
	mexicanRecord     = filepath.Join(data, "ocds", "ocdskit-realdata-record-package-1.json")
	etr               = filepath.Join(data, "ods", "etr_2025_folakeobalakun.csv")
	epraccur          = filepath.Join(data, "ods", "epraccur_sample_openprescribing.csv")
	eccg              = filepath.Join(data, "ods", "eccg_openprescribing_fixture.csv")
)

// contentTables are every table an import may write.
var contentTables = []string{"organisations", "tracker_items", "tracker_organisations", "tracker_sources",
	"tracker_status_history", "revisions", "ocds_releases", "import_runs"}

func importFile(t *testing.T, db *store.DB, kind, path string, opt imports.Options) (*jigsaw.ImportRun, error) {
	t.Helper()
	src, err := imports.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return imports.Import(context.Background(), db, kind, src, opt)
}

func importBytes(db *store.DB, kind, name string, b []byte, opt imports.Options) (*jigsaw.ImportRun, error) {
	src, err := imports.NewSource(name, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	return imports.Import(context.Background(), db, kind, src, opt)
}

func mustImport(t *testing.T, db *store.DB, kind, path string, opt imports.Options) jigsaw.ImportCounts {
	t.Helper()
	run, err := importFile(t, db, kind, path, opt)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return run.ImportCounts
}

func counts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	n, err := db.CountRows(context.Background(), contentTables...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func drafts(t *testing.T, db *store.DB) []*jigsaw.TrackerItem {
	t.Helper()
	items, _, err := db.FindTrackerItems(context.Background(), jigsaw.TrackerFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// The test: a real Contracts Finder release package imports into a
// linked draft with its organisations, a re-import is a no-op, and a
// truncated copy fails with its location and writes nothing.
func TestContractsFinderPackage(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := mustImport(t, db, "ocds", countessOfChester, imports.Options{})
		if c.Read != 1 || c.Created != 1 || c.OrgsCreated != 3 {
			t.Fatalf("counts = %+v, want 1 release read, 1 item and 3 organisations created", c)
		}
		items := drafts(t, db)
		if len(items) != 1 {
			t.Fatalf("%d tracker items, want 1", len(items))
		}
		item, err := db.FindTrackerItemByID(ctx, items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if item.Published {
			t.Error("an imported item must arrive as a draft")
		}
		if item.Kind != jigsaw.TrackerContractAward || item.ValuePence != 50_000_000_00 || item.Status != jigsaw.TrackerDecided ||
			item.DecidedOn != "2020-04-21" || item.EffectiveOn != "2020-04-21" || item.EndsOn != "2024-04-20" || item.District != "CH2" {
			t.Errorf("item = %+v", item)
		}
		if !strings.Contains(item.Title, "Occupational Health Services") {
			t.Errorf("title = %q, want the tender's title", item.Title)
		}
		if !strings.Contains(item.Summary, "Countess of Chester Hospital NHS Foundation Trust's") {
			t.Errorf("summary = %q: HTML entities should be decoded", item.Summary)
		}
		if len(item.Sources) != 1 || item.Sources[0].URL != "https://www.contractsfinder.service.gov.uk/Notice/88b8ba25-1773-46b0-b5a5-37a8e3c1097a" ||
			item.Sources[0].Publisher != "Contracts Finder" || item.Sources[0].PublishedOn != "2019-10-14" {
			t.Errorf("sources = %+v", item.Sources)
		}
		roles := map[jigsaw.OrgRole][]string{}
		for _, o := range item.Organisations {
			roles[o.Role] = append(roles[o.Role], o.Name)
		}
		if strings.Join(roles[jigsaw.RoleBuyer], ",") != "Countess Of Chester Hospital" ||
			strings.Join(roles[jigsaw.RoleSupplier], ",") != "HEALTHWORK LIMITED,TEAM PREVENT UK LIMITED" {
			t.Errorf("organisations = %+v", roles)
		}
		healthwork, err := db.FindOrganisationByCompanyNumber(ctx, "04925014")
		if err != nil || healthwork.Kind != jigsaw.OrgCompany {
			t.Errorf("supplier by company number: %+v, %v", healthwork, err)
		}
		buyer, err := db.FindOrganisationBySlug(ctx, "countess-of-chester-hospital")
		if err != nil || buyer.Kind != jigsaw.OrgNationalBody {
			t.Errorf("buyer: %+v, %v", buyer, err)
		}

		// The contact points name people: none of it may be stored.
		assertNoPersonalData(t, db, item, "James Flood", "james.flood1@nhs.net", "01244362552", "Tok Hussain", "Nicola Bailey")

		before := counts(t, db)
		version, _ := db.ContentVersion(ctx)
		c = mustImport(t, db, "ocds", countessOfChester, imports.Options{})
		if c.Read != 1 || c.Unchanged != 1 || c.Created+c.Updated+c.OrgsCreated+c.OrgsUpdated != 0 {
			t.Errorf("re-import counts = %+v, want 1 unchanged", c)
		}
		after := counts(t, db)
		after["import_runs"]-- // the one thing a re-import adds: its line in the log
		if !equalCounts(before, after) {
			t.Errorf("re-import changed rows: before %v, after %v", before, after)
		}
		if v, _ := db.ContentVersion(ctx); v != version {
			t.Errorf("re-import bumped the content version %d → %d: every cached page would be dropped for nothing", version, v)
		}

		whole, err := os.ReadFile(nhsSBS)
		if err != nil {
			t.Fatal(err)
		}
		before = counts(t, db)
		_, err = importBytes(db, "ocds", "truncated.json", whole[:len(whole)/2], imports.Options{})
		if msg := jigsaw.ErrorMessage(err); err == nil || !regexp.MustCompile(`truncated.json: line \d+, column \d+`).MatchString(msg) || !strings.Contains(msg, "$.releases[0]") ||
			!strings.Contains(msg, "truncated") {
			t.Errorf("truncated file: err = %v, want its name, line, JSON path and that it is truncated", err)
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("a failed import wrote rows: before %v, after %v", before, after)
		}
	})
}

func assertNoPersonalData(t *testing.T, db *store.DB, item *jigsaw.TrackerItem, values ...string) {
	t.Helper()
	b, _ := json.Marshal(item)
	orgs, _, err := db.FindOrganisations(context.Background(), jigsaw.OrganisationFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ob, _ := json.Marshal(orgs)
	revs, _ := db.FindRevisions(context.Background(), jigsaw.ObjectTrackerItem, item.ID)
	rb, _ := json.Marshal(revs)
	all := string(b) + string(ob) + string(rb)
	for _, v := range values {
		if strings.Contains(all, v) {
			t.Errorf("%q (a contact point) was imported", v)
		}
	}
}

// Releases of one contracting process update its item in place, newest
// wins, and an older release never overwrites a newer one.
func TestOCDSNewerReleaseUpdatesInPlace(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		var pkg struct {
			Publisher any               `json:"publisher"`
			Releases  []json.RawMessage `json:"releases"`
		}
		b, err := os.ReadFile(fictional)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &pkg); err != nil {
			t.Fatal(err)
		}
		part := func(rs ...json.RawMessage) []byte {
			out, _ := json.Marshal(map[string]any{"publisher": pkg.Publisher, "releases": rs})
			return out
		}
		// Planning to award: the award is pending.
		run, err := importBytes(db, "ocds", "first.json", part(pkg.Releases[:4]...), imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Created != 1 || run.Skips["no award"] != 3 {
			t.Fatalf("counts = %+v", run.ImportCounts)
		}
		item := drafts(t, db)[0]
		if item.Status != jigsaw.TrackerProposed || item.ValuePence != 11_000_000_00 {
			t.Fatalf("after the award release: %+v", item)
		}
		// The contract and implementation releases: signed and running.
		run, err = importBytes(db, "ocds", "rest.json", part(pkg.Releases[4:]...), imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Updated != 1 || run.Unchanged != 1 || run.Created != 0 {
			t.Fatalf("counts = %+v, want the item updated once and then unchanged", run.ImportCounts)
		}
		items := drafts(t, db)
		if len(items) != 1 {
			t.Fatalf("%d items: a newer release must update, not duplicate", len(items))
		}
		got, _ := db.FindTrackerItemByID(context.Background(), items[0].ID)
		if got.Status != jigsaw.TrackerImplemented || len(got.History) != 2 || got.History[0].Status != jigsaw.TrackerProposed {
			t.Errorf("history = %+v, want proposed then implemented", got.History)
		}
		if got.EffectiveOn != "2010-07-01" || got.EndsOn != "2011-06-30" {
			t.Errorf("contract period = %s to %s", got.EffectiveOn, got.EndsOn)
		}
		// A copy holding an older release the importer has not seen: skipped.
		older := bytes.Replace(part(pkg.Releases[3]), []byte(`"ocds-213czf-000-00001-04-award"`), []byte(`"ocds-213czf-000-00001-04b-award"`), 1)
		run, err = importBytes(db, "ocds", "older.json", older, imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Skips["older than a release already imported"] != 1 {
			t.Errorf("older release: %+v", run.ImportCounts)
		}
		if again, _ := db.FindTrackerItemByID(context.Background(), items[0].ID); again.Status != jigsaw.TrackerImplemented {
			t.Errorf("an older release changed the status to %s", again.Status)
		}
		// The record package of the same process, compiled: nothing new.
		c := mustImport(t, db, "ocds", fictionalRecord, imports.Options{})
		if c.Unchanged != 1 || c.Created != 0 {
			t.Errorf("record package: %+v", c)
		}
	})
}

func TestOCDSFilters(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		c := mustImport(t, db, "ocds", bfi, imports.Options{OCDS: imports.OCDSOptions{NHSOnly: true}})
		if c.Created != 0 || c.Skips["buyer not selected"] != 1 {
			t.Errorf("BFI with --nhs-only: %+v", c)
		}
		c = mustImport(t, db, "ocds", nhsSBS, imports.Options{OCDS: imports.OCDSOptions{NHSOnly: true}})
		if c.Created != 1 {
			t.Errorf("NHS Shared Business Services with --nhs-only: %+v", c)
		}
		c = mustImport(t, db, "ocds", countessOfChester, imports.Options{OCDS: imports.OCDSOptions{Since: "2020-01-01"}})
		if c.Created != 0 || c.Skips["dated before --since"] != 1 {
			t.Errorf("--since: %+v", c)
		}
		c = mustImport(t, db, "ocds", countessOfChester, imports.Options{OCDS: imports.OCDSOptions{Buyers: []string{"chester"}}})
		if c.Created != 1 {
			t.Errorf("--buyer chester: %+v", c)
		}
		c = mustImport(t, db, "ocds", mexicanRecord, imports.Options{OCDS: imports.OCDSOptions{NHSOnly: true}})
		if c.Created != 0 {
			t.Errorf("a Mexican record with --nhs-only: %+v", c)
		}
	})
}

func TestOCDSDryRunWritesNothing(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		before := counts(t, db)
		c := mustImport(t, db, "ocds", nhsSBS, imports.Options{DryRun: true})
		if c.Created != 1 || c.OrgsCreated != 26 {
			t.Errorf("dry run counts = %+v, want what a real run does", c)
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("a dry run wrote rows: %v → %v", before, after)
		}
	})
}

// JSON Lines of bare releases, gzipped, read like the package they came from.
func TestOCDSJSONLinesGzip(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	var pkg struct {
		Releases []json.RawMessage `json:"releases"`
	}
	b, _ := os.ReadFile(fictional)
	json.Unmarshal(b, &pkg)
	var lines bytes.Buffer
	zw := gzip.NewWriter(&lines)
	for _, r := range pkg.Releases {
		var compact bytes.Buffer
		json.Compact(&compact, r)
		zw.Write(append(compact.Bytes(), '\n'))
	}
	zw.Close()
	run, err := importBytes(db, "ocds", "releases.jsonl.gz", lines.Bytes(), imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Read != 6 || run.Created != 1 || run.Updated != 1 {
		t.Errorf("counts = %+v", run.ImportCounts)
	}
}

func TestOCDSBrokenFiles(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	for _, tc := range []struct {
		file, body string
		want       []string
	}{
		{file: filepath.Join(data, "ocds", "invalid", "cove-ocds-bad_toplevel_list.json"), want: []string{"line 1, column 1", "found an array"}},
		{file: filepath.Join(data, "ocds", "invalid", "cove-ocds-tenders_releases_2_releases_not_json.json"), want: []string{"line 66, column 11", "$.releases[1]", "not valid JSON"}},
		{file: filepath.Join(data, "ocds", "invalid", "lib-cove-ocds-common_checks_dupe_ids_1.json"), want: []string{"line 198", "appears twice", "first as release number 1"}},
		{body: "", want: []string{"the file is empty"}},
		{body: `{"releases": {}}`, want: []string{"$.releases", "expected an array, found an object"}},
		{body: `{"releases": [{"ocid": "o", "id": "1", "awards": [{"id": "a"}, {"id": "b", "value": {"amount": "lots"}}]}]}`,
			want: []string{"$.releases[0].awards[1].value.amount", "expected a number", "line 1, column 96"}},
		{body: "{\"releases\": [\n{\"ocid\": \"o\", \"id\": \"1\", \"awards\": \"none\"}]}", want: []string{"line 2", "$.releases[0].awards", "expected an array"}},
		{body: `{"releases": [{"id": "1"}]}`, want: []string{"$.releases[0].ocid", "must have an ocid"}},
		{body: `{"releases": [{"ocid": "o", "id": "1", "date": "last tuesday"}]}`, want: []string{"$.releases[0].date", "not a date"}},
		{body: `{"uri": "x"}`, want: []string{"none of them"}},
		{body: `{"releases": [{"ocid": "o", "id": "1"}]} {"releases": [`, want: []string{"truncated"}},
		{body: "\x1f\x8b\x08\x00garbage", want: []string{"test.json: the gzip data ends early"}},
		{body: "\x1f\x8b\x07\x00garbage", want: []string{"test.json: not a readable gzip file"}},
		{body: "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff", want: []string{"test.json: the gzip data is corrupt"}},
		{body: `{"ocid": "o", "id": "1", "awards": "none"}`, want: []string{"$.awards: expected an array, found string"}},
	} {
		before := counts(t, db)
		var err error
		if tc.file != "" {
			_, err = importFile(t, db, "ocds", tc.file, imports.Options{})
		} else {
			_, err = importBytes(db, "ocds", "test.json", []byte(tc.body), imports.Options{})
		}
		if err == nil {
			t.Errorf("%s%q: imported", tc.file, tc.body)
			continue
		}
		if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
			t.Errorf("%s%q: code %s, want invalid: %v", tc.file, tc.body, jigsaw.ErrorCode(err), err)
		}
		for _, w := range tc.want {
			if msg := jigsaw.ErrorMessage(err); !strings.Contains(msg, w) {
				t.Errorf("%s%q: message %q lacks %q", tc.file, tc.body, msg, w)
			}
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("%s%q: wrote rows", tc.file, tc.body)
		}
	}
}

func TestODS(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := mustImport(t, db, "ods", etr, imports.Options{})
		if c.Read != 210 || c.Created+c.Skipped != 210 || c.Created < 200 {
			t.Fatalf("etr counts = %+v", c)
		}
		airedale, err := db.FindOrganisationByODSCode(ctx, "RCF")
		if err != nil {
			t.Fatal(err)
		}
		if airedale.Name != "Airedale NHS Foundation Trust" || airedale.Kind != jigsaw.OrgFoundationTrust || airedale.Region != "North East and Yorkshire" {
			t.Errorf("RCF = %+v", airedale)
		}
		c = mustImport(t, db, "ods", etr, imports.Options{})
		if c.Unchanged != c.Created+c.Read-c.Skipped || c.Created != 0 || c.Updated != 0 {
			t.Errorf("re-import counts = %+v, want all unchanged", c)
		}

		c = mustImport(t, db, "ods", eccg, imports.Options{})
		if c.Skips["closed"] != 1 || c.Created != 4 {
			t.Errorf("eccg counts = %+v", c)
		}
		if o, _ := db.FindOrganisationByODSCode(ctx, "00C"); o == nil || o.Kind != jigsaw.OrgCCG || o.Name != "NHS Darlington CCG" {
			t.Errorf("00C = %+v", o)
		}
		// A practice commissioned by 00C gets it as parent; the file's other
		// two rows have other prescribing settings: not GP practices.
		practices, _ := os.ReadFile(epraccur)
		practices = bytes.Replace(practices, []byte(`"00K","20130401"`), []byte(`"00C","20130401"`), 1)
		run, err := importBytes(db, "ods", "epraccur-test.csv", practices, imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Created != 1 || run.Skips["not a GP practice or urgent care site (prescribing setting 25, prison)"] != 1 ||
			run.Skips["not a GP practice or urgent care site (prescribing setting 9, community health service)"] != 1 {
			t.Errorf("epraccur counts = %+v", run.ImportCounts)
		}
		mckenzie, err := db.FindOrganisationByODSCode(ctx, "A81044")
		ccg, _ := db.FindOrganisationByODSCode(ctx, "00C")
		if err != nil || mckenzie.ParentID != ccg.ID || mckenzie.Kind != jigsaw.OrgGPPractice || mckenzie.Name != "McKenzie House Surgery" {
			t.Errorf("A81044 = %+v, %v", mckenzie, err)
		}

		before := counts(t, db)
		for body, want := range map[string]string{
			odsRow("A1", "X"):    `line 1, column 1 (code): "A1" is not an ODS code`,
			`"RCF"` + "\n":       "line 1: 1 columns, not an ODS file's 27",
			odsRow("RCF", ""):    "line 1, column 2 (name): the name is empty",
			`"RCF","A` + "\nB\n": "line 2, column 3: a quoted field is not closed",
			"":                   "no rows: expected an NHS ODS CSV file",
			odsRow("RCF", "AIREDALE") + odsRow("R0A", "MANCHESTER") + odsRow("bad code!", "X"): `line 3, column 1 (code): "bad code!"`,
			strings.Replace(odsRow("RCF", "AIREDALE"), "20020401", "1/4/2013", 1):              `line 1, column 11 (open date): "1/4/2013" is not a date as ODS writes them (YYYYMMDD)`,
			// Not ODS files at all: ONS's ICB lookup, and a spreadsheet's
			// list with a header row.
			"ICB24CD,ICB24CDH,ICB24NM,ObjectId\nE54000008,QYG,NHS Cheshire and Merseyside Integrated Care Board,1\n": "line 1: this looks like a header row (ICB24CD,ICB24CDH,ICB24NM,ObjectId)",
			"E54000008,QYG,NHS Cheshire and Merseyside Integrated Care Board,1\n":                                    `line 1, column 1 (code): "E54000008" is an ONS code, not an ODS code`,
			"Organisation Code,Name\nRCF,X\n": "line 1: this looks like a header row",
		} {
			for _, dryRun := range []bool{false, true} {
				_, err := importBytes(db, "ods", "bad.csv", []byte(body), imports.Options{DryRun: dryRun, ODS: imports.ODSOptions{Kind: "trust"}})
				if msg := jigsaw.ErrorMessage(err); !strings.Contains(msg, "bad.csv: "+want) {
					t.Errorf("%q: message %q lacks %q", body, msg, want)
				}
			}
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("failed ODS imports wrote rows")
		}
	})
}

// odsRow is a row of an NHS ODS file of trusts: 27 columns, quoted, the
// open date set.
func odsRow(code, name string) string {
	cols := make([]string, 27)
	cols[0], cols[1], cols[2], cols[10] = code, name, "Y63", "20020401"
	return `"` + strings.Join(cols, `","`) + `"` + "\r\n"
}

// A newer ODS file that shows a known trust closed records the closure:
// the organisation's close date, an entry in its timeline, and a draft
// closure danger for editors, once however often the file is imported.
func TestODSClosures(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newer, err := os.ReadFile(etr)
		if err != nil {
			t.Fatal(err)
		}
		// The same file from before Solent NHS Trust (R1C) closed.
		older := bytes.Replace(newer, []byte(`"20110401","20240930"`), []byte(`"20110401",""`), 1)
		if bytes.Equal(older, newer) {
			t.Fatal("the fixture no longer has R1C's close date")
		}
		if _, err := importBytes(db, "ods", "etr-2023.csv", older, imports.Options{}); err != nil {
			t.Fatal(err)
		}
		solent, err := db.FindOrganisationByODSCode(ctx, "R1C")
		if err != nil || solent.ClosedOn != "" || solent.OpenedOn != "2011-04-01" {
			t.Fatalf("R1C before = %+v, %v", solent, err)
		}

		before := counts(t, db)
		dry, err := importBytes(db, "ods", "etr.csv", newer, imports.Options{DryRun: true})
		if err != nil || dry.Closures != 1 {
			t.Fatalf("dry run: %+v, %v", dry, err)
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("a dry run wrote rows: %v → %v", before, after)
		}
		run, err := importBytes(db, "ods", "etr.csv", newer, imports.Options{})
		if err != nil || run.Closures != 1 || run.Updated != 1 {
			t.Fatalf("newer file: %+v, %v", run, err)
		}
		if !strings.Contains(run.String(), "1 newly closed (recorded as draft closures)") {
			t.Errorf("summary %q does not mention the closure", run.String())
		}
		solent, _ = db.FindOrganisationByODSCode(ctx, "R1C")
		if solent.ClosedOn != "2024-09-30" || !solent.Closed("2024-09-30") || solent.Closed("2024-09-29") {
			t.Errorf("R1C after = %+v", solent)
		}
		var closure *jigsaw.TrackerItem
		for _, it := range drafts(t, db) {
			if it.Kind == jigsaw.TrackerClosure {
				closure, _ = db.FindTrackerItemByID(ctx, it.ID)
			}
		}
		if closure == nil || closure.Published || closure.Title != "Solent NHS Trust closed" || closure.District != "SO19" ||
			closure.EffectiveOn != "2024-09-30" || len(closure.Organisations) != 1 || closure.Organisations[0].OrgID != solent.ID ||
			closure.History[0].Status != jigsaw.TrackerImplemented || closure.History[0].On != "2024-09-30" {
			t.Fatalf("closure draft = %+v", closure)
		}
		entries, err := db.OrganisationTimeline(ctx, solent.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range entries {
			kinds = append(kinds, string(e.Kind)+" "+e.Date)
		}
		if !slices.Equal(kinds, []string{"closed 2024-09-30", "opened 2011-04-01"}) {
			t.Errorf("R1C's timeline = %q", kinds)
		}
		again, err := importBytes(db, "ods", "etr.csv", newer, imports.Options{})
		if err != nil || again.Closures != 0 || again.Updated != 0 {
			t.Errorf("the same file again: %+v, %v", again, err)
		}
		if n := counts(t, db)["tracker_items"]; n != 1 {
			t.Errorf("%d tracker items after importing the file twice, want the one closure", n)
		}
	})
}

// Walk-in centres, out-of-hours and urgent care sites in a GP practice
// file are imported with their setting as their kind; prisons, care homes
// and the like are skipped with their setting named.
func TestODSPracticeSettings(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	ctx := context.Background()
	row := func(code, setting string) string {
		cols := make([]string, 27)
		cols[0], cols[1], cols[2], cols[9], cols[10], cols[12], cols[25] = code, "STOCKTON-ON-TEES "+code, "Y54", "TS18 1AA", "20050501", "A", setting
		return `"` + strings.Join(cols, `","`) + `"` + "\r\n"
	}
	file := row("Y00001", "1") + row("Y00002", "2") + row("Y00003", "3") + row("Y00004", "12") + row("Y00005", "4") + row("Y00006", "25") + row("Y00007", "14")
	run, err := importBytes(db, "ods", "epraccur.csv", []byte(file), imports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Created != 5 || run.Skips["not a GP practice or urgent care site (prescribing setting 25, prison)"] != 1 ||
		run.Skips["not a GP practice or urgent care site (prescribing setting 14, care home or nursing home)"] != 1 {
		t.Errorf("counts = %+v", run.ImportCounts)
	}
	for code, want := range map[string]jigsaw.OrgKind{"Y00001": jigsaw.OrgWalkInCentre, "Y00002": jigsaw.OrgOutOfHours,
		"Y00003": jigsaw.OrgWalkInCentre, "Y00004": jigsaw.OrgUrgentCare, "Y00005": jigsaw.OrgGPPractice} {
		o, err := db.FindOrganisationByODSCode(ctx, code)
		if err != nil || o.Kind != want || o.OpenedOn != "2005-05-01" {
			t.Errorf("%s = %+v, %v; want kind %s", code, o, err, want)
		}
	}
}

const trackerCSV = `kind,title,status,status_on,value_gbp,buyers,suppliers,key_issues,source_url,source_publisher,district
outsourcing,Pathology services outsourced,decided,2025-03-01,"£1,250,000.50",RCF,Acme Pathology Ltd,outsourcing,https://example.org/news/1,Local paper,BD20
closure,Minor injuries unit to close,consultation,2025-04,,RCF,,cuts;hospital-closures,,,
`

func TestCSV(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustImport(t, db, "ods", etr, imports.Options{})
		run, err := importBytes(db, "csv", "items.csv", []byte(trackerCSV), imports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if run.Created != 2 || run.OrgsCreated != 1 {
			t.Fatalf("counts = %+v", run.ImportCounts)
		}
		items := drafts(t, db)
		var pathology *jigsaw.TrackerItem
		for _, it := range items {
			if it.Kind == jigsaw.TrackerOutsourcing {
				pathology, _ = db.FindTrackerItemByID(ctx, it.ID)
			}
		}
		if pathology == nil || pathology.ValuePence != 125000050 || len(pathology.Organisations) != 2 ||
			pathology.Organisations[0].Slug != "airedale-nhs-foundation-trust" || pathology.District != "BD20" {
			t.Fatalf("pathology item = %+v", pathology)
		}
		run, err = importBytes(db, "csv", "items.csv", []byte(trackerCSV), imports.Options{})
		if err != nil || run.Unchanged != 2 || run.Created+run.Updated != 0 {
			t.Errorf("re-import: %+v, %v", run, err)
		}
		changed := strings.Replace(trackerCSV, "decided,2025-03-01", "implemented,2025-03-01", 1)
		changed = strings.Replace(changed, "Pathology services outsourced", "Pathology services outsourced", 1)
		if _, err := importBytes(db, "csv", "items.csv", []byte(changed), imports.Options{}); err != nil {
			t.Fatal(err)
		}

		before := counts(t, db)
		for _, tc := range []struct{ body, want string }{
			{"kind,title\n", `lacks the required column "status"`},
			{"kind,title,status,status_on,colour\n", `line 1, column 5: unknown column "colour"`},
			{"kind,title,status,status_on\nclosure,A,decided,2025-01-01\nclosure,B,decided,2025-01-01,extra\nwrong,C,decided,2025-01-01\n", "line 4: column 1 (kind): Choose the kind of danger."},
			{"kind,title,status,status_on,value_gbp\nclosure,A,decided,2025-01-01,lots\n", "line 2, column 5 (value_gbp)"},
			{"kind,title,status,status_on\nclosure,A,decided,yesterday\n", "line 2: column 4 (status_on)"},
			{"kind,title,status,status_on\nclosure,A,decided,2025-01-01\nclosure,A,decided,2025-01-01\n", "the same item as line 2"},
			{"kind,title,status,status_on\nclosure,\"A,decided\n", "items.csv: line 2"},
			{"kind,title,status,status_on\nclosure,A \"B\",decided,2025-01-01\n", `items.csv: line 2, column 11: a " in a field that does not start with one`},
		} {
			_, err := importBytes(db, "csv", "items.csv", []byte(tc.body), imports.Options{})
			if msg := jigsaw.ErrorMessage(err); err == nil || !strings.Contains(msg, tc.want) {
				t.Errorf("%q: message %q, want %q", tc.body, msg, tc.want)
			}
		}
		if after := counts(t, db); !equalCounts(before, after) {
			t.Errorf("failed CSV imports wrote rows")
		}
	})
}

// failingReader gives its bytes and then fails with err, as an upload cut
// short does.
type failingReader struct {
	b   []byte
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, r.err
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// TestReadErrors: when the input itself cannot be read, the person is told
// so in the importer's words, not the cause's (which may name a connection
// or a temporary file); the cause stays reachable for the log and for
// errors.Is.
func TestReadErrors(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	cause := errors.New("read tcp 10.0.0.7:443->10.0.0.9:51234: connection reset by peer")
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(bytes.Repeat([]byte(`{"releases": [`), 2000))
	zw.Close()
	for _, tt := range []struct {
		name, kind string
		body       []byte
	}{
		{"ocds", "ocds", []byte(`{"releases": [{"ocid": "o", `)},
		{"ods", "ods", []byte(odsRow("RCF", "AIREDALE") + "\"R0A\",")},
		{"csv", "csv", []byte("kind,title,status,status_on\nclosure,A,")},
		{"gzip header", "ocds", zipped.Bytes()[:5]},
		{"gzip data", "ocds", zipped.Bytes()[:zipped.Len()/2]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, err := imports.NewSource("upload.dat", &failingReader{b: tt.body, err: cause}, -1)
			if err == nil {
				_, err = imports.Import(context.Background(), db, tt.kind, src, imports.Options{ODS: imports.ODSOptions{Kind: "trust"}})
			}
			want := "upload.dat: cannot read: it ends early or the upload was cut short"
			if got := jigsaw.ErrorMessage(err); got != want {
				t.Errorf("message: got %q, want %q", got, want)
			}
			if !errors.Is(err, cause) {
				t.Errorf("errors.Is(%v, cause) is false", err)
			}
		})
	}
}

// TestStoreFaultsAreNotTheFiles: an error of the store that carries no
// code is a fault of the database or of ours, not of the file. It is not
// turned into an EINVALID error with the driver's text in its message.
func TestStoreFaultsAreNotTheFiles(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	ctx := context.Background()
	// A failure no code describes, where the ODS import creates a trust.
	if err := db.ExecRaw(ctx, `CREATE TRIGGER refuse BEFORE INSERT ON organisations BEGIN SELECT RAISE(ABORT, 'words of the driver'); END`); err != nil {
		t.Fatal(err)
	}
	_, err := importBytes(db, "ods", "trusts.csv", []byte(odsRow("RCF", "AIREDALE")), imports.Options{ODS: imports.ODSOptions{Kind: "trust"}})
	if err == nil {
		t.Fatal("imported despite the trigger")
	}
	if code, msg := jigsaw.ErrorCode(err), jigsaw.ErrorMessage(err); code != jigsaw.EINTERNAL || msg != "Internal error." {
		t.Errorf("got code %q, message %q; want %q and the message of an internal error", code, msg, jigsaw.EINTERNAL)
	}
	if !strings.Contains(err.Error(), "words of the driver") {
		t.Errorf("error text %q lacks the driver's words, for the log", err)
	}
}
